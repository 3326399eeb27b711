/**
 * Which downstream answers are worth another try. Pure, so the table is tested in one place.
 *
 * The OTLP/HTTP specification (protocol/exporter "Failures") lists the retryable statuses:
 * 429 Too Many Requests, 502 Bad Gateway, 503 Service Unavailable, 504 Gateway Timeout. Every other
 * non-2xx status means the request will never succeed as sent and must not be retried.
 */

export function isRetryableStatus(code: number): boolean {
  return code === 429 || code === 502 || code === 503 || code === 504;
}

export function isSuccessStatus(code: number): boolean {
  return code >= 200 && code < 300;
}

const DELTA_SECONDS = /^\s*(\d+)\s*$/;

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3) into milliseconds from `nowMs`:
 * either delta-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`).
 * A date in the past means "now" (0). Absent or malformed → undefined, so the caller uses its own backoff.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header == null) return undefined;
  const delta = DELTA_SECONDS.exec(header);
  if (delta) {
    const seconds = Number(delta[1]);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Only accept something that looks like a date: Date.parse alone also takes bare numbers like "-5".
  if (!/[a-z]/i.test(header)) return undefined;
  const at = Date.parse(header);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The same question for an OTLP/gRPC answer (OTLP specification, "OTLP/gRPC Response", failures):
 * retryable are CANCELLED (1), DEADLINE_EXCEEDED (4), ABORTED (10), OUT_OF_RANGE (11), UNAVAILABLE (14)
 * and DATA_LOSS (15), and RESOURCE_EXHAUSTED (8) only when the server said recovery is possible by
 * sending a google.rpc.RetryInfo; every other code (INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED,
 * UNIMPLEMENTED, INTERNAL, …, and RESOURCE_EXHAUSTED without RetryInfo, e.g. a message over the server's
 * size limit) will fail the same way again.
 */
export function isRetryableGrpcCode(code: number, hasRetryInfo: boolean): boolean {
  switch (code) {
    case 1:
    case 4:
    case 10:
    case 11:
    case 14:
    case 15:
      return true;
    case 8:
      return hasRetryInfo;
    default:
      return false;
  }
}
