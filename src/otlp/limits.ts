/**
 * Decode limits shared by both decoders.
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
