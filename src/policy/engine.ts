/**
 * The policy engine: `process` is the hot path. Pure and synchronous (the clock is injected); never
 * mutates the input batch (new span objects are built for outputs, untouched sub-objects are shared
 * read-only).
 *
 * Per resource: resolve the tenant (auth first, then the resource attribute; a contradiction is
 * refused), pick that tenant's compiled policy, redact the resource once. Per span, in this order:
 * tenant check → redact → drop_span action → classify (first matching rule; none → discard) → the
 * tenant's contract → sampling (keep_always first) → stamp and group by (class, tenant) → claim caps.
 * Caps are claimed, not counted: a span that caps apply to goes into its output with a CapRequest,
 * and the caller takes the whole request's caps in one call to its CapStore (caps.ts).
 * Any exception while handling a span discards that span as engine_error: fail closed, never forwarded.
 */
import type { InstrumentationScope, Resource, ResourceSpans, ScopeSpans, Span, TracesData } from '../otlp/model.js';
import type { EntityName } from './detect/types.js';
import type { CapKey } from './caps.js';
import { boundedCapKey, windowStart } from './caps.js';
import type { CompiledCondition, EvalContext } from './conditions.js';
import { RedactionAccount } from './redact.js';
import { keepTrace, type Threshold } from './sample.js';
import type { SpanScanner } from './scan-span.js';
import { extractSignals, NO_SIGNALS, type SignalConfig, type Signals } from './signals.js';
import { stampAttributes } from './stamp.js';
import { contractFor, resolveTenant, spanContradictsTenant, type Contract, type TenantSettings } from './tenant.js';
import { getAttribute } from '../otlp/model.js';
import type {
  Classification,
  ClassOutput,
  Clock,
  CompiledPolicy,
  DiscardReason,
  ExportClass,
  CapRequest,
  ProcessOptions,
  ProcessResult,
  RejectReason,
  RequestContext,
  SpanDecision,
} from './types.js';

export interface CompiledRule {
  id: string;
  cls: Classification;
  cond: CompiledCondition;
  description: string | undefined;
  threshold?: Threshold;
}

export interface KeepRule {
  id: string;
  cond: CompiledCondition;
}

export interface CompiledCap {
  id: string;
  classes: ReadonlySet<ExportClass> | undefined;
  cond: CompiledCondition | undefined;
  key: readonly string[];
  limit: number;
  windowMs: number;
}

/** Everything compiled for one tenant's view of the policy (the base, or base + that tenant's override). */
export interface Effective {
  scanner: SpanScanner;
  rules: CompiledRule[];
  keep: KeepRule[];
  threshold: Threshold;
  caps: CompiledCap[];
  signals: SignalConfig;
  usesSignals: boolean;
}

export interface EngineParts {
  version: string;
  sources: string[];
  tenants: TenantSettings;
  base: Effective;
  perTenant: ReadonlyMap<string, Effective>;
  clock: Clock;
}

const REJECT_TEXT: Record<RejectReason, string> = {
  tenant_mismatch: 'the tenant named in the data differs from the authenticated tenant',
  tenant_missing: 'no tenant: the request is not authenticated and names no tenant',
};

/** Collects the spans of one (class, tenant) output, keeping the resource → scope structure. */
class OutputBuilder {
  readonly resourceSpans: ResourceSpans[] = [];
  spanCount = 0;
  #lastRs: ResourceSpans | undefined;
  #lastRsKey: unknown;
  #lastSs: ScopeSpans | undefined;
  #lastSsKey: unknown;

  constructor(
    readonly cls: ExportClass,
    readonly tenant: string | undefined,
    /** Its index in the result's outputs. */
    readonly index: number,
  ) {}

