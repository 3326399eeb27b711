/**
 * The codec's contract, shared by the protobuf and JSON implementations.
 * Decoders never throw on bad input: they return a value the receiver maps to a 400.
 */
import type { ExportTraceServiceResponse, TracesData } from './model.js';

export type DecodeResult =
  | { ok: true; value: TracesData }
  /** `refusal` is set when the body was over a size budget rather than malformed (limits.ts). */
  | { ok: false; error: string; refusal?: 'too_large' | 'busy' };

export interface DecodeLimits {
  /**
   * Deepest AnyValue nesting (array/kvlist inside array/kvlist) accepted. Depth is tracked with an
   * explicit counter/stack, never by recursion bounded only by the input.
   */
  maxDepth: number;
  /**
   * Estimated heap bytes the decoded request may take (limits.ts, DecodeBudget); used when no budget
   * is passed to the decoder. Default DEFAULT_MAX_DECODED_BYTES.
   */
  maxDecodedBytes?: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxDepth: 64 };

export type Encoding = 'protobuf' | 'json';

export const CONTENT_TYPE: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export type { ExportTraceServiceResponse, TracesData };
