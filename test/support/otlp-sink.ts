/**
 * A real OTLP/HTTP receiver for tests: node:http on 127.0.0.1, an OS-assigned port, decoding protobuf
 * and JSON bodies (gzip too) of the signal its path names (…/v1/traces, …/v1/logs, …/v1/metrics) with
 * the gateway's own decoders, recording every request.
 *
 * It can be scripted to misbehave the way real downstreams do: answer a status (503 with Retry-After,
 * 400, …) for the next N requests or for a while, answer slowly, hang without answering, or be closed
 * (then the port refuses connections: a dead downstream).
 *
 *   const sink = await startOtlpSink();
 *   sink.setBehavior({ kind: 'status', status: 503, retryAfter: '1', times: 2 });
 *   …export to `${sink.url}`…
 *   await sink.waitForSpans(10);
 *   await sink.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { LogRecord, LogsData } from '../../src/otlp/logs-model.js';
import type { MetricsData } from '../../src/otlp/metrics-model.js';
import type { ExportTraceServiceResponse, Span, TracesData } from '../../src/otlp/model.js';
import { encodeResponse } from '../../src/otlp/response.js';
import { CODECS, SIGNALS, type Signal } from '../../src/otlp/signal.js';

export type SinkBehavior =
  /** 200 with an empty ExportTraceServiceResponse. */
  | { kind: 'ok' }
  /**
   * Answer `status` (with `Retry-After: retryAfter` when given) to the next `times` requests, or until
   * `forMs` have passed, or (neither given) until the behaviour is changed; then back to 'ok'.
   */
  | { kind: 'status'; status: number; retryAfter?: string; times?: number; forMs?: number }
  /** Answer 200 after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Read the request, never answer (until close). */
  | { kind: 'hang' }
  /**
   * 200 with partial_success naming `rejected` spans (the client must not retry). The request still counts
   * as accepted in `spans()`: the sink does not choose which spans it "rejected".
   */
  | { kind: 'partial'; rejected: number; message?: string };

export interface SinkRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  encoding: 'protobuf' | 'json' | undefined;
  gzip: boolean;
  /** Body size on the wire (compressed when gzip). */
  bytes: number;
  /** From the path's last segment; undefined for a path that names none. */
  signal: Signal | undefined;
  /** A traces request's spans (undefined for other signals). */
  data: TracesData | undefined;
  logs: LogsData | undefined;
  metrics: MetricsData | undefined;
  decodeError: string | undefined;
  /** Spans, log records or data points. */
  spanCount: number;
  /** What the sink answered; undefined while hanging. */
  status: number | undefined;
  /** The client's source port: equal ports on one connection's requests show keep-alive reuse. */
  remotePort: number | undefined;
}

