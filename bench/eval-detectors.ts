/**
 * Detection quality on a labelled corpus: per-entity recall, look-alike keep-rate and F2.
 *   npx tsx bench/eval-detectors.ts [corpus.jsonl] [--verbose]
 * Default corpus: test/corpus/pii-dev.jsonl.
 */
import { readFileSync } from 'node:fs';
import { builtinDetectors, createScanner } from '../src/policy/detect/index.js';
import { f2, parseCorpus, scoreCorpus } from '../src/policy/detect/corpus-eval.js';
import { PII_DEV_CORPUS } from '../test/support/fixture-paths.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const path = args.find((a) => !a.startsWith('--')) ?? PII_DEV_CORPUS;

const cases = parseCorpus(readFileSync(path, 'utf8'));
const scanner = createScanner(builtinDetectors('all'));
const t0 = performance.now();
const score = scoreCorpus(scanner, cases);
const ms = performance.now() - t0;

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const pct = (x: number): string => x.toFixed(3);
console.log(`corpus: ${path} (${cases.length} cases, scored in ${ms.toFixed(0)} ms)\n`);
console.log(`${pad('entity', 18)}${pad('n', 6)}${pad('recall', 9)}${pad('keep', 9)}F2`);
for (const e of score.byEntity) {
  console.log(`${pad(e.entity, 18)}${pad(e.n, 6)}${pad(pct(e.recall), 9)}${pad('-', 9)}${pct(f2(e.recall, score.keep.rate))}`);
}
console.log(`${pad('ALL', 18)}${pad(score.total.n, 6)}${pad(pct(score.total.recall), 9)}${pad(pct(score.keep.rate), 9)}${pct(score.f2)}`);
console.log(`\nlook-alikes kept: ${score.keep.kept}/${score.keep.n}`);
if (verbose) {
  for (const m of score.misses) console.log(`MISS ${m.id} ${m.entity}: ${JSON.stringify(m.value)}`);
  for (const o of score.overRedacted) console.log(`OVER ${o.id}: ${JSON.stringify(o.value)}`);
} else if (score.misses.length + score.overRedacted.length > 0) {
  console.log(`(${score.misses.length} misses, ${score.overRedacted.length} look-alikes redacted; --verbose lists them)`);
}
