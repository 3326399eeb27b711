/**
 * How explain, test and replay name the records they report on: a span, or a log record (issue #8: the
 * CLI works on logs files too, and a reviewer should not read "span" for a GenAI event). One place, so
 * the three commands say it the same way.
 */
import type { RecordSignal } from '../policy/types.js';

/** `span` or `log record`. */
export function recordNoun(signal: RecordSignal): string {
  return signal === 'logs' ? 'log record' : 'span';
}

/** Records counted per signal. */
export type RecordCounts = Record<RecordSignal, number>;

export function noRecords(): RecordCounts {
  return { traces: 0, logs: 0 };
}

/** `3 spans`, `1 log record`, `3 spans and 13 log records`; `0 spans` when there are none. */
export function recordsInWords(counts: RecordCounts): string {
  const part = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (counts.traces > 0 || counts.logs === 0) parts.push(part(counts.traces, 'span'));
  if (counts.logs > 0) parts.push(part(counts.logs, 'log record'));
  return parts.join(' and ');
}

/** The noun for a count of records of mixed signals: `span(s)` when all are spans, `log record(s)` when all are log records, else `record(s)`. */
export function mixedNoun(counts: RecordCounts, n: number): string {
  const one = counts.logs === 0 ? 'span' : counts.traces === 0 ? 'log record' : 'record';
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}
