/**
 * The policy engine: `processSignal` is the hot path. Pure and synchronous (the clock is injected);
 * never mutates the input batch (new record objects are built for outputs, untouched sub-objects are
 * shared read-only).
 *
 * One core for spans and log records (records.ts adapts each). Per resource: resolve the tenant (auth
 * first, then the resource attribute; a contradiction is refused: tenant.ts), pick that tenant's
 * compiled policy, redact the resource once (redacted-part.ts). Per record, in this order: tenant
 * check → redact (redact-record.ts) → drop_span action → classify (classify.ts: rule, contract,
 * sampling) → claim caps (cap-keys.ts) → stamp (stamp.ts) and group by (class, tenant)
 * (output-groups.ts). When no finding can change a decision (no `detected` condition, no drop_span
 * action: compiled.ts decidesBeforeScan), the record is decided first and only the records exported
 * are redacted, with their resource and scope: a sampled-out or discarded record costs no scan. Caps
 * are claimed, not counted: a record that caps apply to goes into its output with a CapRequest, and
 * the caller takes the whole request's caps in one call to its CapStore (caps.ts). Any exception while
 * handling a record discards that record as engine_error: fail closed, never forwarded. Counts are
 * request-tally.ts's; explain's words are decision-log.ts's.
 * Metrics are not classified: metrics-policy.ts scans and forwards them.
 */
import type { InstrumentationScope, Resource } from '../otlp/model.js';
import type { SignalRequest } from '../otlp/signal.js';
import { capClaim } from './cap-keys.js';
import { classifyRecord } from './classify.js';
import type { EngineParts } from './compiled.js';
import type { RecordSignal } from './conditions.js';
import { DecisionLog, type RecordRedaction, type TenantOf } from './decision-log.js';
import { NO_SIGNALS } from './feedback-signals.js';
import { processMetrics } from './metrics-policy.js';
import { OutputGroups, type ResourceGroup, type ScopeGroup } from './output-groups.js';
import { LOG_RECORDS, SPANS, type RecordAdapter } from './records.js';
import { RedactionAccount } from './redact.js';
import { entitiesOf, NO_ENTITIES, redactedResource, redactedScope, type RedactedPart } from './redacted-part.js';
import { RequestTally } from './request-tally.js';
import { Stamps } from './stamp.js';
import { contractFor, resolveTenant, spanContradictsTenant } from './tenant.js';
import type { CapRequest, ClassOutput, CompiledPolicy, ProcessOptions, ProcessResult, RequestContext } from './types.js';

export type { CompiledCap, CompiledRule, Effective, KeepRule } from './compiled.js';