  /** Spans arrive in input order, so "same resource/scope as the last one" is all the grouping needed. */
  add(inRs: ResourceSpans, resource: Resource, rsSchemaUrl: string, inSs: ScopeSpans, scope: InstrumentationScope, ssSchemaUrl: string, span: Span): void {
    if (this.#lastRsKey !== inRs) {
      this.#lastRs = { resource, scopeSpans: [], schemaUrl: rsSchemaUrl };
      this.resourceSpans.push(this.#lastRs);
      this.#lastRsKey = inRs;
      this.#lastSsKey = undefined;
    }
    if (this.#lastSsKey !== inSs) {
      this.#lastSs = { scope, spans: [], schemaUrl: ssSchemaUrl };
      this.#lastRs!.scopeSpans.push(this.#lastSs);
      this.#lastSsKey = inSs;
    }
    this.#lastSs!.spans.push(span);
    this.spanCount++;
  }

  /** Where the span added last sits (for its CapRequest). */
  lastAdded(): CapRequest['at'] {
    return {
      output: this.index,
      resource: this.resourceSpans.length - 1,
      scope: this.#lastRs!.scopeSpans.length - 1,
      span: this.#lastSs!.spans.length - 1,
    };
  }
}

function describeRule(r: CompiledRule): string {
  return `rule '${r.id}' matched (${r.cond.text})${r.description ? `: ${r.description.trim()}` : ''}`;
}

export function createEngine(parts: EngineParts): CompiledPolicy {
  const { version, tenants, base, perTenant, clock } = parts;
  const sources = Object.freeze([...parts.sources]);

  function capKey(cap: CompiledCap, cls: ExportClass, rule: string, tenant: string | undefined, span: Span, resource: Resource, signals: Signals): string {
    let key = cap.id;
    for (const part of cap.key) {
      let v: string;
      if (part === 'tenant') v = tenant ?? '';
      else if (part === 'class') v = cls;
      else if (part === 'rule') v = rule;
      else if (part === 'signal.kind') v = [...signals.kinds].sort().join('+');
      else if (part === 'signal.reason') v = [...signals.reasons].sort().join('+');
      else {
        const colon = part.indexOf(':');
        const scope = part.slice(0, colon);
        const attr = getAttribute(scope === 'resource' ? resource.attributes : span.attributes, part.slice(colon + 1));
        v = attr === undefined ? '' : attr.kind === 'string' ? attr.value : attr.kind === 'int' || attr.kind === 'double' || attr.kind === 'bool' ? String(attr.value) : attr.kind;
      }
      key += `\u0000${v}`;
    }
    return boundedCapKey(key);
  }

  function process(data: TracesData, ctx: RequestContext, options: ProcessOptions = {}): ProcessResult {
    const explain = options.explain === true;
    const decisions: SpanDecision[] | undefined = explain ? [] : undefined;
    const outputs = new Map<string, OutputBuilder>();
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
    const decide = (d: SpanDecision): void => {
      decisions?.push(d);
    };

    for (const rs of data.resourceSpans) {
      let spanTotal = 0;
      for (const ss of rs.scopeSpans) spanTotal += ss.spans.length;
      received += spanTotal;
      if (spanTotal === 0) continue;

      const tr = resolveTenant(rs.resource.attributes, ctx, tenants);
      if (!tr.ok) {
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            reject(tr.reason);
            if (decisions) decide(baseDecision(span, undefined, 'none', 'discard', '', REJECT_TEXT[tr.reason], { rejectReason: tr.reason }));
          }
        }
        continue;
      }
      const tenant = tr.tenant;
      const eff = (tenant !== undefined ? perTenant.get(tenant) : undefined) ?? base;
      const contract = contractFor(tenant, tenants);

      // The resource is shared by every span under it, whatever their class: redact it once.
      let resource: Resource;
      let rsSchemaUrl: string;
      const resAcc = new RedactionAccount(explain);
      try {
        resource = eff.scanner.resource(rs.resource, resAcc);
        rsSchemaUrl = eff.scanner.field(rs.schemaUrl, 'resource_spans.schema_url', resAcc);
      } catch {
        for (const ss of rs.scopeSpans) {
          for (const span of ss.spans) {
            discard('engine_error');
            if (decisions) decide(baseDecision(span, tenant, tr.source, 'discard', '', 'the engine failed while redacting the resource', { discardReason: 'engine_error' }));
          }
        }
        continue;
      }
      addEntities(resAcc);

      for (const ss of rs.scopeSpans) {
        if (ss.spans.length === 0) continue;
        let scope: InstrumentationScope;
        let ssSchemaUrl: string;
        const scopeAcc = new RedactionAccount(explain);
        try {
          scope = eff.scanner.scope(ss.scope, scopeAcc);
          ssSchemaUrl = eff.scanner.field(ss.schemaUrl, 'scope_spans.schema_url', scopeAcc);
        } catch {
          for (const span of ss.spans) {
            discard('engine_error');
            if (decisions) decide(baseDecision(span, tenant, tr.source, 'discard', '', 'the engine failed while redacting the scope', { discardReason: 'engine_error' }));
          }
          continue;
        }
        addEntities(scopeAcc);

        for (const span of ss.spans) {
          try {
            handleSpan(rs, resource, rsSchemaUrl, resAcc, ss, scope, ssSchemaUrl, scopeAcc, span, tenant, tr.source, contract, eff);
          } catch {
            // Fail closed (principle 1): whatever was half-built for this span is dropped with it.
            discard('engine_error');
            if (decisions) decide(baseDecision(span, tenant, tr.source, 'discard', '', 'the engine failed on this span; discarded, never forwarded unredacted', { discardReason: 'engine_error' }));
          }
        }
      }
    }

