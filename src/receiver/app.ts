/**
 * The OTLP/HTTP receiver (specification: opentelemetry.io/docs/specs/otlp/#otlphttp) as a Hono app.
 *
 *   POST /v1/traces, /v1/logs, /v1/metrics   application/x-protobuf | application/json,
 *                                            Content-Encoding gzip | deflate | identity
 *
 * Transport only. Checks run cheapest first and before the body is read: method (405), bearer token
 * (401), media type and content coding (415), declared length (413); then the body is streamed under
 * the limit (413 after decompression; with `decompress: 'worker'` the policy worker inflates it under the
 * same limit) and handed, raw, to the pipeline, whose answer is mapped here:
 * 200 (with partial_success when records were refused), 400 when it does not decode, 413 when it
 * decodes to more memory than one request may take, 404 when the signal has no routes, 503 +
 * Retry-After when the export queues are full or requests in flight already hold the in-flight budget.
 *
 * Memory: one InflightBudget for the whole receiver (shared with the gRPC receiver) holds every
 * request's body while it is read and then, as the pipeline decodes it (the DecodeBudget handed over
 * with the raw body draws from it), an estimate of what decoding made of it, until the request is
 * answered. One request may decode to at most 16 × its size + 8 MiB, checked as it is read, and at
 * most `maxDecodedBytes` (16 × the body limit by default, and at most half the in-flight budget),
 * else 413.
 *
 * Every failure is a `Problem` thrown at this edge and mapped to a response in ONE place, `onError`,
 * which answers in the request's encoding with a google.rpc.Status body.
 */
import { Hono, type Context } from 'hono';
import { CONTENT_TYPE, type Encoding } from '../otlp/codec.js';
import { DecodeBudget, DECODED_BYTES_PER_BODY_BYTE } from '../otlp/index.js';
import { encodeResponse } from '../otlp/response.js';
import type { ExportTraceServiceResponse } from '../otlp/model.js';
import { CODECS, SIGNALS, type Signal } from '../otlp/signal.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import { DEFAULTS, type AuthToken } from '../config/types.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import { contentCodingOf, encodingOf } from './content-type.js';
import { ProblemError, problems, type Problem } from './problem.js';
import type { ContentCoding } from './content-type.js';
import { InflightBudget } from './inflight-budget.js';
import type { IntakeSwitch } from './intake.js';
import { readBody } from './read-body.js';
import { encodeStatus } from './status-body.js';
import type { HandleRequest, PipelineResult, RawRequest } from './types.js';

export const TRACES_PATH = CODECS.traces.path;

/** The subset of a pino logger the receiver uses. Given ids and counts only, never payload values. */
export interface ReceiverLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Default for receivers.otlp.protocols.http.max_inflight_body_size: the config's default, one constant. */
export const DEFAULT_MAX_INFLIGHT_BODY_BYTES = DEFAULTS.maxInflightBodyBytes;

export interface ReceiverDeps {
  limits: {
    /** Body limit in bytes, raw and after decompression. */
    maxRequestBodyBytes: number;
    /**
     * Memory all requests in flight may hold together: bodies while read, then the decoded model
     * (estimated); past it, 503 + Retry-After.
     */
    maxInflightBodyBytes?: number;
    /**
     * Estimated memory one decoded request may take; past it, 413. Default
     * min(16 × maxRequestBodyBytes, maxInflightBodyBytes / 2).
     */
    maxDecodedBytes?: number;
  };
  /** The receiver-wide budget, shared with the gRPC receiver; one is made from the limits when absent. */
  inflight?: InflightBudget;
  /** When present (even empty), every request needs a bearer token from this table. */
  auth?: { tokens: readonly AuthToken[] } | undefined;
  handle: HandleRequest;
  metrics: GatewayMetrics;
  logger: ReceiverLogger;
  /** Closed at shutdown: from then on every request is answered 503 + Retry-After at once. */
  intake?: IntakeSwitch;
  /**
   * Who decompresses gzip/deflate bodies: this receiver, as it reads them (default), or the policy
   * worker (`'worker'`, with `service.workers` > 0): then the raw bytes are handed over with the
   * coding and limit (RawRequest.compressed), and the main thread never inflates.
   */
  decompress?: 'receiver' | 'worker';
}

type Env = { Variables: { encoding: Encoding | undefined } };

/** The label and response encoding when the request's Content-Type is not one we speak. */
const FALLBACK_ENCODING: Encoding = 'json';

function respond(c: Context<Env>, problem: Problem): Response {
  const encoding = c.get('encoding') ?? FALLBACK_ENCODING;
  const headers = new Headers(problem.headers);
  headers.set('content-type', CONTENT_TYPE[encoding]);
  return new Response(encodeStatus(problem.grpcCode, problem.message, encoding), { status: problem.status, headers });
}

function success(response: ExportTraceServiceResponse, encoding: Encoding, signal: Signal): Response {
  return new Response(encodeResponse(response, encoding, signal), {
    status: 200,
    headers: { 'content-type': CONTENT_TYPE[encoding] },
  });
}

