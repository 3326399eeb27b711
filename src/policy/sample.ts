/**
 * Trace-consistent probabilistic sampling without coordination.
 *
 * Follows OpenTelemetry's consistent probability sampling (trace/tracestate-probability-sampling.md):
 * the randomness R is the least-significant 56 bits of the trace id (W3C Trace Context level 2 makes
 * them random), or the explicit `rv` sub-key of the `ot` tracestate entry when present; the rejection
 * threshold is T = (1 − p) · 2^56, and a span is kept when R ≥ T. Every span of a trace carries the same
 * trace id, so every replica takes the same decision, and a lower rate keeps a subset of a higher one.
 *
 * 56-bit values do not fit a double exactly, so R and T are compared as two 28-bit halves: no BigInt on
 * the hot path.
 */

const HALF = 2 ** 28;

export interface Threshold {
  readonly hi: number;
  readonly lo: number;
  /** p = 1: skip the arithmetic. */
  readonly always: boolean;
  /** p = 0. */
  readonly never: boolean;
}

export function thresholdFor(probability: number): Threshold {
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`sampling probability must be in [0, 1], got ${probability}`);
  const t = BigInt(Math.round((1 - probability) * 2 ** 56));
  return {
    hi: Number(t >> 28n),
    lo: Number(t & BigInt(HALF - 1)),
    always: probability === 1,
    never: probability === 0,
  };
}

/** Parses 7 hex digits starting at `from`; NaN when any is not hex. */
function hex28(s: string, from: number): number {
  return Number.parseInt(s.slice(from, from + 7), 16);
}

function isHex(s: string): boolean {
  return /^[0-9a-f]+$/i.test(s);
}

/** The explicit randomness value from tracestate `ot=...;rv:<14 hex>`, when present. */
function explicitRandomness(traceState: string): string | undefined {
  if (traceState === '' || !traceState.includes('ot=')) return undefined;
  for (const member of traceState.split(',')) {
    const m = member.trim();
    if (!m.startsWith('ot=')) continue;
    for (const sub of m.slice(3).split(';')) {
      if (sub.startsWith('rv:')) {
        const rv = sub.slice(3);
        if (rv.length === 14 && isHex(rv)) return rv;
      }
    }
  }
  return undefined;
}

/**
 * Whether the trace is kept at `threshold`. An id that is not 32 hex digits has no usable randomness:
 * it is treated as R = 0, kept only when everything is kept.
 */
export function keepTrace(traceId: string, traceState: string, threshold: Threshold): boolean {
  if (threshold.always) return true;
  if (threshold.never) return false;
  const rv = explicitRandomness(traceState);
  let hi: number;
  let lo: number;
  if (rv !== undefined) {
    hi = hex28(rv, 0);
    lo = hex28(rv, 7);
  } else {
    if (traceId.length !== 32) return false;
    // The low 56 bits are the last 14 hex digits.
    hi = hex28(traceId, 18);
    lo = hex28(traceId, 25);
  }
  if (Number.isNaN(hi) || Number.isNaN(lo)) return false;
  return hi > threshold.hi || (hi === threshold.hi && lo >= threshold.lo);
}