export function createEngine(parts: EngineParts): CompiledPolicy {
  const { version, tenants, base, perTenant, clock } = parts;
  const sources = Object.freeze([...parts.sources]);
  const stamps = new Stamps(version);
  const classifies = new Set<RecordSignal>();
  for (const eff of [base, ...perTenant.values()]) {
    for (const signal of ['traces', 'logs'] as const) if (eff.bySignal[signal].rules.length > 0) classifies.add(signal);
  }

  function processRecords<D, R>(adapter: RecordAdapter<D, R>, data: D, ctx: RequestContext, options: ProcessOptions): ProcessResult {
    const signal = adapter.signal;
    const explain = options.explain === true;
    const log = explain ? new DecisionLog<R>(adapter as RecordAdapter<unknown, R>) : undefined;
    const outputs = new OutputGroups<R>();
    const tally = new RequestTally();
    let capRequests: CapRequest[] | undefined;

    for (const rg of adapter.groups(data)) {
      let total = 0;
      for (const sg of rg.scopes) total += sg.records.length;
      tally.received += total;
      if (total === 0) continue;

      const tr = resolveTenant(rg.resource.attributes, ctx, tenants);
      if (!tr.ok) {
        for (const sg of rg.scopes) {
          tally.reject(tr.reason, sg.records.length);
          log?.rejected(sg.records, { tenant: undefined, source: 'none' }, tr.reason);
        }
        continue;
      }
      const t: TenantOf = { tenant: tr.tenant, source: tr.source };
      const tenant = tr.tenant;
      const eff = (tenant !== undefined ? perTenant.get(tenant) : undefined) ?? base;
      const contract = contractFor(tenant, tenants);
      const rules = eff.bySignal[signal];
      // Decide first, scan only what is exported, when no finding can change a decision (compiled.ts);
      // explain scans every record, to show what was found in the discarded ones too.
      const decideFirst = rules.decidesBeforeScan && !explain;

      // The resource is shared by every record under it, whatever their class: redact it once, before
      // its records are decided, or (deciding first) when the first of them is to be exported.
      const resource = redactedResource(eff.redactor, rg.resource, rg.schemaUrl, explain);
      if (!decideFirst && resource.get() === undefined) {
        for (const sg of rg.scopes) {
          tally.discard('engine_error', sg.records.length);
          log?.groupFailed(sg.records, t, 'resource');
        }
        continue;
      }

      for (const sg of rg.scopes) {
        if (sg.records.length === 0) continue;
        const scope = redactedScope(eff.redactor, sg.scope, sg.schemaUrl, explain);
        if (!decideFirst && scope.get() === undefined) {
          tally.discard('engine_error', sg.records.length);
          log?.groupFailed(sg.records, t, 'scope');
          continue;
        }
        for (const record of sg.records) {
          try {
            handleRecord(rg, resource, sg, scope, record);
          } catch {
            // Fail closed (principle 1): whatever was half-built for this record is dropped with it.
            tally.discard('engine_error');
            log?.engineError(record, t);
          }
        }
        tally.addPart(scope);
      }
      tally.addPart(resource);

      function handleRecord(rg: ResourceGroup<R>, resource: RedactedPart<Resource>, sg: ScopeGroup<R>, scope: RedactedPart<InstrumentationScope>, record: R): void {
        if (spanContradictsTenant(adapter.attributes(record), tenant, tenants)) {
          tally.reject('tenant_mismatch');
          log?.rejected([record], t, 'tenant_mismatch');
          return;
        }
        const r: RecordRedaction<R> = { redacted: undefined, acc: undefined, resource, scope };
        let entities = NO_ENTITIES;
        if (!decideFirst) {
          const acc = (r.acc = new RedactionAccount(explain));
          r.redacted = adapter.scan(eff.redactor, record, acc);
          const res = resource.get()!;
          const sc = scope.get()!;
          if (acc.dropSpan || res.acc.dropSpan || sc.acc.dropSpan) {
            tally.addEntities(acc);
            tally.discard('drop_span_action');
            log?.droppedByAction(record, t, r);
            return;
          }
          entities = entitiesOf(acc, res.acc, sc.acc);
        }
        const e = adapter.context(record, {
          resource: rg.resource.attributes,
          tenant,
          contract,
          entities,
          signals: rules.usesSignals ? adapter.signalsOf(record, eff.signals) : NO_SIGNALS,
        });

        const verdict = classifyRecord(eff, signal, e, contract, tenant, adapter.traceId(record), adapter.traceState(record), explain);
        if (!verdict.exported) {
          tally.discard(verdict.reason);
          log?.classified(record, t, r, verdict);
          return;
        }
        const { cls, rule } = verdict;

        // Every cap that applies is claimed together: the store takes all of them or none, so a record
        // refused by one cap uses up no room in the others. The claim is built before the record joins
        // its output: a condition that throws must leave nothing behind (fail closed).
        const claim = rules.caps.length > 0 ? capClaim(rules.caps, cls, rule.id, e, clock) : undefined;

        // Decided for export: redact now if not yet (a part that fails to redact fails the record).
        const res = resource.get();
        const sc = scope.get();
        if (res === undefined || sc === undefined) throw new Error('resource or scope could not be redacted');
        if (r.acc === undefined) {
          r.acc = new RedactionAccount(explain);
          r.redacted = adapter.scan(eff.redactor, record, r.acc);
        }
        const redacted = r.redacted!;
        const stamped = adapter.withAttributes(redacted, stamps.stamp(adapter.attributes(redacted), cls, rule.id, r.acc.count, contract.retention));
        const out = outputs.for(cls, tenant);
        out.add(rg, res.value, res.schemaUrl, sg, sc.value, sc.schemaUrl, stamped);
        if (claim !== undefined) {
          const request: CapRequest = { keys: claim.keys, capIds: claim.capIds, at: out.lastAdded() };
          if (log) request.decision = log.decisions.length;
          (capRequests ??= []).push(request);
        }
        tally.addEntities(r.acc);
        log?.classified(record, t, r, verdict);
      }
    }

    const result = tally.result(
      signal,
      outputs.builders().map((o) => ({ signal, class: o.cls, tenant: o.tenant, data: adapter.assemble(o.groups), count: o.count }) as ClassOutput),
    );
    if (log) result.decisions = log.decisions;
    if (capRequests) result.capRequests = capRequests;
    return result;
  }

  function processSignal(request: SignalRequest, ctx: RequestContext, options: ProcessOptions = {}): ProcessResult {
    switch (request.signal) {
      case 'traces':
        return processRecords(SPANS, request.data, ctx, options);
      case 'logs':
        return processRecords(LOG_RECORDS, request.data, ctx, options);
      case 'metrics':
        return processMetrics(request.data, ctx, { tenants, base, perTenant });
    }
  }

  return Object.freeze({
    version,
    sources,
    classifies,
    process: (data, ctx, options) => processSignal({ signal: 'traces', data }, ctx, options),
    processSignal,
  } satisfies CompiledPolicy);
}
