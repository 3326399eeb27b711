/**
 * The tenant boundary. The tenant comes from the bearer token first (the receiver authenticated it),
 * else from a resource attribute. A span or resource that names a tenant other than the token's is
 * refused (tenant_mismatch): forwarding it under either tenant would let one customer write into
 * another's data, or mislabel whose data it is.
 */
import { getStringAttribute, type KeyValue } from '../otlp/model.js';
import type { ContractSpec } from './schema.js';
import type { RejectReason, RequestContext, SpanDecision } from './types.js';

export interface Contract {
  readonly broadUse: boolean;
  readonly eval: boolean;
  readonly tenantOnly: boolean;
  readonly retention: string | undefined;
}

export type TenantResolution =
  | { ok: true; tenant: string | undefined; source: SpanDecision['tenantSource'] }
  | { ok: false; reason: RejectReason };

export interface TenantSettings {
  readonly attribute: string;
  readonly missing: 'reject' | 'allow';
  readonly contracts: ReadonlyMap<string, Contract>;
  readonly defaultContract: Contract;
}

/** Fail closed: a contract that does not say broad use or eval is allowed, does not allow them. */
export function compileContract(spec: ContractSpec | undefined, fallback?: Contract): Contract {
  return {
    broadUse: spec?.broad_use ?? fallback?.broadUse ?? false,
    eval: spec?.eval ?? fallback?.eval ?? false,
    tenantOnly: spec?.tenant_only ?? fallback?.tenantOnly ?? true,
    retention: spec?.retention ?? fallback?.retention,
  };
}

export function resolveTenant(resourceAttrs: readonly KeyValue[], ctx: RequestContext, t: TenantSettings): TenantResolution {
  const named = getStringAttribute(resourceAttrs, t.attribute);
  if (ctx.authTenant !== undefined && ctx.authTenant !== '') {
    if (named !== undefined && named !== '' && named !== ctx.authTenant) return { ok: false, reason: 'tenant_mismatch' };
    return { ok: true, tenant: ctx.authTenant, source: 'auth' };
  }
  if (named !== undefined && named !== '') return { ok: true, tenant: named, source: 'resource' };
  if (t.missing === 'reject') return { ok: false, reason: 'tenant_missing' };
  return { ok: true, tenant: undefined, source: 'none' };
}

/** A span attribute with the tenant key that contradicts the resolved tenant is a mismatch too. */
export function spanContradictsTenant(spanAttrs: readonly KeyValue[], tenant: string | undefined, t: TenantSettings): boolean {
  const named = getStringAttribute(spanAttrs, t.attribute);
  return named !== undefined && named !== '' && named !== tenant;
}

export function contractFor(tenant: string | undefined, t: TenantSettings): Contract {
  return (tenant !== undefined ? t.contracts.get(tenant) : undefined) ?? t.defaultContract;
}
