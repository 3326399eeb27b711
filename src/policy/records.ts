/**
 * The record abstraction the engine core runs over: what it needs to know of a span or a log record
 * (its ids for sampling and explain, its attributes for rules and stamps, how to scan it, how to read
 * its feedback signals) and how its signal's requests are laid out (resource → scope → records). One
 * adapter per classified signal; the engine has one loop for both.
 */
import type { LogRecord, LogsData } from '../otlp/logs-model.js';
import type { KeyValue, Span, TracesData } from '../otlp/model.js';
import type { EvalContext, RecordSignal } from './conditions.js';
import { eventNameOf } from './conditions.js';
import type { ResourceGroup } from './output-groups.js';
import type { RedactionAccount } from './redact.js';
import type { RecordRedactor } from './redact-record.js';
import { extractLogSignals, extractSignals, type SignalConfig, type Signals } from './feedback-signals.js';

export interface RecordAdapter<D, R> {
  readonly signal: RecordSignal;
  /** The request as resource → scope → record groups (no record is copied). */
  groups(data: D): ResourceGroup<R>[];
  /** The request an output's groups make. */
  assemble(groups: ResourceGroup<R>[]): D;
  traceId(r: R): string;
  spanId(r: R): string;
  /** W3C tracestate, whose `ot=rv:` sub-key can carry the sampling randomness ('' for log records). */
  traceState(r: R): string;
  attributes(r: R): readonly KeyValue[];
  /** A redacted copy (or `r` itself when nothing was found). */
  scan(redactor: RecordRedactor, r: R, acc: RedactionAccount): R;
  /** The name explain shows: the span name, or the log record's event name. */
  displayName(r: R): string;
  withAttributes(r: R, attributes: KeyValue[]): R;
  signalsOf(r: R, cfg: SignalConfig): Signals;
  /**
   * The condition context for the record. Built as one object literal per adapter, so every context
   * has the same shape and the compiled conditions reading it stay monomorphic.
   */
  context(r: R, rest: ContextRest): EvalContext;
}

/** The parts of a condition context that come from the record's resource, tenant and scan. */
export type ContextRest = Pick<EvalContext, 'resource' | 'tenant' | 'contract' | 'entities' | 'signals'>;

export const SPANS: RecordAdapter<TracesData, Span> = {
  signal: 'traces',
  groups: (data) =>
    data.resourceSpans.map((rs) => ({
      resource: rs.resource,
      schemaUrl: rs.schemaUrl,
      scopes: rs.scopeSpans.map((ss) => ({ scope: ss.scope, schemaUrl: ss.schemaUrl, records: ss.spans })),
    })),
  assemble: (groups) => ({
    resourceSpans: groups.map((g) => ({
      resource: g.resource,
      schemaUrl: g.schemaUrl,
      scopeSpans: g.scopes.map((s) => ({ scope: s.scope, spans: s.records, schemaUrl: s.schemaUrl })),
    })),
  }),
  traceId: (s) => s.traceId,
  spanId: (s) => s.spanId,
  traceState: (s) => s.traceState,
  attributes: (s) => s.attributes,
  scan: (redactor, s, acc) => redactor.span(s, acc),
  displayName: (s) => s.name,
  withAttributes: (s, attributes) => ({ ...s, attributes }),
  signalsOf: (s, cfg) => extractSignals(s, cfg),
  context: (s, c) => ({ signal: 'traces', attributes: s.attributes, span: s, log: undefined, resource: c.resource, tenant: c.tenant, contract: c.contract, entities: c.entities, signals: c.signals }),
};

export const LOG_RECORDS: RecordAdapter<LogsData, LogRecord> = {
  signal: 'logs',
  groups: (data) =>
    data.resourceLogs.map((rl) => ({
      resource: rl.resource,
      schemaUrl: rl.schemaUrl,
      scopes: rl.scopeLogs.map((sl) => ({ scope: sl.scope, schemaUrl: sl.schemaUrl, records: sl.logRecords })),
    })),
  assemble: (groups) => ({
    resourceLogs: groups.map((g) => ({
      resource: g.resource,
      schemaUrl: g.schemaUrl,
      scopeLogs: g.scopes.map((s) => ({ scope: s.scope, logRecords: s.records, schemaUrl: s.schemaUrl })),
    })),
  }),
  traceId: (r) => r.traceId,
  spanId: (r) => r.spanId,
  traceState: () => '',
  attributes: (r) => r.attributes,
  scan: (redactor, r, acc) => redactor.logRecord(r, acc),
  displayName: (r) => eventNameOf(r),
  withAttributes: (r, attributes) => ({ ...r, attributes }),
  signalsOf: (r, cfg) => extractLogSignals(r, eventNameOf(r), cfg),
  context: (r, c) => ({ signal: 'logs', attributes: r.attributes, span: undefined, log: r, resource: c.resource, tenant: c.tenant, contract: c.contract, entities: c.entities, signals: c.signals }),
};
