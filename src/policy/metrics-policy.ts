/**
 * Metrics through the policy: not classified, so there is no rule, sampling, cap or stamp (a stamp
 * would become a label of every series, and a policy change would split them). What does apply, as for
 * spans: the tenant boundary (resolution from the token or the resource, a resource or data point
 * naming another tenant refused), and the policy's detectors over every string of the resource, scope,
 * metric metadata, data point attributes and exemplars' filtered attributes. Metric names,
 * descriptions and units are identifiers and are not scanned. A detector action asking to drop the
 * record drops the data point. Outputs are one per tenant, in the request's structure.
 */
import type { KeyValue } from '../otlp/model.js';
import type { DataPoint, Exemplar, Metric, MetricData, MetricsData, ResourceMetrics, ScopeMetrics } from '../otlp/metrics-model.js';
import { dataPointsOf } from '../otlp/metrics-model.js';
import type { EngineParts, Effective } from './compiled.js';
import { rejectionMessage } from './decisions.js';
import type { EntityName } from './detect/types.js';
import { RedactionAccount } from './redact.js';
import { resolveTenant, spanContradictsTenant } from './tenant.js';
import type { ClassOutput, DiscardReason, ProcessResult, RejectReason, RequestContext } from './types.js';

export function processMetrics(data: MetricsData, ctx: RequestContext, parts: Pick<EngineParts, 'tenants' | 'base' | 'perTenant'>): ProcessResult {
  const { tenants, base, perTenant } = parts;
  const discarded: Partial<Record<DiscardReason, number>> = {};
  const rejectedReasons: Partial<Record<RejectReason, number>> = {};
  const byEntity: Record<EntityName, number> = {};
  const outputs = new Map<string | undefined, { resourceMetrics: ResourceMetrics[]; count: number }>();
  let received = 0;
  let rejectedCount = 0;
  const discard = (reason: DiscardReason, n = 1): void => {
    if (n > 0) discarded[reason] = (discarded[reason] ?? 0) + n;
  };
  const reject = (reason: RejectReason, n = 1): void => {
    if (n === 0) return;
    rejectedCount += n;
    rejectedReasons[reason] = (rejectedReasons[reason] ?? 0) + n;
  };
  const addEntities = (acc: RedactionAccount): void => {
    if (acc.byEntity) for (const [e, n] of acc.byEntity) byEntity[e] = (byEntity[e] ?? 0) + n;
  };

  for (const rm of data.resourceMetrics) {
    const points = countPoints(rm.scopeMetrics);
    received += points;
    const tr = resolveTenant(rm.resource.attributes, ctx, tenants);
    if (!tr.ok) {
      reject(tr.reason, points);
      continue;
    }
    const tenant = tr.tenant;
    const eff = (tenant !== undefined ? perTenant.get(tenant) : undefined) ?? base;
    let kept: ResourceMetrics;
    let keptPoints = 0;
    try {
      const resAcc = new RedactionAccount(false);
      const resource = eff.redactor.resource(rm.resource, resAcc);
      addEntities(resAcc);
      if (resAcc.dropSpan) {
        discard('drop_span_action', points);
        continue;
      }
      const scopeMetrics: ScopeMetrics[] = [];
      for (const sm of rm.scopeMetrics) {
        const r = redactScope(eff, sm, tenant);
        keptPoints += r.kept;
        scopeMetrics.push(r.scope);
      }
      kept = { resource, scopeMetrics, schemaUrl: rm.schemaUrl };
    } catch {
      // Fail closed: a resource the engine fails on is forwarded nowhere.
      discard('engine_error', points);
      continue;
    }
    let out = outputs.get(tenant);
    if (out === undefined) outputs.set(tenant, (out = { resourceMetrics: [], count: 0 }));
    out.resourceMetrics.push(kept);
    out.count += keptPoints;
  }

  function redactScope(eff: Effective, sm: ScopeMetrics, tenant: string | undefined): { scope: ScopeMetrics; kept: number } {
    const scopeAcc = new RedactionAccount(false);
    const scope = eff.redactor.scope(sm.scope, scopeAcc);
    addEntities(scopeAcc);
    if (scopeAcc.dropSpan) {
      discard('drop_span_action', countPoints([sm]));
      return { scope: { scope, metrics: [], schemaUrl: sm.schemaUrl }, kept: 0 };
    }
    const metrics: Metric[] = [];
    let kept = 0;
    for (const m of sm.metrics) {
      const r = redactMetric(eff, m, tenant);
      kept += r.kept;
      if (r.metric !== undefined) metrics.push(r.metric);
    }
    return { scope: { scope, metrics, schemaUrl: sm.schemaUrl }, kept };
  }

  /** The metric with its kept, redacted points; undefined when every point it had was dropped. */
  function redactMetric(eff: Effective, m: Metric, tenant: string | undefined): { metric: Metric | undefined; kept: number } {
    const metaAcc = new RedactionAccount(false);
    const metadata = eff.redactor.attributes(m.metadata, 'metric.metadata', metaAcc);
    addEntities(metaAcc);
    const points = dataPointsOf(m);
    if (metaAcc.dropSpan) {
      discard('drop_span_action', points.length);
      return { metric: undefined, kept: 0 };
    }
    const out: DataPoint[] = [];
    for (const p of points) {
      if (spanContradictsTenant(p.attributes, tenant, tenants)) {
        reject('tenant_mismatch');
        continue;
      }
      try {
        const acc = new RedactionAccount(false);
        const attributes = eff.redactor.attributes(p.attributes, 'point.attributes', acc);
        // Summary points have no exemplars; the other four kinds do.
        const before = 'exemplars' in p ? p.exemplars : NO_EXEMPLARS;
        let exemplars = before;
        for (let i = 0; i < before.length; i++) {
          const ex = before[i]!;
          const fa: KeyValue[] = eff.redactor.attributes(ex.filteredAttributes, 'exemplar.filtered_attributes', acc);
          if (fa !== ex.filteredAttributes) (exemplars === before ? (exemplars = before.slice()) : exemplars)[i] = { ...ex, filteredAttributes: fa };
        }
        addEntities(acc);
        if (acc.dropSpan) {
          discard('drop_span_action');
          continue;
        }
        if (attributes === p.attributes && exemplars === before) out.push(p);
        else out.push(exemplars === before ? { ...p, attributes } : { ...p, attributes, exemplars });
      } catch {
        discard('engine_error');
      }
    }
    if (points.length > 0 && out.length === 0) return { metric: undefined, kept: 0 };
    return { metric: { ...m, metadata, data: withPoints(m.data, out) }, kept: out.length };
  }

  const result: ProcessResult = {
    outputs: [...outputs].map(([tenant, o]): ClassOutput => ({ signal: 'metrics', class: undefined, tenant, data: { resourceMetrics: o.resourceMetrics }, count: o.count })),
    received,
    rejected: { count: rejectedCount, reasons: rejectedReasons, message: rejectedCount === 0 ? '' : rejectionMessage('metrics', rejectedReasons) },
    discarded,
    redactionsByEntity: byEntity,
  };
  return result;
}

const NO_EXEMPLARS: Exemplar[] = [];

function countPoints(scopes: readonly ScopeMetrics[]): number {
  let n = 0;
  for (const sm of scopes) for (const m of sm.metrics) n += dataPointsOf(m).length;
  return n;
}

function withPoints(d: MetricData, points: DataPoint[]): MetricData {
  // The points came out of `d` itself, so they are of its type.
  return d.kind === 'none' ? d : ({ ...d, dataPoints: points } as MetricData);
}
