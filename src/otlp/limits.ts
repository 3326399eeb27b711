/**
 * Decode limits shared by every OTLP decoder (traces, logs and metrics).
 *
 * Two bounds hold while a request is decoded, whatever its encoding:
 * - nesting: AnyValue arrays/kvlists deeper than `maxDepth` are refused (the Collector's unbounded
 *   AnyValue recursion, opentelemetry-collector#15301, is the bug this prevents);
 * - size: a DecodeBudget is charged, as the decoder builds the model, with an estimate of the heap each
 *   element holds (DECODED_COST). A body within the size limit can still decode to far more memory
 *   than it is long (20 MiB of empty `Span.links`, `6a 00` repeated, is 10 million links, over 1 GB of
 *   heap); past the budget decoding stops at once and the request is refused (413), before the memory
 *   is taken. A budget can also draw from a shared pool (the receiver's in-flight budget): when the
 *   pool is empty the request is told to retry (503).
 *
 * A decoder for another signal charges the same costs for the shapes it shares (KeyValue, AnyValue,
 * strings, bytes) and its own for its records, measured the same way (see DECODED_COST).
 */
import type { DecodeLimits } from './codec.js';
import { DecodeFailure } from './decode-failure.js';

/**
 * Ceiling on `maxDepth`, whatever the caller configures: the decoders descend into nested AnyValues
 * by recursion guarded by the limit, so the limit itself must stay well inside the call stack
 * (about three frames per level).
 */
export const MAX_SUPPORTED_DEPTH = 1000;

export function effectiveMaxDepth(limits: DecodeLimits): number {
  const d = Math.floor(limits.maxDepth);
  if (!(d >= 0)) return 0;
  return Math.min(d, MAX_SUPPORTED_DEPTH);
}

export function nestingError(maxDepth: number): DecodeFailure {
  return new DecodeFailure(`attribute value nesting exceeds ${maxDepth}`);
}

/**
 * Heap bytes one decoded element holds, rounded up from measurements on Node 20 (x64, no pointer
 * compression): decode a million of each from protobuf and divide the heap growth after a GC.
 * Measured: empty link 114, empty event 98, empty attribute 82, array element 42, span with its ids
 * 746; a one-byte string costs its length (two-byte strings two per character, never more than their
 * UTF-8 length). These are the figures the budget charges; they are estimates, deliberately on the
 * high side.
 */
/**
 * Logs and metrics, measured the same way (300 000 of each from protobuf): log record with its ids 682,
 * number data point 258, empty histogram point 250, empty metric 138, empty exemplar 138, a bucket
 * count (a bigint in an array) 33. Rounded up; one data point cost covers every point type.
 */
const LOG_RECORD_COST = 704;
const METRIC_COST = 160;
const DATA_POINT_COST = 320;
const EXEMPLAR_COST = 160;
const REPEATED_SCALAR_COST = 40;

export const DECODED_COST = {
  resourceSpans: 256,
  scopeSpans: 256,
  span: 800,
  event: 128,
  link: 128,
  keyValue: 96,
  anyValue: 48,
  /** A non-empty string: its header; its characters are charged by their UTF-8 length. */
  string: 24,
  /** A bytes value: the Uint8Array and its buffer; the bytes themselves are charged by length. */
  bytes: 96,
  resourceLogs: 256,
  scopeLogs: 256,
  logRecord: LOG_RECORD_COST,
  resourceMetrics: 256,
  scopeMetrics: 256,
  metric: METRIC_COST,
  dataPoint: DATA_POINT_COST,
  exemplar: EXEMPLAR_COST,
  /** One element of a repeated scalar (a bucket count, a bound, a quantile). */
  repeatedScalar: REPEATED_SCALAR_COST,
} as const;

/** Why a budget refused: the request alone is too large (413), or the shared pool is empty (503). */
export type BudgetRefusal = 'too_large' | 'busy';

/** A grant from a shared pool: true when `bytes` more were taken from it. */
export type BudgetGrant = (bytes: number) => boolean;

/** What a budget takes at a time (from its pool, if any), so the slow checks run once per chunk. */
const CHUNK = 1024 * 1024;

/**
 * Decoded memory a request may take beyond DECODED_BYTES_PER_BODY_BYTE × the bytes read so far: room
 * for the dense stretches real requests have (a run of small spans) while a body that decodes to far
 * more than its size is refused after a few MiB of work.
 */
