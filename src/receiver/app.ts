/**
 * The OTLP/HTTP receiver (specification: opentelemetry.io/docs/specs/otlp/#otlphttp) as a Hono app.
 *
 *   POST /v1/traces   application/x-protobuf | application/json, Content-Encoding gzip | deflate | identity
 *
 * Checks run cheapest first and before the body is read: method (405), bearer token (401), media type
 * and content coding (415), declared length (413); then the body is streamed under the limit (413
 * after decompression), decoded (400) under a decoded-memory budget (413), and handed to the pipeline
 * (200, with partial_success when spans were refused; 503 + Retry-After when the export queues are
 * full or requests in flight already hold the in-flight budget).
 *
 * Memory: one InflightBudget for the whole receiver holds every request's body while it is read and
 * decoded, and then what decoding made of it (estimated as it is built, otlp/limits.ts) until the
 * request is answered. One request may decode to at most `maxDecodedBytes` (16 × the body limit by
 * default, and at most half the in-flight budget), else 413.
 *
 * Every failure is a `Problem` thrown at this edge and mapped to a response in ONE place, `onError`,
 * which answers in the request's encoding with a google.rpc.Status body.
 */
import { Hono, type Context } from 'hono';
import { CONTENT_TYPE, type Encoding } from '../otlp/codec.js';
import { decodeTraces, DecodeBudget, DECODED_BYTES_PER_BODY_BYTE } from '../otlp/index.js';
import { encodeResponse } from '../otlp/response.js';
import type { ExportTraceServiceResponse, TracesData } from '../otlp/model.js';
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
import type { HandleTraces } from './types.js';

export const TRACES_PATH = '/v1/traces';

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
    /** Deepest AnyValue nesting accepted by the decoder. */
    maxValueDepth: number;
    /**
     * Memory all requests in flight may hold together: bodies while read and decoded, then the
     * decoded model (estimated); past it, 503 + Retry-After.
     */
    maxInflightBodyBytes?: number;
    /**
     * Estimated memory one decoded request may take; past it, 413. Default
     * min(16 × maxRequestBodyBytes, maxInflightBodyBytes / 2).
     */
    maxDecodedBytes?: number;
  };
  /** When present (even empty), every request needs a bearer token from this table. */
  auth?: { tokens: readonly AuthToken[] } | undefined;
  handle: HandleTraces;
  metrics: GatewayMetrics;
  logger: ReceiverLogger;
  /** Closed at shutdown: from then on every request is answered 503 + Retry-After at once. */
  intake?: IntakeSwitch;
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

function success(response: ExportTraceServiceResponse, encoding: Encoding): Response {
  return new Response(encodeResponse(response, encoding), {
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
  const decodeLimits = { maxDepth: deps.limits.maxValueDepth };
  const authenticate: Authenticator | undefined = deps.auth ? createAuthenticator(deps.auth.tokens) : undefined;
  const tooLarge = problems.tooLarge(limit);
  const inflight = new InflightBudget(deps.limits.maxInflightBodyBytes ?? DEFAULT_MAX_INFLIGHT_BODY_BYTES);
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
    metrics.requests(c.res.status, c.get('encoding') ?? 'unknown');
  });

  app.post(TRACES_PATH, async (c) => {
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
      return await receive(c, encoding, coding, tenant, hold);
    } finally {
      inflight.release(hold.bytes);
    }
  });

  /** Takes `n` bytes of the in-flight budget for the request `hold` stands for. */
  const taker =
    (hold: { bytes: number }) =>
    (n: number): boolean => {
      if (!inflight.tryTake(n)) return false;
      hold.bytes += n;
      return true;
    };

  /**
   * Reads and decodes the body. Once decoded, the body is garbage (the model copies what it keeps),
   * so its bytes go back to the in-flight budget, and so does what the decode budget took but did not
   * use; the decoded model's estimate stays held until the request is answered.
   */
  async function readAndDecode(c: Context<Env>, encoding: Encoding, coding: ContentCoding, hold: { bytes: number }): Promise<TracesData> {
    const take = taker(hold);
    const body = await readBody(c.req.raw.body, coding, limit, take);
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
    const budget = new DecodeBudget(maxDecoded, take);
    const decoded = decodeTraces(body.bytes, encoding, decodeLimits, budget);
    const spare = budget.release() + body.bytes.byteLength;
    inflight.release(spare);
    hold.bytes -= spare;
    if (!decoded.ok) {
      if (decoded.refusal === 'busy') throw new ProblemError(busy);
      const message = `cannot decode ${encoding} ExportTraceServiceRequest: ${decoded.error}`;
      if (decoded.refusal === 'too_large') throw new ProblemError(problems.decodedTooLarge(message));
      logger.debug({ encoding, bytes: body.bytes.byteLength }, 'undecodable request body');
      throw new ProblemError(problems.badRequest(message));
    }
    return decoded.value;
  }

  async function receive(
    c: Context<Env>,
    encoding: Encoding,
    coding: ContentCoding,
    tenant: string | undefined,
    hold: { bytes: number },
  ): Promise<Response> {
    const data = await readAndDecode(c, encoding, coding, hold);
    const result = await handle(data, { authTenant: tenant });
    if (result.status === 'unavailable') throw new ProblemError(problems.unavailable(result.retryAfterSeconds));
    // OTLP: partial_success must be left unset when everything was accepted.
    const response: ExportTraceServiceResponse =
      result.rejected.count > 0
        ? { partialSuccess: { rejectedSpans: BigInt(result.rejected.count), errorMessage: result.rejected.message } }
        : {};
    return success(response, encoding);
  }

  app.all(TRACES_PATH, () => {
    throw new ProblemError(problems.methodNotAllowed());
  });

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
