/**
 * Issue targets for detection quality, measured through the real gateway path: recall ≥ 0.99 overall
 * and ≥ 0.97 for every entity, look-alikes kept ≥ 0.99, JSON-valued attributes still valid 100%.
 * On the dev corpus and on the seeded stress corpus (formats the dev file does not show).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorpus } from '../src/policy/detect/corpus-eval.js';
import { PII_DEV_CORPUS, PII_STRESS_CORPUS } from './support/fixture-paths.js';
import { evaluateThroughGateway, formatEvalTable } from './support/pii-gateway-eval.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPORA = [
  ['dev corpus', PII_DEV_CORPUS],
  ['stress corpus', PII_STRESS_CORPUS],
] as const;

describe.each(CORPORA)('%s through the gateway (redact-all)', (_name, corpus) => {
  it('meets the recall, look-alike and JSON-validity targets', async () => {
    const result = await evaluateThroughGateway(
      parseCorpus(readFileSync(corpus, 'utf8')),
      path.join(ROOT, 'policies/examples/redact-all.yaml'),
    );
    const table = formatEvalTable(result);
    expect(result.total.recall, table).toBeGreaterThanOrEqual(0.99);
    for (const row of result.rows) expect(row.recall, `${row.entity}\n${table}`).toBeGreaterThanOrEqual(0.97);
    expect(result.total.keepRate, table).toBeGreaterThanOrEqual(0.99);
    expect(result.json.valid).toBe(result.json.n);
  }, 120_000);
});
