/**
 * Where scanning time goes: CPU time of each built-in detector's prefilter + find over a workload,
 * measured by running that detector alone (on the already decoded, base64-blanked view), plus the
 * shared passes (escape decoding, trigger pass). Prints numbers; asserts nothing.
 *   node --import tsx bench/detect-by-detector.ts [corpus|prose]
 */
import { readFileSync } from 'node:fs';
import { builtinDetectors, createScanner } from '../src/policy/detect/index.js';
import { parseCorpus } from '../src/policy/detect/corpus-eval.js';
import { PII_DEV_CORPUS } from '../test/support/fixture-paths.js';
import { mulberry32 } from '../test/support/rng.js';
import { proseValues } from './support/prose.js';

const which = process.argv[2] ?? 'corpus';
const values =
  which === 'prose' ? proseValues(mulberry32(42), 2000, 200, 600) : parseCorpus(readFileSync(PII_DEV_CORPUS, 'utf8')).map((c) => c.text);
const bytes = values.reduce((a, v) => a + Buffer.byteLength(v), 0);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(fn: () => void, minMs = 400): number {
  fn();
  let rounds = 0;
  const t0 = cpuMs();
  do {
    fn();
    rounds++;
  } while (cpuMs() - t0 < minMs);
  return (cpuMs() - t0) / rounds;
}

const all = builtinDetectors('all');
// memoMaxLength 0: every round scans the same values, and the memo of clean strings would answer
// for the detectors from the second round on (a one-detector scanner finds most values clean)
const NO_MEMO = { memoMaxLength: 0 };
const whole = createScanner(all, NO_MEMO);
time(() => {
  for (const v of values) whole.scan(v);
}, 1500);
const total = time(() => {
  for (const v of values) whole.scan(v);
}, 1000);
console.log(`${which}: ${values.length} values, ${(bytes / 1024).toFixed(0)} KiB; all detectors ${total.toFixed(2)} ms/round = ${(bytes / 1e3 / total).toFixed(1)} MB/s`);
const rows: [string, number][] = [];
for (const d of all) {
  const one = createScanner([d], NO_MEMO);
  rows.push([d.name, time(() => {
    for (const v of values) one.scan(v);
  }, 250)]);
}
// the fixed cost of a scanner with one trivial detector (decode, triggers, base64 check, merge)
const base = createScanner([{ name: 'none', entity: 'X', mayMatch: () => false, find: () => {} }], NO_MEMO);
const fixed = time(() => {
  for (const v of values) base.scan(v);
});
console.log(`fixed per-scan cost (decode, trigger pass, base64 check): ${fixed.toFixed(2)} ms/round`);
rows.sort((a, b) => b[1] - a[1]);
for (const [name, ms] of rows) console.log(`${name.padEnd(26)} ${(ms - fixed).toFixed(2).padStart(7)} ms/round over the fixed cost`);
