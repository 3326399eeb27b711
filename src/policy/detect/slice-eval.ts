/**
 * Scores a corpus by slice (the `slice` field of test/corpus/detect-dev.jsonl, e.g. `person/chat`,
 * `secret-fp/placeholder`): per slice and per slice family (the part before '/'), the recall of
 * labelled values and the rate of look-alikes kept. Shared by bench/eval-slices.ts and the corpus test.
 */
import type { Scanner } from './types.js';
import { redactWith, type CorpusCase } from './corpus-eval.js';

export interface SliceCase extends CorpusCase {
  slice: string;
}

export interface SliceScore {
  slice: string;
  n: number;
  caught: number;
  keepN: number;
  kept: number;
  misses: { id: string; value: string }[];
  over: { id: string; value: string }[];
}

export function parseSliceCorpus(jsonl: string): SliceCase[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const c = JSON.parse(l) as Partial<SliceCase>;
      return { id: String(c.id), slice: String(c.slice ?? ''), text: String(c.text), pii: c.pii ?? [], keep: c.keep ?? [] };
    });
}

/** Scores per slice and per family (`person`, `person-lookalike` …); families are keyed `family/*`. */
export function scoreSlices(scanner: Scanner, cases: readonly SliceCase[]): Map<string, SliceScore> {
  const out = new Map<string, SliceScore>();
  const at = (key: string): SliceScore => {
    let s = out.get(key);
    if (s === undefined) {
      s = { slice: key, n: 0, caught: 0, keepN: 0, kept: 0, misses: [], over: [] };
      out.set(key, s);
    }
    return s;
  };
  for (const c of cases) {
    const redacted = redactWith(scanner, c.text);
    const keys = [c.slice, `${c.slice.split('/')[0]}/*`];
    for (const key of keys) {
      const s = at(key);
      for (const p of c.pii) {
        s.n++;
        if (!redacted.includes(p.value)) s.caught++;
        else s.misses.push({ id: c.id, value: p.value });
      }
      for (const k of c.keep) {
        s.keepN++;
        if (redacted.includes(k)) s.kept++;
        else s.over.push({ id: c.id, value: k });
      }
    }
  }
  return out;
}
