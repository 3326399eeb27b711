/**
 * `npm run eval:pii`: detection quality through the real gateway path (receiver → engine on
 * policies/examples/redact-all.yaml → exporter → sink), per entity: recall, look-alikes kept, F2.
 *
 *   npm run eval:pii [-- CORPUS.jsonl] [--verbose]
 * Default corpus: test/corpus/pii-dev.jsonl (or $LOOPGATE_PII_CORPUS).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCorpus } from '../src/policy/detect/corpus-eval.js';
import { PII_DEV_CORPUS } from '../test/support/fixture-paths.js';
import { evaluateThroughGateway, formatEvalTable } from '../test/support/pii-gateway-eval.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const corpusPath =
  args.find((a) => !a.startsWith('--')) ?? process.env.LOOPGATE_PII_CORPUS ?? PII_DEV_CORPUS;
const policy = path.join(ROOT, 'policies/examples/redact-all.yaml');

const cases = parseCorpus(readFileSync(corpusPath, 'utf8'));
const t0 = performance.now();
const result = await evaluateThroughGateway(cases, policy);
const seconds = (performance.now() - t0) / 1000;
console.log(`corpus: ${corpusPath} — ${cases.length} texts × 3 locations (gen_ai.input.messages, attribute, event)`);
console.log(`policy: policies/examples/redact-all.yaml — ${result.spans} spans through the gateway in ${seconds.toFixed(1)} s\n`);
console.log(formatEvalTable(result));
if (verbose) {
  for (const m of result.misses) console.log(`MISS ${m.id} ${m.entity} in ${m.location}`);
  for (const o of result.overRedacted) console.log(`OVER ${o.id} ${JSON.stringify(o.value)} in ${o.location}`);
} else if (result.misses.length + result.overRedacted.length > 0) {
  console.log(`(${result.misses.length} misses, ${result.overRedacted.length} look-alikes redacted; --verbose lists them)`);
}
