/**
 * The replay report for people: a compliance reviewer reads it before approving a policy change. Every
 * section answers one question (how many spans move between classes, which rules cause it, what is
 * redacted more or less, what would stop or start leaving the gateway). Counts and ids only.
 */
import { mixedNoun, recordNoun, recordsInWords, type RecordCounts } from '../explain/record-words.js';
import { OUTCOMES, type ChangeGroup, type Outcome, type ReplayReport, type SpanChange } from './diff.js';

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function pct(n: number, of: number): string {
  return of === 0 ? '0%' : `${((100 * n) / of).toFixed(1)}%`;
}

/** Aligned columns; by default the first is left-aligned (labels) and the rest right-aligned (numbers). */
function table(rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const left = (i: number): boolean => (align ? align[i] === 'l' : i === 0);
  return rows.map((r) => `  ${r.map((cell, i) => (left(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd());
}

function spanLine(c: SpanChange): string {
  const name = c.name === undefined ? '(name differs between the policies)' : JSON.stringify(c.name);
  return `    ${c.origin} ${recordNoun(c.signal)} trace ${c.traceId || '-'} span ${c.spanId || '-'} ${name}: ${c.from.outcome} by ${c.from.decider} → ${c.to.outcome} by ${c.to.decider}; ${c.reason}`;
}

function group(title: string, g: ChangeGroup, byLabel: string, counts: RecordCounts): string[] {
  const out = [`${title}: ${mixedNoun(counts, g.count)}`];
  if (g.count === 0) return out;
  out.push(`  ${byLabel}: ${g.by.map((b) => `${b.key} ${b.count}`).join(', ')}`);
  out.push(`  examples${g.examples.length < g.count ? ` (first ${g.examples.length})` : ''}:`);
  for (const c of g.examples) out.push(spanLine(c));
  return out;
}

export function formatReplayText(r: ReplayReport): string {
  const out: string[] = [];
  out.push(`Replay: baseline ${r.baselineVersion} → candidate ${r.candidateVersion}`);
  out.push(`${plural(r.requests, 'request')}, ${recordsInWords(r.records)}; outcome or deciding rule changed for ${mixedNoun(r.records, r.changed)} (${pct(r.changed, r.spans)})`);
  if (r.unpaired > 0) out.push(`warning: ${mixedNoun(r.records, r.unpaired)} could not be paired between the two runs and are not counted`);

  out.push('', 'Outcomes (rows: baseline, columns: candidate):');
  const present: Outcome[] = OUTCOMES.filter((o) => r.totals.some((t) => t.outcome === o && (t.baseline > 0 || t.candidate > 0)));
  const cell = (from: Outcome, to: Outcome): number => r.classes.find((c) => c.from === from && c.to === to)?.count ?? 0;
  const rows: string[][] = [['', ...present, 'total']];
  for (const from of present) rows.push([from, ...present.map((to) => String(cell(from, to))), String(r.totals.find((t) => t.outcome === from)?.baseline ?? 0)]);
  rows.push(['total', ...present.map((to) => String(r.totals.find((t) => t.outcome === to)?.candidate ?? 0)), String(r.spans)]);
  if (present.length > 0) out.push(...table(rows));
  else out.push('  (no spans)');

  out.push('', 'Changes by deciding rule (baseline → candidate):');
  if (r.rules.length === 0) out.push('  none');
  else {
    const rows = r.rules.map((m) => [String(m.count), `${m.from.outcome} by ${m.from.decider}`, '→', `${m.to.outcome} by ${m.to.decider}`]);
    out.push(...table(rows, ['r', 'l', 'l', 'l']));
  }

  out.push('', 'Redactions per entity (values redacted in replayed spans):');
  if (r.redactions.length === 0) out.push('  none');
  else out.push(...table([['entity', 'baseline', 'candidate', 'delta'], ...r.redactions.map((e) => [e.entity, String(e.baseline), String(e.candidate), signed(e.delta)])]));

  out.push('', 'Discard and reject reasons:');
  if (r.reasons.length === 0) out.push('  none');
  else out.push(...table([['reason', 'baseline', 'candidate', 'delta'], ...r.reasons.map((e) => [e.reason, String(e.baseline), String(e.candidate), signed(e.delta)])]));

  out.push('');
  out.push(...group('Newly dropped (exported by baseline, discarded or rejected by candidate)', r.newlyDropped, 'by reason', r.records));
  out.push(...group('Newly exported (discarded or rejected by baseline, exported by candidate)', r.newlyExported, 'by class', r.records));
  return `${out.join('\n')}\n`;
}
