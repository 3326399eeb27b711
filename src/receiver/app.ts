/**
 * The OTLP/HTTP receiver (specification: opentelemetry.io/docs/specs/otlp/#otlphttp) as a Hono app.
 *
 *   POST /v1/traces, /v1/logs, /v1/metrics   application/x-protobuf | application/json,
 *                                            Content-Encoding gzip | deflate | identity
 *
 * Transport only, and this file only the Hono side of it: what is checked, in which order, and how
 * each outcome is answered (200 with partial_success, 400, 401, 404, 405, 413, 415, 503 +
 * Retry-After, google.rpc.Status bodies in the request's encoding) lives in otlp-http.ts, shared
 * with the fast path on Node's http server (node-listener.ts). The gateway serves export POSTs
 * through that fast path and everything else through this app; the tests drive this app with
 * app.request(), so both transports answer from the same code.
 *
 * Memory: one InflightBudget for the whole receiver (shared with the gRPC receiver) holds every
 * request's body while it is read and then, as the pipeline decodes it (the DecodeBudget handed over
 * with the raw body draws from it), an estimate of what decoding made of it, until the request is
 * answered. One request may decode to at most 16 × its size + 8 MiB, checked as it is read, and at
 * most `maxDecodedBytes` (16 × the body limit by default, and at most half the in-flight budget),
 * else 413.
 */
import { Hono, type Context } from 'hono';
import { CODECS, SIGNALS } from '../otlp/signal.js';
import { createOtlpHttpReceiver, exportRouteOf, METHOD_NOT_ALLOWED, NOT_FOUND, type HttpAnswer, type OtlpHttpReceiver, type RequestHead, type Route } from './otlp-http.js';
import type { ReceiverDeps } from './receiver-deps.js';

export type { ReceiverDeps } from './receiver-deps.js';

export const TRACES_PATH = CODECS.traces.path;

function headOf(headers: Headers): RequestHead {
  return {
    contentType: headers.get('content-type') ?? undefined,
    contentEncoding: headers.get('content-encoding') ?? undefined,
    contentLength: headers.get('content-length') ?? undefined,
    authorization: headers.get('authorization') ?? undefined,
  };
}

function responseOf(answer: HttpAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

export function createReceiverApp(deps: ReceiverDeps): Hono {
  return receiverApp(createOtlpHttpReceiver(deps));
}

/** A receiver another transport shares (the fast path, start.ts) as a Hono app. */
export function receiverApp(receiver: OtlpHttpReceiver): Hono {
  const app = new Hono();
  const serve = async (c: Context, route: Route): Promise<Response> =>
    responseOf(await receiver.serve(route, headOf(c.req.raw.headers), () => c.req.raw.body));

  for (const signal of SIGNALS) {
    const path = CODECS[signal].path;
    const exportRoute = exportRouteOf(path)!;
    app.post(path, (c) => serve(c, exportRoute));
    app.all(path, (c) => serve(c, METHOD_NOT_ALLOWED));
  }
  app.notFound((c) => serve(c, NOT_FOUND));
  // receiver.serve answers every failure itself; this is for one in Hono or the adapter above.
  app.onError((err, c) => responseOf(receiver.failed(err, c.req.header('content-type'))));
  return app;
}
