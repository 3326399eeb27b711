/**
 * The policy engine: `processSignal` is the hot path. Pure and synchronous (the clock is injected);
 * never mutates the input batch (new record objects are built for outputs, untouched sub-objects are
 * shared read-only).
 *
 * One core for spans and log records (records.ts adapts each). Per resource: resolve the tenant (auth
 * first, then the resource attribute; a contradiction is refused), pick that tenant's compiled policy,
 * redact the resource once. Per record, in this order: tenant check → redact → drop_span action →
 * classify (first matching rule of the record's signal; none → discard) → the tenant's contract →
 * sampling (keep_always first) → stamp and group by (class, tenant) → claim caps. Caps are claimed,
 * not counted: a record that caps apply to goes into its output with a CapRequest, and the caller
 * takes the whole request's caps in one call to its CapStore (caps.ts). Any exception while handling a
 * record discards that record as engine_error: fail closed, never forwarded.
 * Metrics are not classified: metrics-policy.ts scans and forwards them.
 */
import type { InstrumentationScope, Resource } from '../otlp/model.js';
import type { SignalRequest } from '../otlp/signal.js';
import { capClaim } from './cap-keys.js';
import { contractAllows, firstMatchingRule } from './classify.js';
import type { EngineParts } from './compiled.js';
import type { EvalContext, RecordSignal } from './conditions.js';
import { baseDecision, describeRule, REJECT_TEXT, rejectionMessage } from './decisions.js';
import type { EntityName } from './detect/types.js';
import { processMetrics } from './metrics-policy.js';
import { OutputBuilder, type ResourceGroup, type ScopeGroup } from './output-groups.js';
import { LOG_RECORDS, SPANS, type RecordAdapter } from './records.js';
import { RedactionAccount } from './redact.js';
import { decideSampling } from './sampling-decision.js';
import { NO_SIGNALS } from './signals.js';
import { stampAttributes } from './stamp.js';
import { contractFor, resolveTenant, spanContradictsTenant } from './tenant.js';
import type {
  Classification,
  CapRequest,
  ClassOutput,
  CompiledPolicy,
  DiscardReason,
  ExportClass,
  ProcessOptions,
  ProcessResult,
  RejectReason,
  RequestContext,
  SpanDecision,
} from './types.js';

export type { CompiledCap, CompiledRule, Effective, KeepRule } from './compiled.js';