/**
 * 16 decoded bytes per body byte (otlp/limits.ts), and at most half the in-flight budget: a request
 * that could never be admitted is told so (413) instead of to retry (503), and one request never
 * holds the whole budget.
 */
export function defaultMaxDecodedBytes(maxRequestBodyBytes: number, maxInflightBytes: number): number {
  return Math.floor(Math.min(DECODED_BYTES_PER_BODY_BYTE * maxRequestBodyBytes, maxInflightBytes / 2));
}

export function createReceiverApp(deps: ReceiverDeps): Hono<Env> {
  // Everything derived from the options is computed once here, not per request.
  const { handle, metrics, logger } = deps;
  const limit = deps.limits.maxRequestBodyBytes;
  const authenticate: Authenticator | undefined = deps.auth ? createAuthenticator(deps.auth.tokens) : undefined;
  const tooLarge = problems.tooLarge(limit);
  const inflight = deps.inflight ?? new InflightBudget(deps.limits.maxInflightBodyBytes ?? DEFAULT_MAX_INFLIGHT_BODY_BYTES);
  const maxDecoded = deps.limits.maxDecodedBytes ?? defaultMaxDecodedBytes(limit, inflight.capacityBytes);
  const busy = problems.unavailable(1);

  const app = new Hono<Env>();

  const intake = deps.intake;
  const closing = problems.shuttingDown(intake?.retryAfterSeconds ?? 1);

  app.use('*', async (c, next) => {
    c.set('encoding', encodingOf(c.req.header('content-type')));
    // First of all checks: after the switch no request starts, whatever connection it came on.
    if (intake?.closed) {
      metrics.requests(closing.status, c.get('encoding') ?? 'unknown');
      return respond(c, closing);
    }
    await next();
    metrics.requests(c.res.status, c.get('encoding') ?? 'unknown', 'http');
  });

  const exportHandler = (signal: Signal) => async (c: Context<Env>): Promise<Response> => {
    let tenant: string | undefined;
    if (authenticate) {
      const auth = authenticate(c.req.header('authorization'));
      if (!auth.ok) {
        throw new ProblemError(
          problems.unauthenticated(auth.reason === 'missing' ? 'missing bearer token' : 'unknown bearer token'),
        );
      }
      tenant = auth.tenant;
    }

    const encoding = c.get('encoding');
    if (encoding === undefined) {
      throw new ProblemError(
        problems.unsupportedMediaType('unsupported Content-Type: send application/x-protobuf or application/json'),
      );
    }
    const coding = contentCodingOf(c.req.header('content-encoding'));
    if (coding === undefined) {
      throw new ProblemError(problems.unsupportedMediaType('unsupported Content-Encoding: send gzip, deflate or identity'));
    }
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > limit) throw new ProblemError(tooLarge);

    // What this request holds of the in-flight budget stays taken until it is answered.
    const hold = { bytes: 0 };
    try {
      return await receive(c, signal, encoding, coding, tenant, (n) => {
        if (!inflight.tryTake(n)) return false;
        hold.bytes += n;
        return true;
      });
    } finally {
      inflight.release(hold.bytes);
    }
  };

  async function receive(
    c: Context<Env>,
    signal: Signal,
    encoding: Encoding,
    coding: ContentCoding,
    tenant: string | undefined,
    take: (bytes: number) => boolean,
  ): Promise<Response> {
    const inWorker = deps.decompress === 'worker' && coding !== 'identity';
    // Left to the worker, the raw bytes are read under the same limit (the compressed size is at most
    // what it inflates to, for anything worth sending) and taken from the same budget.
    const body = await readBody(c.req.raw.body, inWorker ? 'identity' : coding, limit, take);
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
    return answer(result, encoding, signal);
  }

  for (const signal of SIGNALS) {
    const path = CODECS[signal].path;
    app.post(path, exportHandler(signal));
    app.all(path, () => {
      throw new ProblemError(problems.methodNotAllowed());
    });
  }

  app.notFound((c) => respond(c, problems.notFound()));

  app.onError((err, c) => {
    if (err instanceof ProblemError) return respond(c, err.problem);
    // A bug, not a bad request: log the kind of error (no payload) and answer 500, which OTLP clients
    // do not retry, so the problem is visible instead of looping.
    logger.error({ err: { name: err.name, message: err.message, stack: err.stack } }, 'receiver failed on a request');
    return respond(c, problems.internal());
  });

  return app;
}

/** The pipeline's answer as OTLP/HTTP: the one place its statuses are chosen. */
function answer(result: PipelineResult, encoding: Encoding, signal: Signal): Response {
  switch (result.status) {
    case 'accepted': {
      // OTLP: partial_success must be left unset when everything was accepted.
      const response: ExportTraceServiceResponse =
        result.rejected.count > 0 ? { partialSuccess: { rejectedSpans: BigInt(result.rejected.count), errorMessage: result.rejected.message } } : {};
      return success(response, encoding, signal);
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
