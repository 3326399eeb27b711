/**
 * Every way a request can fail, as values the central error handler turns into responses.
 *
 * OTLP/HTTP (specification, "Failures"): a failed request is answered with a google.rpc.Status body
 * in the request's encoding; only 429, 502, 503 and 504 are retryable, and those may carry
 * Retry-After. The gRPC code in the body mirrors the HTTP status (google/rpc/code.proto numbers).
 */
import { bodyTooLargeMessage } from './decompress.js';

export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface Problem {
  status: 400 | 401 | 404 | 405 | 413 | 415 | 500 | 503;
  grpcCode: number;
  /** Sent to the client: says what was wrong with the request, never echoes payload values. */
  message: string;
  headers?: Record<string, string>;
}

/** Thrown by the route handler (the HTTP edge) and mapped to a response in one place: `app.onError`. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'ProblemError';
  }
}

export const problems = {
  badRequest: (message: string): Problem => ({ status: 400, grpcCode: GrpcCode.INVALID_ARGUMENT, message }),
  unauthenticated: (message: string): Problem => ({
    status: 401,
    grpcCode: GrpcCode.UNAUTHENTICATED,
    message,
    headers: { 'www-authenticate': 'Bearer realm="loopgate"' },
  }),
  notFound: (): Problem => ({ status: 404, grpcCode: GrpcCode.UNIMPLEMENTED, message: 'not found: OTLP is accepted at POST /v1/traces, /v1/logs and /v1/metrics' }),
  /** A signal path this gateway has no routes for (OTLP/HTTP: 404 for a path not served). */
  notServed: (message: string): Problem => ({ status: 404, grpcCode: GrpcCode.UNIMPLEMENTED, message }),
  methodNotAllowed: (): Problem => ({
    status: 405,
    grpcCode: GrpcCode.UNIMPLEMENTED,
    message: 'method not allowed: use POST',
    headers: { allow: 'POST' },
  }),
  /**
   * The rest of the body is never read, so the connection cannot carry another request: it is closed
   * and the answer says so (RFC 9112 §9.6), or a keep-alive client would send its next request on a
   * socket about to be closed and see a reset instead of an answer.
   */
  tooLarge: (limitBytes: number): Problem => ({
    status: 413,
    grpcCode: GrpcCode.RESOURCE_EXHAUSTED,
    message: bodyTooLargeMessage(limitBytes),
    headers: { connection: 'close' },
  }),
  /** Well-formed, within the body limit, but decoding it would take more memory than one request may. */
  decodedTooLarge: (message: string): Problem => ({ status: 413, grpcCode: GrpcCode.RESOURCE_EXHAUSTED, message }),
  unsupportedMediaType: (message: string): Problem => ({ status: 415, grpcCode: GrpcCode.INVALID_ARGUMENT, message }),
  unavailable: (retryAfterSeconds: number): Problem => ({
    status: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    message: 'export queues are full; retry later',
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  }),
  /** Intake has stopped (shutdown): `connection: close` so a keep-alive client reconnects elsewhere. */
  shuttingDown: (retryAfterSeconds: number): Problem => ({
    status: 503,
    grpcCode: GrpcCode.UNAVAILABLE,
    message: 'the gateway is shutting down; retry later',
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))), connection: 'close' },
  }),
  internal: (): Problem => ({ status: 500, grpcCode: GrpcCode.INTERNAL, message: 'internal error' }),
};
