/**
 * Explain only: the decision for each record, in words, with what was redacted in it, its resource
 * and scope (never a payload value: decisions.ts). The engine makes a DecisionLog only when asked to
 * explain; on the hot path there is none and nothing here runs.
 */
import type { InstrumentationScope, Resource } from '../otlp/model.js';
import type { Verdict } from './classify.js';
import { baseDecision, describeRule, REJECT_TEXT } from './decisions.js';
import type { RecordAdapter } from './records.js';
import type { RedactedPart } from './redacted-part.js';
import type { RedactionAccount } from './redact.js';
import type { DiscardReason, RejectReason, SpanDecision } from './types.js';

/** One record's tenant, as resolved for its resource. */
export interface TenantOf {
  tenant: string | undefined;
  source: SpanDecision['tenantSource'];
}

/** What redacting one record produced (both undefined when it was not redacted). */
export interface RecordRedaction<R> {
  redacted: R | undefined;
  acc: RedactionAccount | undefined;
  resource: RedactedPart<Resource>;
  scope: RedactedPart<InstrumentationScope>;
}

export class DecisionLog<R> {
  readonly decisions: SpanDecision[] = [];

  constructor(private readonly adapter: RecordAdapter<unknown, R>) {}

  get #unit(): string {
    return this.adapter.signal === 'traces' ? 'span' : 'log record';
  }

  #base(record: R, t: TenantOf, cls: SpanDecision['classification'], rule: string, reason: string, extra: Partial<SpanDecision>): SpanDecision {
    return baseDecision(this.adapter.signal, { traceId: this.adapter.traceId(record), spanId: this.adapter.spanId(record) }, t.tenant, t.source, cls, rule, reason, extra);
  }

  /** The same decision for every record of a group that failed as a whole (tenant, resource, scope). */
  all(records: readonly R[], t: TenantOf, reason: string, extra: Partial<SpanDecision>): void {
    for (const r of records) this.decisions.push(this.#base(r, t, 'discard', '', reason, extra));
  }

  rejected(records: readonly R[], t: TenantOf, reason: RejectReason): void {
    this.all(records, t, REJECT_TEXT[reason], { rejectReason: reason });
  }

  engineError(record: R, t: TenantOf): void {
    this.all([record], t, `the engine failed on this ${this.#unit}; discarded, never forwarded unredacted`, { discardReason: 'engine_error' });
  }

  groupFailed(records: readonly R[], t: TenantOf, part: 'resource' | 'scope'): void {
    this.all(records, t, `the engine failed while redacting the ${part}`, { discardReason: 'engine_error' });
  }

  droppedByAction(record: R, t: TenantOf, r: RecordRedaction<R>): void {
    this.#push(record, t, r, 'discard', '', `a detector action asked for the ${this.#unit} to be dropped`, { discardReason: 'drop_span_action' });
  }

  /** A classified record: exported (its position in the log is the one its CapRequest names) or discarded. */
  classified(record: R, t: TenantOf, r: RecordRedaction<R>, v: Verdict): void {
    if (v.exported) {
      this.#push(record, t, r, v.cls, v.rule.id, describeRule(v.rule), {}, v.sampling);
      return;
    }
    const reason: DiscardReason = v.reason;
    const rule = v.rule;
    let text: string;
    switch (v.reason) {
      case 'no_rule_matched':
        text = 'no rule matched (fail closed)';
        break;
      case 'tenant_contract': {
        const cls = rule!.cls;
        text = `${describeRule(rule!)}; but ${cls} is not allowed by ${t.tenant === undefined ? 'the default contract (no tenant)' : `tenant '${t.tenant}''s contract`}`;
        break;
      }
      default:
        text = describeRule(rule!);
    }
    this.#push(record, t, r, 'discard', rule?.id ?? '', text, { discardReason: reason }, v.sampling);
  }

  #push(record: R, t: TenantOf, r: RecordRedaction<R>, cls: SpanDecision['classification'], rule: string, reason: string, extra: Partial<SpanDecision>, sampling?: SpanDecision['sampling']): void {
    const d = this.#base(record, t, cls, rule, reason, extra);
    // The raw name may hold PII: only a redacted one is shown (explain scans every record).
    d.name = r.redacted === undefined ? '' : this.adapter.displayName(r.redacted);
    d.redactions = [...(r.resource.get()?.acc.records ?? []), ...(r.scope.get()?.acc.records ?? []), ...(r.acc?.records ?? [])];
    if (sampling) d.sampling = sampling;
    this.decisions.push(d);
  }
}
