/**
 * Checks that what reached a sink carries Loopgate's custody stamps (design.md, "What every exported
 * span carries"), as problems a test prints: an empty list means every span (or log record) is stamped.
 */
import type { LogRecord, LogsData } from '../../src/otlp/logs-model.js';
import { getAttribute, getStringAttribute, type KeyValue, type Span, type TracesData } from '../../src/otlp/model.js';
import type { SignalRequest } from '../../src/otlp/signal.js';

/** A span or a log record: what carries the stamps. */
export type StampedRecord = Span | LogRecord;

export const STAMPS = ['loopgate.class', 'loopgate.rule', 'loopgate.policy.version', 'loopgate.redactions'] as const;

export interface ExpectedCustody {
  class?: string;
  rule?: string;
  policyVersion?: string;
}

export function spansOf(data: TracesData): Span[] {
  return data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

export function logRecordsOf(data: LogsData): LogRecord[] {
  return data.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
}

/** The spans or log records of a request (metrics carry no stamps). */
export function recordsOf(request: SignalRequest): StampedRecord[] {
  if (request.signal === 'traces') return spansOf(request.data);
  if (request.signal === 'logs') return logRecordsOf(request.data);
  return [];
}

function label(r: StampedRecord): string {
  if ('kind' in r) return `span ${r.spanId} (${r.name})`;
  const event = r.eventName || getStringAttribute(r.attributes, 'event.name') || '';
  return `log record ${r.spanId || '-'} (${event})`;
}

/** One line per missing or unexpected stamp, naming the span or log record. */
export function custodyProblems(spans: readonly StampedRecord[], expected: ExpectedCustody = {}): string[] {
  const problems: string[] = [];
  for (const span of spans) {
    const name = label(span);
    for (const key of STAMPS) if (getAttribute(span.attributes, key) === undefined) problems.push(`${name}: no ${key}`);
    const check = (key: string, want: string | undefined): void => {
      const got = getStringAttribute(span.attributes, key);
      if (want !== undefined && got !== undefined && got !== want) problems.push(`${name}: ${key} is '${got}', expected '${want}'`);
    };
    check('loopgate.class', expected.class);
    check('loopgate.rule', expected.rule);
    check('loopgate.policy.version', expected.policyVersion);
    const redactions = getAttribute(span.attributes, 'loopgate.redactions');
    if (redactions !== undefined && !(redactions.kind === 'int' && redactions.value >= 0n)) {
      problems.push(`${name}: loopgate.redactions is not a count`);
    }
  }
  return problems;
}

/** The total of `loopgate.redactions` over `spans`. */
export function redactionsOf(spans: readonly { attributes: KeyValue[] }[]): number {
  let n = 0;
  for (const s of spans) {
    const v = getAttribute(s.attributes, 'loopgate.redactions');
    if (v?.kind === 'int') n += Number(v.value);
  }
  return n;
}