    function handleSpan(
      rs: ResourceSpans,
      resource: Resource,
      rsSchemaUrl: string,
      resAcc: RedactionAccount,
      ss: ScopeSpans,
      scope: InstrumentationScope,
      ssSchemaUrl: string,
      scopeAcc: RedactionAccount,
      span: Span,
      tenant: string | undefined,
      tenantSource: SpanDecision['tenantSource'],
      contract: Contract,
      eff: Effective,
    ): void {
      if (spanContradictsTenant(span.attributes, tenant, tenants)) {
        reject('tenant_mismatch');
        if (decisions) decide(baseDecision(span, tenant, tenantSource, 'discard', '', REJECT_TEXT.tenant_mismatch, { rejectReason: 'tenant_mismatch' }));
        return;
      }
      const acc = new RedactionAccount(explain);
      const redacted = eff.scanner.span(span, acc);
      // Explain only: on the hot path no decision (and no closure for one) is built.
      const finish =
        decisions === undefined
          ? undefined
          : (cls: Classification, rule: string, reason: string, extra: Partial<SpanDecision>, sampling?: SpanDecision['sampling']): void => {
              const d = baseDecision(span, tenant, tenantSource, cls, rule, reason, extra);
              d.name = redacted.name;
              d.redactions = [...(resAcc.records ?? []), ...(scopeAcc.records ?? []), ...(acc.records ?? [])];
              if (sampling) d.sampling = sampling;
              decide(d);
            };

      if (acc.dropSpan || resAcc.dropSpan || scopeAcc.dropSpan) {
        addEntities(acc);
        discard('drop_span_action');
        finish?.('discard', '', 'a detector action asked for the span to be dropped', { discardReason: 'drop_span_action' });
        return;
      }

      let entities: ReadonlySet<string> = acc.entities ?? EMPTY;
      if (resAcc.entities || scopeAcc.entities) entities = new Set([...entities, ...(resAcc.entities ?? []), ...(scopeAcc.entities ?? [])]);
      const signals = eff.usesSignals ? extractSignals(span, eff.signals) : NO_SIGNALS;
      const e: EvalContext = { span, resource: rs.resource.attributes, tenant, contract, entities, signals };

      let rule: CompiledRule | undefined;
      for (const r of eff.rules) {
        if (r.cond.test(e)) {
          rule = r;
          break;
        }
      }
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
      const cls = rule.cls;

      // The contract is enforced after the rule: a rule cannot grant a use the tenant did not consent to.
      const allowed =
        cls === 'broad-use' ? contract.broadUse : cls === 'eval-only' ? contract.eval : tenant !== undefined && contract.tenantOnly;
      if (!allowed) {
        discard('tenant_contract');
        finish?.('discard', rule.id, `${describeRule(rule)}; but ${cls} is not allowed by ${tenant === undefined ? 'the default contract (no tenant)' : `tenant '${tenant}''s contract`}`, { discardReason: 'tenant_contract' });
        return;
      }

      let sampling: SpanDecision['sampling'] = KEPT_AT_RATE_1;
      let keepRule: KeepRule | undefined;
      for (const k of eff.keep) {
        if (k.cond.test(e)) {
          keepRule = k;
          break;
        }
      }
      if (keepRule !== undefined) {
        if (decisions) sampling = { sampled: true, reason: `kept by keep_always '${keepRule.id}'` };
      } else {
        const th = rule.threshold ?? eff.threshold;
        if (!th.always) {
          const kept = keepTrace(span.traceId, span.traceState, th);
          sampling = kept ? KEPT_BY_SAMPLING : SAMPLED_OUT;
          if (!kept) {
            discard('sampled_out');
            finish?.('discard', rule.id, describeRule(rule), { discardReason: 'sampled_out' }, sampling);
            return;
          }
        }
      }

      // Every cap that applies is claimed together: the store takes all of them or none, so a span
      // refused by one cap uses up no room in the others. Keys are built before the span joins its
      // output: a condition that throws must leave nothing behind (fail closed).
      let keys: CapKey[] | undefined;
      let capIds: string[] | undefined;
      for (const cap of eff.caps) {
        if (cap.classes !== undefined && !cap.classes.has(cls)) continue;
        if (cap.cond !== undefined && !cap.cond.test(e)) continue;
        (capIds ??= []).push(cap.id);
        (keys ??= []).push({
          key: capKey(cap, cls, rule.id, tenant, span, rs.resource, signals),
          limit: cap.limit,
          windowStartMs: windowStart(clock, cap.windowMs),
          windowMs: cap.windowMs,
        });
      }
      const stamped: Span = {
        ...redacted,
        attributes: stampAttributes(redacted.attributes, cls, rule.id, version, acc.count, contract.retention),
      };
      const groupKey = tenant === undefined ? cls : `${cls}\u0000${tenant}`;
      let out = outputs.get(groupKey);
      if (out === undefined) {
        out = new OutputBuilder(cls, tenant, outputs.size);
        outputs.set(groupKey, out);
      }
      out.add(rs, resource, rsSchemaUrl, ss, scope, ssSchemaUrl, stamped);

      if (keys !== undefined) {
        const request: CapRequest = { keys, capIds: capIds!, at: out.lastAdded() };
        if (decisions) request.decision = decisions.length;
        (capRequests ??= []).push(request);
      }
      addEntities(acc);
      finish?.(cls, rule.id, describeRule(rule), {}, sampling);
    }

    const result: ProcessResult = {
      outputs: [...outputs.values()].map(
        (o): ClassOutput => ({ class: o.cls, tenant: o.tenant, data: { resourceSpans: o.resourceSpans }, spanCount: o.spanCount }),
      ),
      received,
      rejected: {
        count: rejectedCount,
        reasons: rejectedReasons,
        message:
          rejectedCount === 0
            ? ''
            : Object.entries(rejectedReasons)
                .map(([r, n]) => `${n} span(s) rejected: ${REJECT_TEXT[r as RejectReason]}`)
                .join('; '),
      },
      discarded,
      redactionsByEntity: byEntity,
    };
    if (decisions) result.decisions = decisions;
    if (capRequests) result.capRequests = capRequests;
    return result;
  }

  return Object.freeze({ version, sources, process });
}

const EMPTY: ReadonlySet<string> = new Set();
const KEPT_AT_RATE_1: SpanDecision['sampling'] = Object.freeze({ sampled: true, reason: 'kept: sampling rate 1' });
const KEPT_BY_SAMPLING: SpanDecision['sampling'] = Object.freeze({ sampled: true, reason: 'kept by trace-consistent sampling' });
const SAMPLED_OUT: SpanDecision['sampling'] = Object.freeze({ sampled: false, reason: 'sampled out by trace-consistent sampling' });

function baseDecision(
  span: Span,
  tenant: string | undefined,
  tenantSource: SpanDecision['tenantSource'],
  classification: Classification,
  rule: string,
  reason: string,
  extra: Partial<SpanDecision>,
): SpanDecision {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
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
