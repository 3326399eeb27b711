/**
 * Scanner throughput, single core: MB of text scanned per second with every built-in detector on.
 *   npx tsx bench/detect.ts [corpus.jsonl]
 * Two workloads: (1) texts shaped like the labelled PII corpus (support requests, pasted code, tool
 * results, log lines), scanned one value at a time as the engine does; (2) clean prose with no PII,
 * where the prefilters should let most detectors skip their regexes. The phone verdict cache is
 * emptied before every round for the cold numbers (each number judged once per round, as if never
 * seen) and kept for the warm ones (traffic that repeats numbers). Each line is the median of five
 * samples taken after a JIT warm-up, with the range of the samples. Times are CPU time of this process
 * (process.cpuUsage), which other work on a shared machine disturbs less than wall time. Prints
 * numbers; asserts nothing.
 *
 * Two builds side by side: `--against <dist>` (another build's compiled output, e.g. a worktree of an
 * older commit after `npm run build`) loads that build's scanner into this process too, and times the
 * corpus-shaped warm workload on both in alternating samples. Each pair of neighbouring samples sees
 * the same machine state, so the median of the pairs' ratios is steadier than two separate runs on a
 * noisy machine (whose speed drifts by ±20% from one minute to the next).
 *   node --import tsx bench/detect.ts --against /path/to/old/dist [corpus.jsonl]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinDetectors, createScanner } from '../src/policy/detect/index.js';
import type { Scanner } from '../src/policy/detect/types.js';
import { parseCorpus } from '../src/policy/detect/corpus-eval.js';
import { clearPhoneCache } from '../src/policy/detect/detectors/phone-plan.js';
import { PII_DEV_CORPUS } from '../test/support/fixture-paths.js';
import { mulberry32 } from '../test/support/rng.js';
import { prose } from './support/prose.js';

const argv = process.argv.slice(2);
const againstAt = argv.indexOf('--against');
const against = againstAt >= 0 ? argv.splice(againstAt, 2)[1] : undefined;
if (againstAt >= 0 && against === undefined) throw new Error('--against needs the other build\'s dist directory');
const corpusPath = argv[0] ?? PII_DEV_CORPUS;
// every round scans the same values: without memoMaxLength 0 the memo of clean short strings would
// answer for the detectors on the second round
const NO_MEMO = { memoMaxLength: 0 };
const scanner = createScanner(builtinDetectors('all'), NO_MEMO);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** One timed sample: whole rounds over `values` for at least `minMs`; MB/s and findings per round. */
function sample(values: readonly string[], bytes: number, cold: boolean, minMs: number, using: Scanner = scanner): { mbPerSec: number; usPerValue: number; findings: number } {
  let rounds = 0;
  let findings = 0;
  const t0 = cpuMs();
  let elapsed = 0;
  do {
    if (cold) clearPhoneCache();
    for (const v of values) findings += using.scan(v).length;
    rounds++;
    elapsed = cpuMs() - t0;
  } while (elapsed < minMs);
  return {
    mbPerSec: (bytes * rounds) / 1e6 / (elapsed / 1000),
    usPerValue: (elapsed * 1000) / (rounds * values.length),
    findings: findings / rounds,
  };
}

/**
 * Warms the JIT on the workload first (so "cold" means an empty phone cache, not unoptimised code),
 * then takes SAMPLES timed samples and prints the median, with the range: on a shared machine other
 * processes slow single samples down, and the median is the steadier figure.
 */
const SAMPLES = 5;
function measure(name: string, values: readonly string[], cold: boolean): void {
  const bytes = values.reduce((a, v) => a + Buffer.byteLength(v), 0);
  sample(values, bytes, cold, 1000);
  const runs = Array.from({ length: SAMPLES }, () => sample(values, bytes, cold, 500)).sort((a, b) => a.mbPerSec - b.mbPerSec);
  const median = runs[Math.floor(SAMPLES / 2)] as (typeof runs)[number];
  const low = (runs[0] as (typeof runs)[number]).mbPerSec;
  const high = (runs[SAMPLES - 1] as (typeof runs)[number]).mbPerSec;
  console.log(
    `${name.padEnd(34)} ${median.mbPerSec.toFixed(1).padStart(7)} MB/s (${low.toFixed(1)}–${high.toFixed(1)})   ` +
      `${median.usPerValue.toFixed(1).padStart(7)} µs/value   ` +
      `${values.length} values, ${(bytes / 1024).toFixed(0)} KiB, ${median.findings.toFixed(0)} findings/round`,
  );
}

const corpus = parseCorpus(readFileSync(corpusPath, 'utf8')).map((c) => c.text);
const random = mulberry32(42);
const cleanShort = Array.from({ length: 2000 }, () => prose(random, 200 + Math.floor(random() * 400)));
const cleanLong = Array.from({ length: 40 }, () => prose(random, 32_000));
const jsonEscaped = corpus.map((t) => JSON.stringify(JSON.stringify({ role: 'user', content: t })));

console.log(`node ${process.version}, one core, all ${scanner.entities.length} built-in entities\n`);
measure('corpus-shaped texts, cold', corpus, true);
measure('corpus-shaped texts, warm', corpus, false);
measure('corpus texts as escaped JSON, cold', jsonEscaped, true);
measure('clean prose, 200–600 chars', cleanShort, true);
measure('clean prose, 32 KB values', cleanLong, true);

/**
 * This build against another, alternating samples of the corpus-shaped warm workload (both JIT-warmed
 * first); prints each build's median MB/s with its range and the median ratio of neighbouring pairs.
 */
async function sideBySide(dist: string, values: readonly string[], pairs = 15): Promise<void> {
  const build = (await import(pathToFileURL(path.resolve(dist, 'policy/detect/index.js')).href)) as typeof import('../src/policy/detect/index.js');
  const theirs = build.createScanner(build.builtinDetectors('all'), NO_MEMO);
  const bytes = values.reduce((a, v) => a + Buffer.byteLength(v), 0);
  sample(values, bytes, false, 1000);
  sample(values, bytes, false, 1000, theirs);
  const ours: number[] = [];
  const others: number[] = [];
  const ratios: number[] = [];
  const timeOurs = (): number => sample(values, bytes, false, 400).mbPerSec;
  const timeTheirs = (): number => sample(values, bytes, false, 400, theirs).mbPerSec;
  for (let i = 0; i < pairs; i++) {
    // alternate which goes first, so neither build always runs right after the other's garbage
    let mine: number;
    let other: number;
    if (i % 2 === 0) {
      mine = timeOurs();
      other = timeTheirs();
    } else {
      other = timeTheirs();
      mine = timeOurs();
    }
    ours.push(mine);
    others.push(other);
    ratios.push(mine / other);
  }
  const mid = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  console.log(`\nside by side, corpus-shaped warm, ${pairs} alternating pairs of samples`);
  console.log(`  this build   ${mid(ours).toFixed(1)} MB/s (${range(ours)})`);
  console.log(`  ${dist}   ${mid(others).toFixed(1)} MB/s (${range(others)})`);
  console.log(`  ratio this / other: median ${mid(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`);
}

if (against !== undefined) await sideBySide(against, corpus);