export const DECODE_SLACK_BYTES = 8 * 1024 * 1024;

/**
 * The estimated memory one request may decode to, with two bounds: at most `limitBytes`, and at most
 * DECODED_BYTES_PER_BODY_BYTE × the body read so far + DECODE_SLACK_BYTES (when the decoder says how
 * far it has read, `track`). The second bound is what keeps a hostile body cheap: 20 MiB of empty
 * links is refused after about 9 MiB charged, a few milliseconds, instead of after the whole limit.
 *
 * `charge` is on the hot path: a subtraction and a comparison per element; the bounds and the pool
 * (if any) are consulted once per CHUNK charged. A refusal is thrown as a DecodeFailure whose
 * `refusal` says which limit was hit; the decoder's entry point turns it into a result like any other
 * failure.
 */
export class DecodeBudget {
  /** What may still be charged before the next check. */
  private left = 0;
  /** Taken so far (from the pool when there is one). */
  private taken = 0;
  private position: (() => number) | undefined;

  constructor(
    readonly limitBytes: number,
    private readonly grant?: BudgetGrant,
  ) {
    if (!(limitBytes >= 0)) throw new Error(`a decode budget must be a number of bytes, got ${limitBytes}`);
  }

  /** Called by a decoder as it starts: how many bytes of the body it has read so far. */
  track(position: () => number): void {
    this.position = position;
  }

  charge(bytes: number): void {
    this.left -= bytes;
    if (this.left < 0) this.more();
  }

  /** Whether charging `bytes` now would stay within both bounds (the pool aside). */
  fits(bytes: number): boolean {
    const after = this.charged + bytes;
    if (after > this.limitBytes) return false;
    return this.position === undefined || after <= DECODED_BYTES_PER_BODY_BYTE * this.position() + DECODE_SLACK_BYTES;
  }

  /** Gives back `bytes` charged for something decoding no longer holds (JSON's parse tree). */
  refund(bytes: number): void {
    this.left += Math.min(bytes, this.charged);
  }

  /** Estimated bytes charged so far. */
  get charged(): number {
    return this.taken - this.left;
  }

  /** Bytes taken from the pool (0 without one). */
  get pooled(): number {
    return this.grant === undefined ? 0 : this.taken;
  }

  /**
   * Returns to the caller the pool bytes taken beyond what is charged, to give back to the pool; the
   * budget keeps exactly what it holds. 0 without a pool.
   */
  release(): number {
    if (this.grant === undefined) return 0;
    const spare = this.left;
    this.taken -= spare;
    this.left = 0;
    return spare;
  }

  private more(): void {
    const need = -this.left;
    const charged = this.taken + need;
    if (charged > this.limitBytes) {
      throw new DecodeFailure(`the request decodes to more than ${this.limitBytes} bytes of memory (estimated as it is decoded)`, 'too_large');
    }
    if (this.position !== undefined && charged > DECODED_BYTES_PER_BODY_BYTE * this.position() + DECODE_SLACK_BYTES) {
      throw new DecodeFailure(`the request decodes to more than ${DECODED_BYTES_PER_BODY_BYTE} times its size in memory (estimated as it is decoded)`, 'too_large');
    }
    let chunk = Math.min(Math.max(need, CHUNK), this.limitBytes - this.taken);
    if (this.grant !== undefined && !this.grant(chunk)) {
      // a nearly full pool may still have room for what is needed now
      if (chunk === need || !this.grant(need)) throw new DecodeFailure('requests in flight hold the memory budget; retry later', 'busy');
      chunk = need;
    }
    this.taken += chunk;
    this.left += chunk;
  }
}

/**
 * Decoded memory a request may take per byte of its body, and the default per byte of
 * `max_request_body_size` (README, "The receiver's limits"). Producer-shaped batches charge 3–7 per
 * protobuf byte and 6–11 per JSON byte (JSON's parse tree is charged while it lives), so real
 * requests fit; empty links charge 64.
 */
export const DECODED_BYTES_PER_BODY_BYTE = 16;

/** The budget for a request under `limits` (no shared pool): for callers outside the receiver. */
export function budgetFor(limits: DecodeLimits): DecodeBudget {
  return new DecodeBudget(limits.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES);
}

/** 16 × the default 20 MiB request body limit. */
export const DEFAULT_MAX_DECODED_BYTES = DECODED_BYTES_PER_BODY_BYTE * 20 * 1024 * 1024;
