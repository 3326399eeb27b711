/**
 * Detection quality per slice of a sliced corpus: recall and look-alikes kept.
 *   npx tsx bench/eval-slices.ts [corpus.jsonl] [--verbose] [--only PREFIX]
 * Default corpus: test/corpus/detect-dev.jsonl.
 */
import { readFileSync } from 'node:fs';
import { builtinDetectors, createScanner } from '../src/policy/detect/index.js';
import { parseSliceCorpus, scoreSlices } from '../src/policy/detect/slice-eval.js';
import { DETECT_DEV_CORPUS } from '../test/support/fixture-paths.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--only') ?? DETECT_DEV_CORPUS;
const scores = scoreSlices(createScanner(builtinDetectors('all')), parseSliceCorpus(readFileSync(file, 'utf8')));
const pad = (s: string | number, n: number): string => String(s).padEnd(n);
console.log(`corpus: ${file}\n`);
console.log(`${pad('slice', 34)}${pad('n', 6)}${pad('recall', 9)}${pad('keepN', 7)}kept`);
for (const s of [...scores.values()].sort((a, b) => (a.slice < b.slice ? -1 : 1))) {
  if (only !== undefined && !s.slice.startsWith(only)) continue;
  const recall = s.n === 0 ? '-' : (s.caught / s.n).toFixed(3);
  const kept = s.keepN === 0 ? '-' : (s.kept / s.keepN).toFixed(3);
  console.log(`${pad(s.slice, 34)}${pad(s.n, 6)}${pad(recall, 9)}${pad(s.keepN, 7)}${kept}`);
  if (verbose && !s.slice.endsWith('/*')) {
    for (const m of s.misses) console.log(`    MISS ${m.id} ${JSON.stringify(m.value)}`);
    for (const o of s.over) console.log(`    OVER ${o.id} ${JSON.stringify(o.value)}`);
  }
}
