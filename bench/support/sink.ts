/**
 * The downstream every benchmarked system exports to: node:http on 127.0.0.1, answering each POST 200
 * with an empty ExportTraceServiceResponse. It counts requests and bytes; while capturing it also keeps
 * each body (gunzipped), so a benchmark can look for values that should never have arrived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface BenchSink {
  readonly url: string;
  readonly requests: number;
  readonly bytes: number;
  /** Start keeping bodies (drops those kept so far). */
  capture(): void;
  /** Stop keeping bodies; returns them. */
  captured(): Buffer[];
  close(): Promise<void>;
}

export function startBenchSink(): Promise<BenchSink> {
  let requests = 0;
  let bytes = 0;
  let kept: Buffer[] | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] | undefined = kept === undefined ? undefined : [];
    req.on('data', (b: Buffer) => {
      bytes += b.length;
      chunks?.push(b);
    });
    req.on('end', () => {
      requests++;
      if (chunks !== undefined && kept !== undefined) {
        const body = Buffer.concat(chunks);
        kept.push(/gzip/i.test(req.headers['content-encoding'] ?? '') ? gunzipSync(body) : body);
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        get requests() {
          return requests;
        },
        get bytes() {
          return bytes;
        },
        capture() {
          kept = [];
        },
        captured() {
          const out = kept ?? [];
          kept = undefined;
          return out;
        },
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