export function createEngine(parts: EngineParts): CompiledPolicy {
  const { version, tenants, base, perTenant, clock } = parts;
  const sources = Object.freeze([...parts.sources]);
  const classifies = new Set<RecordSignal>();
  for (const eff of [base, ...perTenant.values()]) {
    for (const signal of ['traces', 'logs'] as const) if (eff.bySignal[signal].rules.length > 0) classifies.add(signal);
  }

  function processRecords<D, R>(adapter: RecordAdapter<D, R>, data: D, ctx: RequestContext, options: ProcessOptions): ProcessResult {
    const signal = adapter.signal;
    const explain = options.explain === true;
    const decisions: SpanDecision[] | undefined = explain ? [] : undefined;
    const outputs = new Map<string, OutputBuilder<R>>();
    const discarded: Partial<Record<DiscardReason, number>> = {};
    let capRequests: CapRequest[] | undefined;
    const rejectedReasons: Partial<Record<RejectReason, number>> = {};
    const byEntity: Record<EntityName, number> = {};
    let received = 0;
    let rejectedCount = 0;

    const addEntities = (acc: RedactionAccount): void => {
      if (acc.byEntity) for (const [e, n] of acc.byEntity) byEntity[e] = (byEntity[e] ?? 0) + n;
    };
    const discard = (reason: DiscardReason): void => {
      discarded[reason] = (discarded[reason] ?? 0) + 1;
    };
    const reject = (reason: RejectReason): void => {
      rejectedCount++;
      rejectedReasons[reason] = (rejectedReasons[reason] ?? 0) + 1;
    };
    const ids = (r: R) => ({ traceId: adapter.traceId(r), spanId: adapter.spanId(r) });
    /** Explain only: the same decision for every record of a group that failed as a whole. */
    const decideAll = (records: readonly R[], tenant: string | undefined, source: SpanDecision['tenantSource'], reason: string, extra: Partial<SpanDecision>): void => {
      if (decisions) for (const r of records) decisions.push(baseDecision(signal, ids(r), tenant, source, 'discard', '', reason, extra));
    };

    for (const rg of adapter.groups(data)) {
      let total = 0;
      for (const sg of rg.scopes) total += sg.records.length;
      received += total;
      if (total === 0) continue;

      const tr = resolveTenant(rg.resource.attributes, ctx, tenants);
      if (!tr.ok) {
        for (const sg of rg.scopes) {
          for (let i = 0; i < sg.records.length; i++) reject(tr.reason);
          decideAll(sg.records, undefined, 'none', REJECT_TEXT[tr.reason], { rejectReason: tr.reason });
        }
        continue;
      }
      const tenant = tr.tenant;
      const eff = (tenant !== undefined ? perTenant.get(tenant) : undefined) ?? base;
      const contract = contractFor(tenant, tenants);
      const rules = eff.bySignal[signal];

      // The resource is shared by every record under it, whatever their class: redact it once.
      let resource: Resource;
      let rsSchemaUrl: string;
      const resAcc = new RedactionAccount(explain);
      try {
        resource = eff.scanner.resource(rg.resource, resAcc);
        rsSchemaUrl = eff.scanner.field(rg.schemaUrl, 'resource.schema_url', resAcc);
      } catch {
        for (const sg of rg.scopes) {
          for (let i = 0; i < sg.records.length; i++) discard('engine_error');
          decideAll(sg.records, tenant, tr.source, 'the engine failed while redacting the resource', { discardReason: 'engine_error' });
        }
        continue;
      }
      addEntities(resAcc);

      for (const sg of rg.scopes) {
        if (sg.records.length === 0) continue;
        let scope: InstrumentationScope;
        let ssSchemaUrl: string;
        const scopeAcc = new RedactionAccount(explain);
        try {
          scope = eff.scanner.scope(sg.scope, scopeAcc);
          ssSchemaUrl = eff.scanner.field(sg.schemaUrl, 'scope.schema_url', scopeAcc);
        } catch {
          for (let i = 0; i < sg.records.length; i++) discard('engine_error');
          decideAll(sg.records, tenant, tr.source, 'the engine failed while redacting the scope', { discardReason: 'engine_error' });
          continue;
        }
        addEntities(scopeAcc);

        for (const record of sg.records) {
          try {
            handleRecord(rg, resource, rsSchemaUrl, resAcc, sg, scope, ssSchemaUrl, scopeAcc, record, tenant, tr.source);
          } catch {
            // Fail closed (principle 1): whatever was half-built for this record is dropped with it.
            discard('engine_error');
            decideAll([record], tenant, tr.source, `the engine failed on this ${signal === 'traces' ? 'span' : 'log record'}; discarded, never forwarded unredacted`, { discardReason: 'engine_error' });
          }
        }
      }

      function handleRecord(
        rg: ResourceGroup<R>,
        resource: Resource,
        rsSchemaUrl: string,
        resAcc: RedactionAccount,
        sg: ScopeGroup<R>,
        scope: InstrumentationScope,
        ssSchemaUrl: string,
        scopeAcc: RedactionAccount,
        record: R,
        tenant: string | undefined,
        tenantSource: SpanDecision['tenantSource'],
      ): void {
        if (spanContradictsTenant(adapter.attributes(record), tenant, tenants)) {
          reject('tenant_mismatch');
          decisions?.push(baseDecision(signal, ids(record), tenant, tenantSource, 'discard', '', REJECT_TEXT.tenant_mismatch, { rejectReason: 'tenant_mismatch' }));
          return;
        }
        const acc = new RedactionAccount(explain);
        const redacted = adapter.scan(eff.scanner, record, acc);
        // Explain only: on the hot path no decision (and no closure for one) is built.
        const finish =
          decisions === undefined
            ? undefined
            : (cls: Classification, rule: string, reason: string, extra: Partial<SpanDecision>, sampling?: SpanDecision['sampling']): void => {
                const d = baseDecision(signal, ids(record), tenant, tenantSource, cls, rule, reason, extra);
                d.name = adapter.displayName(redacted);
                d.redactions = [...(resAcc.records ?? []), ...(scopeAcc.records ?? []), ...(acc.records ?? [])];
                if (sampling) d.sampling = sampling;
                decisions.push(d);
              };

        if (acc.dropSpan || resAcc.dropSpan || scopeAcc.dropSpan) {
          addEntities(acc);
          discard('drop_span_action');
          finish?.('discard', '', `a detector action asked for the ${signal === 'traces' ? 'span' : 'log record'} to be dropped`, { discardReason: 'drop_span_action' });
          return;
        }

        let entities: ReadonlySet<string> = acc.entities ?? EMPTY;
        if (resAcc.entities || scopeAcc.entities) entities = new Set([...entities, ...(resAcc.entities ?? []), ...(scopeAcc.entities ?? [])]);
        const e: EvalContext = adapter.context(record, {
          resource: rg.resource.attributes,
          tenant,
          contract,
          entities,
          signals: rules.usesSignals ? adapter.signalsOf(record, eff.signals) : NO_SIGNALS,
        });

        const rule = firstMatchingRule(rules.rules, e);
        if (rule === undefined) {
          discard('no_rule_matched');
          finish?.('discard', '', 'no rule matched (fail closed)', { discardReason: 'no_rule_matched' });
          return;
        }
        if (rule.cls === 'discard') {
          discard('rule');
          finish?.('discard', rule.id, describeRule(rule), { discardReason: 'rule' });
          return;
        }
        const cls: ExportClass = rule.cls;
        if (!contractAllows(cls, contract, tenant)) {
          discard('tenant_contract');
          finish?.('discard', rule.id, `${describeRule(rule)}; but ${cls} is not allowed by ${tenant === undefined ? 'the default contract (no tenant)' : `tenant '${tenant}''s contract`}`, { discardReason: 'tenant_contract' });
          return;
        }

        const sampling = decideSampling(rules.keep, rule, eff.threshold, e, adapter.traceId(record), adapter.traceState(record), explain);
        if (!sampling.kept) {
          discard('sampled_out');
          finish?.('discard', rule.id, describeRule(rule), { discardReason: 'sampled_out' }, sampling.account);
          return;
        }

        // Every cap that applies is claimed together: the store takes all of them or none, so a record
        // refused by one cap uses up no room in the others. The claim is built before the record joins
        // its output: a condition that throws must leave nothing behind (fail closed).
        const claim = rules.caps.length > 0 ? capClaim(rules.caps, cls, rule.id, e, clock) : undefined;

        const stamped = adapter.withAttributes(redacted, stampAttributes(adapter.attributes(redacted), cls, rule.id, version, acc.count, contract.retention));
        const groupKey = tenant === undefined ? cls : `${cls}\u0000${tenant}`;
        let out = outputs.get(groupKey);
        if (out === undefined) {
          out = new OutputBuilder<R>(cls, tenant, outputs.size);
          outputs.set(groupKey, out);
        }
        out.add(rg, resource, rsSchemaUrl, sg, scope, ssSchemaUrl, stamped);
        if (claim !== undefined) {
          const request: CapRequest = { keys: claim.keys, capIds: claim.capIds, at: out.lastAdded() };
          if (decisions) request.decision = decisions.length;
          (capRequests ??= []).push(request);
        }
        addEntities(acc);
        finish?.(cls, rule.id, describeRule(rule), {}, sampling.account);
      }
    }

    const result: ProcessResult = {
      outputs: [...outputs.values()].map((o) => ({ signal, class: o.cls, tenant: o.tenant, data: adapter.assemble(o.groups), count: o.count }) as ClassOutput),
      received,
      rejected: { count: rejectedCount, reasons: rejectedReasons, message: rejectedCount === 0 ? '' : rejectionMessage(signal, rejectedReasons) },
      discarded,
      redactionsByEntity: byEntity,
    };
    if (decisions) result.decisions = decisions;
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

const EMPTY: ReadonlySet<string> = new Set();
