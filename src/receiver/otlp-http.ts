/**
 * The OTLP/HTTP receiver's logic, whatever carries the request: the Hono app (app.ts, and the tests
 * through app.request()) and the fast path straight on Node's http server (node-listener.ts) both
 * hand it the route, the four headers it reads and the body, and write out the answer it gives.
 * Every status, body and header the receiver answers with is chosen here, once.
 *
 * Checks run cheapest first and before the body is read: intake (503 at shutdown), route (404, 405),
 * bearer token (401), media type and content coding (415), declared length (413); then the body is
 * read under the limit and handed, raw, to the pipeline, whose answer is mapped in `answerOf`.
 */
import { CONTENT_TYPE, type Encoding } from '../otlp/codec.js';
import { DecodeBudget } from '../otlp/index.js';
import { encodeResponse } from '../otlp/response.js';
import type { ExportTraceServiceResponse } from '../otlp/model.js';
import { CODECS, SIGNALS, type Signal } from '../otlp/signal.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import type { BodySource } from './body-source.js';
import { contentCodingOf, encodingOf, type ContentCoding } from './content-type.js';
import { InflightBudget } from './inflight-budget.js';
import { ProblemError, problems, type Problem } from './problem.js';
import { readBody } from './read-body.js';
import { encodeStatus } from './status-body.js';
import type { PipelineResult, RawRequest } from './types.js';
import { DEFAULT_MAX_INFLIGHT_BODY_BYTES, defaultMaxDecodedBytes, type ReceiverDeps } from './receiver-deps.js';

/** What the route says about a request: an export of one signal, a wrong method on one, or no route. */
export type Route = { kind: 'export'; signal: Signal } | { kind: 'method_not_allowed' } | { kind: 'not_found' };

const EXPORT_ROUTES: ReadonlyMap<string, Route> = new Map(SIGNALS.map((signal) => [CODECS[signal].path, { kind: 'export', signal }]));
export const METHOD_NOT_ALLOWED: Route = { kind: 'method_not_allowed' };
export const NOT_FOUND: Route = { kind: 'not_found' };

/** The export route of a signal's exact path (/v1/traces, /v1/logs, /v1/metrics); undefined for any other. */
export function exportRouteOf(path: string): Route | undefined {
  return EXPORT_ROUTES.get(path);
}

/** The request headers the receiver reads; a repeated header is its values joined with ", " (as web Headers do). */
export interface RequestHead {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  contentLength: string | undefined;
  authorization: string | undefined;
}

/** An answer, ready to write: header names lowercase; content-length is the writer's. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface OtlpHttpReceiver {
  /** The whole request → its answer; never throws (a bug is answered 500 and logged). Counted in metrics. */
  serve(route: Route, head: RequestHead, body: () => ReadableStream<Uint8Array> | BodySource | null): Promise<HttpAnswer>;
  /** The answer for an error that escaped the transport adapter (Hono's onError). */
  failed(err: unknown, contentType: string | undefined): HttpAnswer;
}

/** The label and response encoding when the request's Content-Type is not one we speak. */
const FALLBACK_ENCODING: Encoding = 'json';

