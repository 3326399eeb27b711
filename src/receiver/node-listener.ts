/**
 * The OTLP/HTTP fast path: export POSTs (/v1/traces, /v1/logs, /v1/metrics) served straight from
 * Node's IncomingMessage and ServerResponse, without building a web Request, Headers, a
 * ReadableStream for the body and a Response per request (most of what the main thread spent per
 * request beside the pipeline). Every other request, and any export POST whose URL or Host the
 * fallback might read differently, goes to the Hono app, which answers from the same OtlpHttpReceiver:
 * statuses, bodies and headers are chosen in one place (otlp-http.ts) for both.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { drainUnread, incomingBodySource } from './body-source.js';
import { exportRouteOf, type HttpAnswer, type OtlpHttpReceiver, type RequestHead } from './otlp-http.js';

/**
 * The headers the receiver reads, from rawHeaders (Node's parsed `headers` object is built lazily:
 * never built here). Repeated ones are joined with ", " as web Headers join them, so a request reads
 * the same on both paths; `host` is the first one, as Node and @hono/node-server take it.
 */
export function requestHeadOf(rawHeaders: readonly string[]): RequestHead & { host: string | undefined } {
  let host: string | undefined;
  let contentType: string | undefined;
  let contentEncoding: string | undefined;
  let contentLength: string | undefined;
  let authorization: string | undefined;
  const join = (prev: string | undefined, value: string): string => (prev === undefined ? value : `${prev}, ${value}`);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    // Lowercased only when the length matches one of the five names: most headers cost a compare.
    switch (name.length) {
      case 4:
        if (host === undefined && name.toLowerCase() === 'host') host = value;
        break;
      case 12:
        if (name.toLowerCase() === 'content-type') contentType = join(contentType, value);
        break;
      case 13:
        if (name.toLowerCase() === 'authorization') authorization = join(authorization, value);
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') contentLength = join(contentLength, value);
        break;
      case 16:
        if (name.toLowerCase() === 'content-encoding') contentEncoding = join(contentEncoding, value);
        break;
    }
  }
  return { host, contentType, contentEncoding, contentLength, authorization };
}

/**
 * Whether the Hono fallback would take this Host as it is. @hono/node-server answers 400 for a Host
 * the URL parser rewrites (e.g. `127.1` → `127.0.0.1`) or refuses; such requests go to it so they
 * keep that answer. A gateway sees a handful of Host values, so the verdicts are remembered.
 */
const hostVerdicts = new Map<string, boolean>();
const MAX_HOST_VERDICTS = 256;

function plainHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const known = hostVerdicts.get(host);
  if (known !== undefined) return known;
  let plain: boolean;
  try {
    plain = new URL(`http://${host}/`).host === host;
  } catch {
    plain = false;
  }
  if (hostVerdicts.size < MAX_HOST_VERDICTS) hostVerdicts.set(host, plain);
  return plain;
}

function write(res: ServerResponse, answer: HttpAnswer): void {
  // The same header set the Hono fallback writes (@hono/node-server adds Content-Length).
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': answer.body.byteLength });
  res.end(answer.body);
}

/** Node's request listener for the receiver: the fast path for export POSTs, `fallback` for the rest. */
export function createReceiverListener(receiver: OtlpHttpReceiver, fallback: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    // Exact paths only: a query, percent-escapes or an absolute URL are the fallback's to read.
    const route = req.method === 'POST' ? exportRouteOf(req.url ?? '') : undefined;
    if (route === undefined) return fallback(req, res);
    const head = requestHeadOf(req.rawHeaders);
    if (!plainHost(head.host) || (req.socket as { encrypted?: boolean }).encrypted) return fallback(req, res);
    // A body the answer did not need (401, 415, a declared 413, shutdown) or that was refused midway
    // is read and dropped, bounded, once the answer is out, as the fallback does.
    res.once('finish', () => drainUnread(req));
    res.once('close', () => drainUnread(req));
    receiver
      .serve(route, head, () => incomingBodySource(req))
      .then((answer) => write(res, answer))
      // serve() answers every failure itself: this is a bug in writing the answer. It is logged and
      // answered 500 if nothing went out yet; never left to crash the process as an unhandled rejection.
      .catch((err: unknown) => {
        try {
          if (!res.headersSent) return write(res, receiver.failed(err, head.contentType));
        } catch {
          // fall through: the connection is cut instead
        }
        res.destroy();
      });
  };
}
