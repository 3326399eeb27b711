/**
 * The gRPC answers of the OTLP/gRPC receiver, in one place (OTLP spec, "OTLP/gRPC Response" and
 * "Failures"; status codes from google/rpc/code.proto):
 *
 *   accepted                 OK with an Export*ServiceResponse (partial_success when records were refused)
 *   export queues full       UNAVAILABLE with RetryInfo: retryable, after the delay it names
 *   shutting down            UNAVAILABLE with RetryInfo: retry here after the restart, or elsewhere
 *   policy worker crashed    UNAVAILABLE with RetryInfo: nothing was admitted; a new worker takes the resend
 *   in-flight budget full    RESOURCE_EXHAUSTED with RetryInfo: the server is out of memory budget
 *                            now, or no policy worker was free in time, and says it will recover
 *                            (the spec's only retryable RESOURCE_EXHAUSTED)
 *   decodes too large        INVALID_ARGUMENT: final. The data as sent never fits, and the spec names
 *                            INVALID_ARGUMENT for not-retryable errors; we answer RESOURCE_EXHAUSTED only
 *                            with RetryInfo (issue #8), because clients that predate the spec's rule
 *                            retry every RESOURCE_EXHAUSTED. The one RESOURCE_EXHAUSTED without RetryInfo
 *                            is grpc-js's own, for a message over grpc.max_receive_message_length
 *                            (compressed or inflated), sent before any handler or interceptor runs;
 *                            the spec reads it as final, as the Collector's receiver (grpc-go) sends it
 *   undecodable, too deep    INVALID_ARGUMENT: final
 *   no or unknown token      UNAUTHENTICATED
 *   signal without routes    UNIMPLEMENTED
 *   a bug                    INTERNAL (not retried: the problem shows instead of looping)
 *
 * RetryInfo travels as a google.rpc.Status in the `grpc-status-details-bin` trailer (otlp/rpc-status.ts).
 */
import { Metadata, status as GrpcStatus, type ServerErrorResponse } from '@grpc/grpc-js';
import { encodeResponse } from '../../otlp/response.js';
import { encodeRpcStatus } from '../../otlp/rpc-status.js';
import type { Signal } from '../../otlp/signal.js';
import type { PipelineResult } from '../types.js';

export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** What to hand grpc-js's callback: an error status, or the response bytes. */
export type GrpcAnswer = { ok: true; response: Buffer } | { ok: false; error: ServerErrorResponse & { code: number } };

function failure(code: number, details: string, retryAfterSeconds?: number): GrpcAnswer {
  const metadata = new Metadata();
  if (retryAfterSeconds !== undefined) {
    const delayMs = Math.max(1, Math.ceil(retryAfterSeconds)) * 1000;
    metadata.set(STATUS_DETAILS_KEY, Buffer.from(encodeRpcStatus({ code, message: details, retryDelayMs: delayMs })));
  }
  return { ok: false, error: { name: 'OtlpError', message: details, code, details, metadata } };
}

export const grpcAnswers = {
  unauthenticated: (details: string): GrpcAnswer => failure(GrpcStatus.UNAUTHENTICATED, details),
  /** The receiver-wide in-flight budget has no room: come back after `retryAfterSeconds`. */
  busy: (retryAfterSeconds = 1): GrpcAnswer => failure(GrpcStatus.RESOURCE_EXHAUSTED, 'requests in flight hold the memory budget; retry later', retryAfterSeconds),
  internal: (): GrpcAnswer => failure(GrpcStatus.INTERNAL, 'internal error'),
  /** Intake has stopped (SIGTERM/SIGINT): nothing is admitted any more on any stream. */
  shuttingDown: (retryAfterSeconds: number): GrpcAnswer => failure(GrpcStatus.UNAVAILABLE, 'the gateway is shutting down; retry later', retryAfterSeconds),
};

/** The pipeline's answer as OTLP/gRPC. */
export function grpcAnswer(result: PipelineResult, signal: Signal): GrpcAnswer {
  switch (result.status) {
    case 'accepted': {
      const response = result.rejected.count > 0 ? { partialSuccess: { rejectedSpans: BigInt(result.rejected.count), errorMessage: result.rejected.message } } : {};
      const bytes = encodeResponse(response, 'protobuf', signal);
      return { ok: true, response: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    case 'invalid':
      return failure(GrpcStatus.INVALID_ARGUMENT, result.message);
    case 'too_large':
      return failure(GrpcStatus.INVALID_ARGUMENT, result.message);
    case 'unavailable':
      if (result.reason === 'busy') return grpcAnswers.busy(result.retryAfterSeconds);
      return failure(GrpcStatus.UNAVAILABLE, result.reason === 'queue_full' ? 'export queues are full; retry later' : 'the policy worker processing this request failed; retry', result.retryAfterSeconds);
    case 'not_served':
      return failure(GrpcStatus.UNIMPLEMENTED, result.message);
  }
}
