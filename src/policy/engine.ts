/**
 * The policy engine: `processSignal` is the hot path. Pure and synchronous (the clock is injected);
 * never mutates the input batch (new record objects are built for outputs, untouched sub-objects are
 * shared read-only).
 *
 * One core for spans and log records (records.ts adapts each). Per resource: resolve the tenant (auth
 * first, then the resource attribute; a contradiction is refused), pick that tenant's compiled policy,
 * redact the resource once. Per record, in this order: tenant check → redact → drop_span action →
 * classify (first matching rule of the record's signal; none → discard) → the tenant's contract →
 * sampling (keep_always first) → stamp and group by (class, tenant) → claim caps. When no finding can
 * change a decision (no `detected` condition, no drop_span action: compiled.ts decidesBeforeScan), the
 * record is decided first and only the records exported are redacted, with their resource and scope:
 * a sampled-out or discarded record costs no scan. Caps are claimed,
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
import { NO_SIGNALS } from './feedback-signals.js';
import { Stamps } from './stamp.js';
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
  const stamps = new Stamps(version);
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
    /** A resource's or scope's findings count once, if it was redacted (deciding first: if exported). */
    const addPart = (part: RedactedPart<unknown>): void => {
      const done = part.done;
      if (done !== undefined) addEntities(done.acc);
    };
    const discard = (reason: DiscardReason): void => {
      discarded[reason] = (discarded[reason] ?? 0) + 1;
    };
    const reject = (reason: RejectReason): void => {
      rejectedCount++;
      rejectedReasons[reason] = (rejectedReasons[reason] ?? 0) + 1;
    };
    const ids = (r: R) => ({ traceId: adapter.traceId(r), spanId: adapter.spanId(r) });
    /** Explain only: the decision for one record, with what was redacted in it, its resource and scope. */
    const finish = (
      decisions: SpanDecision[],
      record: R,
      redacted: R | undefined,
      acc: RedactionAccount | undefined,
      resource: RedactedPart<Resource>,
      scope: RedactedPart<InstrumentationScope>,
      tenant: string | undefined,
      tenantSource: SpanDecision['tenantSource'],
      cls: Classification,
      rule: string,
      reason: string,
      extra: Partial<SpanDecision>,
      sampling?: SpanDecision['sampling'],
    ): void => {
      const d = baseDecision(signal, ids(record), tenant, tenantSource, cls, rule, reason, extra);
      // The raw name may hold PII: only a redacted one is shown (explain scans every record).
      d.name = redacted === undefined ? '' : adapter.displayName(redacted);
      d.redactions = [...(resource.get()?.acc.records ?? []), ...(scope.get()?.acc.records ?? []), ...(acc?.records ?? [])];
      if (sampling) d.sampling = sampling;
      decisions.push(d);
    };
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
      // Decide first, scan only what is exported, when no finding can change a decision (compiled.ts);
      // explain scans every record, to show what was found in the discarded ones too.
      const decideFirst = rules.decidesBeforeScan && !explain;

      // The resource is shared by every record under it, whatever their class: redact it once, before
      // its records are decided, or (deciding first) when the first of them is to be exported.
      const resource = new RedactedPart(() => {
        const acc = new RedactionAccount(explain);
        const value = eff.redactor.resource(rg.resource, acc);
        return { value, schemaUrl: eff.redactor.field(rg.schemaUrl, 'resource.schema_url', acc), acc };
      });
      if (!decideFirst && resource.get() === undefined) {
        for (const sg of rg.scopes) {
          for (let i = 0; i < sg.records.length; i++) discard('engine_error');
          decideAll(sg.records, tenant, tr.source, 'the engine failed while redacting the resource', { discardReason: 'engine_error' });
        }
        continue;
      }

      for (const sg of rg.scopes) {
        if (sg.records.length === 0) continue;
        const scope = new RedactedPart(() => {
          const acc = new RedactionAccount(explain);
          const value = eff.redactor.scope(sg.scope, acc);
          return { value, schemaUrl: eff.redactor.field(sg.schemaUrl, 'scope.schema_url', acc), acc };
        });
        if (!decideFirst && scope.get() === undefined) {
          for (let i = 0; i < sg.records.length; i++) discard('engine_error');
          decideAll(sg.records, tenant, tr.source, 'the engine failed while redacting the scope', { discardReason: 'engine_error' });
          continue;
        }

        for (const record of sg.records) {
          try {
            handleRecord(rg, resource, sg, scope, record, tenant, tr.source);
          } catch {
            // Fail closed (principle 1): whatever was half-built for this record is dropped with it.
            discard('engine_error');
            decideAll([record], tenant, tr.source, `the engine failed on this ${signal === 'traces' ? 'span' : 'log record'}; discarded, never forwarded unredacted`, { discardReason: 'engine_error' });
          }
        }
        addPart(scope);
      }
      addPart(resource);

      function handleRecord(
        rg: ResourceGroup<R>,
        resource: RedactedPart<Resource>,
        sg: ScopeGroup<R>,
        scope: RedactedPart<InstrumentationScope>,
        record: R,
        tenant: string | undefined,
        tenantSource: SpanDecision['tenantSource'],
      ): void {
        if (spanContradictsTenant(adapter.attributes(record), tenant, tenants)) {
          reject('tenant_mismatch');
          decisions?.push(baseDecision(signal, ids(record), tenant, tenantSource, 'discard', '', REJECT_TEXT.tenant_mismatch, { rejectReason: 'tenant_mismatch' }));
          return;
        }
        let acc: RedactionAccount | undefined;
        let redacted: R | undefined;
        let entities: ReadonlySet<string> = EMPTY;
        if (!decideFirst) {
          acc = new RedactionAccount(explain);
          redacted = adapter.scan(eff.redactor, record, acc);
          const res = resource.get()!;
          const sc = scope.get()!;
          if (acc.dropSpan || res.acc.dropSpan || sc.acc.dropSpan) {
            addEntities(acc);
            discard('drop_span_action');
            if (decisions) finish(decisions, record, redacted, acc, resource, scope, tenant, tenantSource, 'discard', '', `a detector action asked for the ${signal === 'traces' ? 'span' : 'log record'} to be dropped`, { discardReason: 'drop_span_action' });
            return;
          }
          entities = acc.entities ?? EMPTY;
          if (res.acc.entities || sc.acc.entities) entities = new Set([...entities, ...(res.acc.entities ?? []), ...(sc.acc.entities ?? [])]);
        }
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
          if (decisions) finish(decisions, record, redacted, acc, resource, scope, tenant, tenantSource, 'discard', '', 'no rule matched (fail closed)', { discardReason: 'no_rule_matched' });
          return;
        }
        if (rule.cls === 'discard') {
          discard('rule');
          if (decisions) finish(decisions, record, redacted, acc, resource, scope, tenant, tenantSource, 'discard', rule.id, describeRule(rule), { discardReason: 'rule' });
          return;
        }
        const cls: ExportClass = rule.cls;
        if (!contractAllows(cls, contract, tenant)) {
          discard('tenant_contract');
          if (decisions) finish(decisions, record, redacted, acc, resource, scope, tenant, tenantSource, 'discard', rule.id, `${describeRule(rule)}; but ${cls} is not allowed by ${tenant === undefined ? 'the default contract (no tenant)' : `tenant '${tenant}''s contract`}`, { discardReason: 'tenant_contract' });
          return;
        }

        const sampling = decideSampling(rules.keep, rule, eff.threshold, e, adapter.traceId(record), adapter.traceState(record), explain);
        if (!sampling.kept) {
          discard('sampled_out');
          if (decisions) finish(decisions, record, redacted, acc, resource, scope, tenant, tenantSource, 'discard', rule.id, describeRule(rule), { discardReason: 'sampled_out' }, sampling.account);
          return;
        }

        // Every cap that applies is claimed together: the store takes all of them or none, so a record
        // refused by one cap uses up no room in the others. The claim is built before the record joins
        // its output: a condition that throws must leave nothing behind (fail closed).
        const claim = rules.caps.length > 0 ? capClaim(rules.caps, cls, rule.id, e, clock) : undefined;

        // Decided for export: redact now if not yet (a part that fails to redact fails the record).
        const res = resource.get();
        const sc = scope.get();
        if (res === undefined || sc === undefined) throw new Error('resource or scope could not be redacted');
        if (acc === undefined) {
          acc = new RedactionAccount(explain);
          redacted = adapter.scan(eff.redactor, record, acc);
        }
        const stamped = adapter.withAttributes(redacted!, stamps.stamp(adapter.attributes(redacted!), cls, rule.id, acc.count, contract.retention));
        const groupKey = tenant === undefined ? cls : `${cls}\u0000${tenant}`;
        let out = outputs.get(groupKey);
        if (out === undefined) {
          out = new OutputBuilder<R>(cls, tenant, outputs.size);
          outputs.set(groupKey, out);
        }
        out.add(rg, res.value, res.schemaUrl, sg, sc.value, sc.schemaUrl, stamped);
        if (claim !== undefined) {
          const request: CapRequest = { keys: claim.keys, capIds: claim.capIds, at: out.lastAdded() };
          if (decisions) request.decision = decisions.length;
          (capRequests ??= []).push(request);
        }
        addEntities(acc);
        if (decisions) finish(decisions, record, redacted, acc, resource, scope, tenant, tenantSource, cls, rule.id, describeRule(rule), {}, sampling.account);

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

interface Redacted<T> {
  value: T;
  schemaUrl: string;
  acc: RedactionAccount;
}

/** A resource or scope with its schema URL, redacted at most once, when first asked for. */
class RedactedPart<T> {
  #state: 'pending' | 'done' | 'failed' = 'pending';
  #done: Redacted<T> | undefined;

  constructor(private readonly redact: () => Redacted<T>) {}

  /** The redacted part; undefined when redacting it threw (its records fail closed). */
  get(): Redacted<T> | undefined {
    if (this.#state === 'pending') {
      try {
        this.#done = this.redact();
        this.#state = 'done';
      } catch {
        this.#state = 'failed';
      }
    }
    return this.#done;
  }

  /** The redacted part if it was asked for and succeeded, without redacting it now. */
  get done(): Redacted<T> | undefined {
    return this.#done;
  }
}
