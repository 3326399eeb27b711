/**
 * Scores the built-in detectors on a labelled corpus (JSONL of {id, text, pii[], keep[]}): a `pii`
 * value is caught when it no longer appears verbatim after every finding is replaced by `<ENTITY>`;
 * a `keep` look-alike is kept when it still does. Shared by bench/eval-detectors.ts and the corpus test.
 */
import type { Scanner } from './types.js';

export interface CorpusCase {
  id: string;
  text: string;
  pii: { entity: string; value: string }[];
  keep: string[];
}

export interface EntityScore {
  entity: string;
  n: number;
  caught: number;
  recall: number;
}

export interface CorpusScore {
  byEntity: EntityScore[];
  total: { n: number; caught: number; recall: number };
  keep: { n: number; kept: number; rate: number };
  /** F2 from overall recall and keep-rate (the look-alike precision proxy). */
  f2: number;
  misses: { id: string; entity: string; value: string }[];
  overRedacted: { id: string; value: string }[];
}

export function parseCorpus(jsonl: string): CorpusCase[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const c = JSON.parse(l) as Partial<CorpusCase>;
      return { id: String(c.id), text: String(c.text), pii: c.pii ?? [], keep: c.keep ?? [] };
    });
}

export function redactWith(scanner: Scanner, text: string): string {
  const findings = scanner.scan(text);
  let out = '';
  let from = 0;
  for (const f of findings) {
    out += text.slice(from, f.start) + `<${f.entity}>`;
    from = f.end;
  }
  return out + text.slice(from);
}

export function f2(recall: number, precision: number): number {
  return recall + precision === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
}

export function scoreCorpus(scanner: Scanner, cases: readonly CorpusCase[]): CorpusScore {
  const per = new Map<string, { n: number; caught: number }>();
  const misses: CorpusScore['misses'] = [];
  const overRedacted: CorpusScore['overRedacted'] = [];
  let keepN = 0;
  let kept = 0;
  for (const c of cases) {
    const redacted = redactWith(scanner, c.text);
    for (const p of c.pii) {
      const s = per.get(p.entity) ?? { n: 0, caught: 0 };
      s.n++;
      if (!redacted.includes(p.value)) s.caught++;
      else misses.push({ id: c.id, entity: p.entity, value: p.value });
      per.set(p.entity, s);
    }
    for (const k of c.keep) {
      keepN++;
      if (redacted.includes(k)) kept++;
      else overRedacted.push({ id: c.id, value: k });
    }
  }
  const byEntity = [...per.entries()]
    .map(([entity, s]) => ({ entity, n: s.n, caught: s.caught, recall: s.caught / s.n }))
    .sort((a, b) => b.n - a.n);
  const n = byEntity.reduce((a, e) => a + e.n, 0);
  const caught = byEntity.reduce((a, e) => a + e.caught, 0);
  const recall = n === 0 ? 1 : caught / n;
  const rate = keepN === 0 ? 1 : kept / keepN;
  return {
    byEntity,
    total: { n, caught, recall },
    keep: { n: keepN, kept, rate },
    f2: f2(recall, rate),
    misses,
    overRedacted,
  };
}
