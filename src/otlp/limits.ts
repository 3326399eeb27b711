/**
 * Decode limits shared by every OTLP decoder (traces today; logs and metrics reuse the same pieces).
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
} as const;

/** Why a budget refused: the request alone is too large (413), or the shared pool is empty (503). */
export type BudgetRefusal = 'too_large' | 'busy';

/** A grant from a shared pool: true when `bytes` more were taken from it. */
export type BudgetGrant = (bytes: number) => boolean;

/** What a budget asks its pool for at a time, so the pool is not consulted per element. */
const GRANT_CHUNK = 1024 * 1024;

/**
 * The estimated memory one request may decode to. `charge` is on the hot path: a subtraction and a
 * comparison per element; the pool (if any) is asked for GRANT_CHUNK at a time. A refusal is thrown
 * as a DecodeFailure whose `refusal` says which limit was hit; the decoder's entry point turns it
 * into a result like any other failure.
 */
export class DecodeBudget {
  /** What may still be charged before the next grant. */
  private left: number;
  /** Taken so far: from the pool when there is one, else the whole limit. */
  private taken: number;

  constructor(
    readonly limitBytes: number,
    private readonly grant?: BudgetGrant,
  ) {
    if (!(limitBytes >= 0)) throw new Error(`a decode budget must be a number of bytes, got ${limitBytes}`);
    this.taken = grant === undefined ? limitBytes : 0;
    this.left = this.taken;
  }

  charge(bytes: number): void {
    this.left -= bytes;
    if (this.left < 0) this.more();
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
    if (this.grant === undefined || this.taken + need > this.limitBytes) {
      throw new DecodeFailure(`the request decodes to more than ${this.limitBytes} bytes of memory (estimated as it is decoded)`, 'too_large');
    }
    let chunk = Math.min(Math.max(need, GRANT_CHUNK), this.limitBytes - this.taken);
    if (!this.grant(chunk)) {
      // a nearly full pool may still have room for what is needed now
      if (chunk === need || !this.grant(need)) throw new DecodeFailure('requests in flight hold the memory budget; retry later', 'busy');
      chunk = need;
    }
    this.taken += chunk;
    this.left += chunk;
  }
}

/**
 * Decoded memory one request may take per byte of `max_request_body_size` (README, "The receiver's
 * limits"). Producer-shaped batches charge 3–7 per protobuf byte and 6–11 per JSON byte (JSON's parse
 * tree is charged while it lives), so a full-size real request fits; empty links charge 64.
 */
export const DECODED_BYTES_PER_BODY_BYTE = 16;

/** The budget for a request under `limits` (no shared pool): for callers outside the receiver. */
export function budgetFor(limits: DecodeLimits): DecodeBudget {
  return new DecodeBudget(limits.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES);
}

/** 16 × the default 20 MiB request body limit. */
export const DEFAULT_MAX_DECODED_BYTES = DECODED_BYTES_PER_BODY_BYTE * 20 * 1024 * 1024;