export interface OtlpSink {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order, whatever was answered. */
  readonly received: SinkRequest[];
  /** Requests answered 2xx: what the downstream actually accepted. */
  accepted(): SinkRequest[];
  /** The spans of accepted requests, in arrival order. */
  spans(): Span[];
  /** The log records of accepted requests, in arrival order. */
  logRecords(): LogRecord[];
  setBehavior(behavior: SinkBehavior): void;
  /** Resolves once accepted requests hold at least `n` spans; rejects after `timeoutMs`. */
  waitForSpans(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves once accepted requests of `signal` hold at least `n` records. */
  waitForRecords(signal: Signal, n: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and cuts every open connection (hung requests included). */
  close(): Promise<void>;
}

export interface SinkOptions {
  behavior?: SinkBehavior;
  port?: number;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startOtlpSink(options: SinkOptions = {}): Promise<OtlpSink> {
  const received: SinkRequest[] = [];
  let behavior: SinkBehavior = options.behavior ?? { kind: 'ok' };
  let statusAnswered = 0;
  let statusSince = Date.now();
  const waiters = new Set<() => void>();

  const acceptedRecords = (signal: Signal): number => received.reduce((n, r) => n + (r.status !== undefined && r.status < 300 && r.signal === signal ? r.spanCount : 0), 0);
  const notify = (): void => {
    for (const w of waiters) w();
  };

  /** The status to answer now, after expiring a 'status' behaviour that has run its course. */
  const current = (): SinkBehavior => {
    if (behavior.kind !== 'status') return behavior;
    const expiredByCount = behavior.times !== undefined && statusAnswered >= behavior.times;
    const expiredByTime = behavior.forMs !== undefined && Date.now() - statusSince >= behavior.forMs;
    if (expiredByCount || expiredByTime) behavior = { kind: 'ok' };
    return behavior;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const encoding = ct === 'application/x-protobuf' ? 'protobuf' : ct === 'application/json' ? 'json' : undefined;
      const gzip = (req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
      const record: SinkRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        encoding,
        gzip,
        bytes: size,
        signal: SIGNALS.find((sig) => (req.url ?? '').split('?')[0]!.endsWith(CODECS[sig].path)),
        data: undefined,
        logs: undefined,
        metrics: undefined,
        decodeError: undefined,
        spanCount: 0,
        status: undefined,
        remotePort: req.socket.remotePort,
      };
      received.push(record);

      let body: Buffer = raw;
      try {
        if (gzip) body = gunzipSync(raw);
        const signal = record.signal;
        const decoded =
          signal === undefined
            ? { ok: false as const, error: `no signal in path '${record.path}'` }
            : encoding === undefined
              ? { ok: false as const, error: `unsupported content-type '${ct}'` }
              : CODECS[signal].decode(body, encoding);
        if (decoded.ok) {
          const value = decoded.value as TracesData & LogsData & MetricsData;
          if (signal === 'traces') record.data = value;
          else if (signal === 'logs') record.logs = value;
          else record.metrics = value;
          record.spanCount = CODECS[signal!].count(value);
        } else record.decodeError = decoded.error;
      } catch (err) {
        record.decodeError = `gunzip: ${(err as Error).message}`;
      }

      const answer = (status: number, headers: Record<string, string> = {}, response: ExportTraceServiceResponse = {}): void => {
        record.status = status;
        const enc = encoding ?? 'protobuf';
        res.writeHead(status, { 'content-type': enc === 'json' ? 'application/json' : 'application/x-protobuf', ...headers });
        // The response in the request's encoding; an empty one is zero bytes in protobuf and {} in JSON.
        res.end(encodeResponse(response, enc, record.signal ?? 'traces'));
        notify();
      };

      if (record.decodeError !== undefined) return answer(record.signal === undefined ? 404 : encoding === undefined ? 415 : 400);
      const b = current();
      switch (b.kind) {
        case 'ok':
          return answer(200);
        case 'status':
          statusAnswered++;
          return answer(b.status, b.retryAfter !== undefined ? { 'retry-after': b.retryAfter } : {});
        case 'delay':
          setTimeout(() => answer(200), b.ms);
          return;
        case 'hang':
          return;
        case 'partial':
          return answer(200, {}, { partialSuccess: { rejectedSpans: BigInt(b.rejected), errorMessage: b.message ?? '' } });
      }
    });
  });

  function waitFor(signal: Signal, n: number, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (acceptedRecords(signal) >= n) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`sink: ${acceptedRecords(signal)} of ${n} ${CODECS[signal].unit.many} accepted after ${timeoutMs}ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    accepted: () => received.filter((r) => r.status !== undefined && r.status < 300),
    spans: () => received.filter((r) => r.status !== undefined && r.status < 300).flatMap((r) => (r.data ? r.data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)) : [])),
    logRecords: () => received.filter((r) => r.status !== undefined && r.status < 300).flatMap((r) => (r.logs ? r.logs.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)) : [])),
    setBehavior(next) {
      behavior = next;
      statusAnswered = 0;
      statusSince = Date.now();
    },
    waitForSpans(n, timeoutMs = 5000) {
      return waitFor('traces', n, timeoutMs);
    },
    waitForRecords(signal, n, timeoutMs = 5000) {
      return waitFor(signal, n, timeoutMs);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