function problemAnswer(problem: Problem, encoding: Encoding | undefined): HttpAnswer {
  const enc = encoding ?? FALLBACK_ENCODING;
  // Sorted by name, the order the receiver has always written them in (web Headers iterate sorted).
  const headers = Object.fromEntries(Object.entries({ ...problem.headers, 'content-type': CONTENT_TYPE[enc] }).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { status: problem.status, headers, body: encodeStatus(problem.grpcCode, problem.message, enc) };
}

/** The pipeline's answer as OTLP/HTTP: the one place its statuses are chosen. */
function answerOf(result: PipelineResult, encoding: Encoding, signal: Signal): HttpAnswer {
  switch (result.status) {
    case 'accepted': {
      // OTLP: partial_success must be left unset when everything was accepted.
      const response: ExportTraceServiceResponse =
        result.rejected.count > 0 ? { partialSuccess: { rejectedSpans: BigInt(result.rejected.count), errorMessage: result.rejected.message } } : {};
      return { status: 200, headers: { 'content-type': CONTENT_TYPE[encoding] }, body: encodeResponse(response, encoding, signal) };
    }
    case 'invalid':
      throw new ProblemError(problems.badRequest(result.message));
    case 'too_large':
      throw new ProblemError(problems.decodedTooLarge(result.message));
    case 'unavailable':
      throw new ProblemError(problems.unavailable(result.retryAfterSeconds));
    case 'not_served':
      throw new ProblemError(problems.notServed(result.message));
  }
}

export function createOtlpHttpReceiver(deps: ReceiverDeps): OtlpHttpReceiver {
  // Everything derived from the options is computed once here, not per request.
  const { handle, metrics, logger } = deps;
  const limit = deps.limits.maxRequestBodyBytes;
  const authenticate: Authenticator | undefined = deps.auth ? createAuthenticator(deps.auth.tokens) : undefined;
  const tooLarge = problems.tooLarge(limit);
  const inflight = deps.inflight ?? new InflightBudget(deps.limits.maxInflightBodyBytes ?? DEFAULT_MAX_INFLIGHT_BODY_BYTES);
  const maxDecoded = deps.limits.maxDecodedBytes ?? defaultMaxDecodedBytes(limit, inflight.capacityBytes);
  const busy = problems.unavailable(1);
  const intake = deps.intake;
  const closing = problems.shuttingDown(intake?.retryAfterSeconds ?? 1);

  function failed(err: unknown, encoding: Encoding | undefined): HttpAnswer {
    if (err instanceof ProblemError) return problemAnswer(err.problem, encoding);
    // A bug, not a bad request: log the kind of error (no payload) and answer 500, which OTLP clients
    // do not retry, so the problem is visible instead of looping.
    const e = err as Error;
    logger.error({ err: { name: e.name, message: e.message, stack: e.stack } }, 'receiver failed on a request');
    return problemAnswer(problems.internal(), encoding);
  }

  async function exportSignal(signal: Signal, head: RequestHead, encoding: Encoding | undefined, body: () => ReadableStream<Uint8Array> | BodySource | null): Promise<HttpAnswer> {
    let tenant: string | undefined;
    if (authenticate) {
      const auth = authenticate(head.authorization);
      if (!auth.ok) {
        throw new ProblemError(problems.unauthenticated(auth.reason === 'missing' ? 'missing bearer token' : 'unknown bearer token'));
      }
      tenant = auth.tenant;
    }
    if (encoding === undefined) {
      throw new ProblemError(problems.unsupportedMediaType('unsupported Content-Type: send application/x-protobuf or application/json'));
    }
    const coding = contentCodingOf(head.contentEncoding);
    if (coding === undefined) {
      throw new ProblemError(problems.unsupportedMediaType('unsupported Content-Encoding: send gzip, deflate or identity'));
    }
    const declared = head.contentLength;
    if (declared !== undefined && Number(declared) > limit) throw new ProblemError(tooLarge);

    // What this request holds of the in-flight budget stays taken until it is answered.
    const hold = { bytes: 0 };
    try {
      return await receive(body(), signal, encoding, coding, tenant, (n) => {
        if (!inflight.tryTake(n)) return false;
        hold.bytes += n;
        return true;
      });
    } finally {
      inflight.release(hold.bytes);
    }
  }

  async function receive(
    source: ReadableStream<Uint8Array> | BodySource | null,
    signal: Signal,
    encoding: Encoding,
    coding: ContentCoding,
    tenant: string | undefined,
    take: (bytes: number) => boolean,
  ): Promise<HttpAnswer> {
    const inWorker = deps.decompress === 'worker' && coding !== 'identity';
    // Left to the worker, the raw bytes are read under the same limit (the compressed size is at most
    // what it inflates to, for anything worth sending) and taken from the same budget.
    const body = await readBody(source, inWorker ? 'identity' : coding, limit, take);
    if (!body.ok) {
      switch (body.reason) {
        case 'too_large':
          throw new ProblemError(tooLarge);
        case 'busy':
          throw new ProblemError(busy);
        case 'bad_encoding':
          throw new ProblemError(problems.badRequest(body.message));
        case 'aborted':
          throw new ProblemError(problems.badRequest('request body could not be read'));
      }
    }

    // Decoding draws from the same in-flight budget as the body (held until the request is answered).
    const budget = new DecodeBudget(maxDecoded, take);
    const request: RawRequest = { signal, encoding, body: body.bytes, ctx: { authTenant: tenant }, budget };
    if (inWorker) request.compressed = { coding: coding as 'gzip' | 'deflate', limitBytes: limit, take };
    const result = await handle(request);
    if (result.status === 'invalid') logger.debug({ signal, encoding, bytes: body.bytes.byteLength }, 'undecodable request body');
    return answerOf(result, encoding, signal);
  }

  async function answer(route: Route, head: RequestHead, encoding: Encoding | undefined, body: () => ReadableStream<Uint8Array> | BodySource | null): Promise<HttpAnswer> {
    try {
      switch (route.kind) {
        case 'export':
          return await exportSignal(route.signal, head, encoding, body);
        case 'method_not_allowed':
          return problemAnswer(problems.methodNotAllowed(), encoding);
        case 'not_found':
          return problemAnswer(problems.notFound(), encoding);
      }
    } catch (err) {
      return failed(err, encoding);
    }
  }

  return {
    async serve(route, head, body) {
      const encoding = encodingOf(head.contentType);
      const label = encoding ?? 'unknown';
      // First of all checks: after the switch no request starts, whatever connection it came on.
      if (intake?.closed) {
        metrics.requests(closing.status, label);
        return problemAnswer(closing, encoding);
      }
      const result = await answer(route, head, encoding, body);
      metrics.requests(result.status, label, 'http');
      return result;
    },
    failed: (err, contentType) => failed(err, encodingOf(contentType)),
  };
}
