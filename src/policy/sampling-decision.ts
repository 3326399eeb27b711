/**
 * Whether a classified record is kept: a keep_always rule that holds keeps it whatever the rate;
 * otherwise the rate (the deciding rule's `sample`, else `sampling.rate`) decides from its trace id
 * (sample.ts), so a span and the log records of its trace get the same answer on every replica.
 */
import type { CompiledRule, KeepRule } from './compiled.js';
import type { EvalContext } from './conditions.js';
import { KEPT_AT_RATE_1, KEPT_BY_SAMPLING, SAMPLED_OUT } from './decisions.js';
import { keepTrace, type Threshold } from './sample.js';
import type { SpanDecision } from './types.js';

export interface SamplingOutcome {
  kept: boolean;
  /** For explain; the shared constants on the hot path (no allocation). */
  account: SpanDecision['sampling'];
}

const KEPT_AT_1: SamplingOutcome = Object.freeze({ kept: true, account: KEPT_AT_RATE_1 });
const KEPT: SamplingOutcome = Object.freeze({ kept: true, account: KEPT_BY_SAMPLING });
const DROPPED: SamplingOutcome = Object.freeze({ kept: false, account: SAMPLED_OUT });

export function decideSampling(
  keep: readonly KeepRule[],
  rule: CompiledRule,
  fallback: Threshold,
  e: EvalContext,
  traceId: string,
  traceState: string,
  explain: boolean,
): SamplingOutcome {
  for (let i = 0; i < keep.length; i++) {
    const k = keep[i]!;
    if (k.cond.test(e)) return explain ? { kept: true, account: { sampled: true, reason: `kept by keep_always '${k.id}'` } } : KEPT_AT_1;
  }
  const th = rule.threshold ?? fallback;
  if (th.always) return KEPT_AT_1;
  return keepTrace(traceId, traceState, th) ? KEPT : DROPPED;
}
