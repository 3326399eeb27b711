/**
 * The explain side of the engine: the per-record decision accounts (never holding a payload value)
 * and the words they use. Built only when `process` is asked to explain; the hot path creates none.
 */
import type { CompiledRule } from './compiled.js';
import type { RecordSignal } from './conditions.js';
import type { Classification, RejectReason, SpanDecision } from './types.js';

const UNITS: Record<RecordSignal | 'metrics', string> = { traces: 'span(s)', logs: 'log record(s)', metrics: 'data point(s)' };

export const REJECT_TEXT: Record<RejectReason, string> = {
  tenant_mismatch: 'the tenant named in the data differs from the authenticated tenant',
  tenant_missing: 'no tenant: the request is not authenticated and names no tenant',
};

/** The partial_success error message: `2 log record(s) rejected: …`. */
export function rejectionMessage(signal: RecordSignal | 'metrics', reasons: Partial<Record<RejectReason, number>>): string {
  return Object.entries(reasons)
    .map(([r, n]) => `${n} ${UNITS[signal]} rejected: ${REJECT_TEXT[r as RejectReason]}`)
    .join('; ');
}

export function describeRule(r: CompiledRule): string {
  return `rule '${r.id}' matched (${r.cond.text})${r.description ? `: ${r.description.trim()}` : ''}`;
}

export const KEPT_AT_RATE_1: SpanDecision['sampling'] = Object.freeze({ sampled: true, reason: 'kept: sampling rate 1' });
export const KEPT_BY_SAMPLING: SpanDecision['sampling'] = Object.freeze({ sampled: true, reason: 'kept by trace-consistent sampling' });
export const SAMPLED_OUT: SpanDecision['sampling'] = Object.freeze({ sampled: false, reason: 'sampled out by trace-consistent sampling' });

/** A decision with its record's ids; the (redacted) name is filled in once it exists. */
export function baseDecision(
  signal: RecordSignal,
  ids: { traceId: string; spanId: string },
  tenant: string | undefined,
  tenantSource: SpanDecision['tenantSource'],
  classification: Classification,
  rule: string,
  reason: string,
  extra: Partial<SpanDecision>,
): SpanDecision {
  return {
    signal,
    traceId: ids.traceId,
    spanId: ids.spanId,
    // The raw name may hold PII: decisions carry the redacted name, filled in once it exists.
    name: '',
    tenant,
    tenantSource,
    classification,
    rule,
    reason,
    sampling: { sampled: true, reason: 'not sampled: decided before sampling' },
    redactions: [],
    ...extra,
  };
}
