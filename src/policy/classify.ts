/**
 * Classification: the first rule whose condition holds decides (no match: discard, fail closed), and
 * the tenant's data-use contract is enforced after it, so a rule cannot grant a use the tenant did not
 * consent to.
 */
import type { CompiledRule } from './compiled.js';
import type { EvalContext } from './conditions.js';
import type { Contract } from './tenant.js';
import type { ExportClass } from './types.js';

export function firstMatchingRule(rules: readonly CompiledRule[], e: EvalContext): CompiledRule | undefined {
  for (let i = 0; i < rules.length; i++) if (rules[i]!.cond.test(e)) return rules[i];
  return undefined;
}

/** tenant-only needs a tenant to be kept for; broad-use and eval-only need the contract to say yes. */
export function contractAllows(cls: ExportClass, contract: Contract, tenant: string | undefined): boolean {
  return cls === 'broad-use' ? contract.broadUse : cls === 'eval-only' ? contract.eval : tenant !== undefined && contract.tenantOnly;
}
