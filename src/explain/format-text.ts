/**
 * Explain output for people: one block per span, then a summary. Everything printed comes from an
 * ExplainedSpan, which holds placeholders and locations only (explain.ts).
 */
import type { ExplainedSpan, Outcome } from './explain.js';
import { noRecords, recordNoun, recordsInWords } from './record-words.js';

export interface ExplainHeader {
  policyVersion: string;
  policySources: readonly string[];
  /** The tenant the spans were explained as authenticated for (`--tenant`), if any. */
  authTenant?: string | undefined;
}

function where(r: ExplainedSpan['detected'][number]): string {
  return r.jsonPath === undefined ? r.field : `${r.field} at ${r.jsonPath}`;
}

function verdict(s: ExplainedSpan): string {
  if (s.outcome === 'rejected') return `rejected (${s.rejectReason}): ${s.reason}`;
  if (s.outcome === 'discard') return `discard (${s.discardReason ?? 'rule'}): ${s.reason}`;
  return `${s.outcome}: ${s.reason}`;
}

export function formatSpanText(s: ExplainedSpan): string {
  // A log record's name is its event name; its ids are optional ('' when it names no trace).
  const ids = s.traceId === '' && s.spanId === '' ? 'no trace' : `trace ${s.traceId || '-'}  span ${s.spanId || '-'}`;
  const lines = [`${recordNoun(s.signal)} ${JSON.stringify(s.name)}  ${ids}  (${s.origin} #${s.index})`];
  lines.push(`  tenant:    ${s.tenant.how}`);
  if (s.detected.length === 0) lines.push('  detected:  nothing');
  else {
    lines.push(`  detected:  ${s.detected.length} value${s.detected.length === 1 ? '' : 's'}`);
    for (const r of s.detected) lines.push(`    - ${r.entity} (detector ${r.detector}) in ${where(r)}: ${r.action} → ${r.replacement}`);
  }
  lines.push(`  sampling:  ${s.sampling.reason}`);
  lines.push(`  decision:  ${verdict(s)}`);
  return lines.join('\n');
}

export function formatExplainText(header: ExplainHeader, spans: readonly ExplainedSpan[]): string {
  const out = [
    `policy ${header.policyVersion} (${header.policySources.join(', ')})${header.authTenant !== undefined ? `, explained as authenticated tenant '${header.authTenant}'` : ''}`,
    '',
  ];
  for (const s of spans) out.push(formatSpanText(s), '');
  const by = new Map<Outcome, number>();
  const counts = noRecords();
  let values = 0;
  for (const s of spans) {
    counts[s.signal]++;
    by.set(s.outcome, (by.get(s.outcome) ?? 0) + 1);
    values += s.detected.length;
  }
  const parts = [...by].map(([o, n]) => `${n} ${o}`);
  out.push(`${recordsInWords(counts)}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}; ${values} value${values === 1 ? '' : 's'} redacted`);
  return `${out.join('\n')}\n`;
}

export function formatExplainJson(header: ExplainHeader, spans: readonly ExplainedSpan[]): string {
  return `${JSON.stringify({ policy: { version: header.policyVersion, sources: header.policySources }, authTenant: header.authTenant, spans }, null, 2)}\n`;
}
