/**
 * Where a rule is evaluated: a record's classification, from its condition context to a verdict.
 * In order: the first rule of the record's signal whose condition holds decides (none: discard, fail
 * closed); a `discard` rule discards; the tenant's data-use contract is enforced after the rule, so a
 * rule cannot grant a use the tenant did not consent to; then sampling (keep_always first,
 * sampling-decision.ts). Pure: what the engine does with a verdict (redact, stamp, group, claim caps)
 * is engine.ts's.
 */
import type { CompiledRule, Effective } from './compiled.js';
import type { EvalContext, RecordSignal } from './conditions.js';
import { decideSampling, type SamplingOutcome } from './sampling-decision.js';
import type { Contract } from './tenant.js';
import type { DiscardReason, ExportClass } from './types.js';

/** Why classification discarded a record: a subset of DiscardReason. */
export type ClassifyDiscard = Extract<DiscardReason, 'no_rule_matched' | 'rule' | 'tenant_contract' | 'sampled_out'>;

export type Verdict =
  | { readonly exported: true; readonly cls: ExportClass; readonly rule: CompiledRule; readonly sampling: SamplingOutcome['account'] }
  | {
      readonly exported: false;
      readonly reason: ClassifyDiscard;
      /** The deciding rule (none for no_rule_matched). */
      readonly rule?: CompiledRule;
      readonly sampling?: SamplingOutcome['account'];
    };

const NO_RULE: Verdict = Object.freeze({ exported: false, reason: 'no_rule_matched' });

export function firstMatchingRule(rules: readonly CompiledRule[], e: EvalContext): CompiledRule | undefined {
  for (let i = 0; i < rules.length; i++) if (rules[i]!.cond.test(e)) return rules[i];
  return undefined;
}

/** tenant-only needs a tenant to be kept for; broad-use and eval-only need the contract to say yes. */
export function contractAllows(cls: ExportClass, contract: Contract, tenant: string | undefined): boolean {
  return cls === 'broad-use' ? contract.broadUse : cls === 'eval-only' ? contract.eval : tenant !== undefined && contract.tenantOnly;
}

/**
 * The verdict on one record of `signal` under the tenant's effective policy. `traceId`/`traceState`
 * feed trace-consistent sampling; `explain` asks for sampling accounts in words.
 */
export function classifyRecord(
  eff: Effective,
  signal: RecordSignal,
  e: EvalContext,
  contract: Contract,
  tenant: string | undefined,
  traceId: string,
  traceState: string,
  explain: boolean,
): Verdict {
  const rules = eff.bySignal[signal];
  const rule = firstMatchingRule(rules.rules, e);
  if (rule === undefined) return NO_RULE;
  if (rule.cls === 'discard') return { exported: false, reason: 'rule', rule };
  const cls: ExportClass = rule.cls;
  if (!contractAllows(cls, contract, tenant)) return { exported: false, reason: 'tenant_contract', rule };
  const sampling = decideSampling(rules.keep, rule, eff.threshold, e, traceId, traceState, explain);
  if (!sampling.kept) return { exported: false, reason: 'sampled_out', rule, sampling: sampling.account };
  return { exported: true, cls, rule, sampling: sampling.account };
}
