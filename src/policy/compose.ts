/**
 * Composition: one base policy plus per-tenant overrides (files with `tenant:`), typically a folder.
 *
 * Precedence, for the tenant an override names (other tenants see the base alone):
 * - rules: the override's rules run first, then the base's; first match still wins;
 * - actions: per-entity actions of the override replace the base's for those entities; `default` too;
 * - detectors: built-ins are the union; custom detectors are added (ids must not collide);
 * - scan: skip_keys are the union; other scan settings of the override win;
 * - sampling: the override's rate wins; its keep_always rules are checked before the base's;
 * - caps: added to the base's (ids must not collide);
 * - signals: the override's settings win, aliases are merged;
 * - contract: the override's `contract` is this tenant's data-use contract.
 * Tenant resolution (`tenants:` except contracts) belongs to the base only: the tenant must be known
 * before an override can be chosen.
 */
import type { PolicyDocument } from './schema.js';

export function mergeOverride(base: PolicyDocument, o: PolicyDocument): PolicyDocument {
  const builtin =
    base.detectors?.builtin === 'all' || o.detectors?.builtin === 'all'
      ? ('all' as const)
      : base.detectors?.builtin === undefined && o.detectors?.builtin === undefined
        ? undefined
        : [...new Set([...(base.detectors?.builtin ?? []), ...(o.detectors?.builtin ?? [])])];
  const merged: PolicyDocument = {
    ...base,
    tenant: o.tenant,
    detectors: {
      builtin,
      custom: [...(base.detectors?.custom ?? []), ...(o.detectors?.custom ?? [])],
    },
    scan: {
      ...base.scan,
      ...o.scan,
      skip_keys: [...(base.scan?.skip_keys ?? []), ...(o.scan?.skip_keys ?? [])],
    },
    actions: {
      default: o.actions?.default ?? base.actions?.default,
      entities: { ...base.actions?.entities, ...o.actions?.entities },
    },
    signals: {
      ...base.signals,
      ...o.signals,
      aliases: { ...base.signals?.aliases, ...o.signals?.aliases },
    },
    sampling: {
      rate: o.sampling?.rate ?? base.sampling?.rate,
      keep_always: [...(o.sampling?.keep_always ?? []), ...(base.sampling?.keep_always ?? [])],
    },
    caps: [...(base.caps ?? []), ...(o.caps ?? [])],
    rules: [...(o.rules ?? []), ...(base.rules ?? [])],
  };
  return merged;
}
