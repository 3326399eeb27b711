/**
 * Issue targets for detection quality, measured through the real gateway path on the dev corpus:
 * recall ≥ 0.99 overall and ≥ 0.97 for every entity, look-alikes kept ≥ 0.99, JSON still valid 100%.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorpus } from '../src/policy/detect/corpus-eval.js';
import { evaluateThroughGateway, formatEvalTable } from './support/pii-gateway-eval.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS = process.env.LOOPGATE_PII_CORPUS ?? path.resolve(ROOT, '../shared/corpus/pii-dev.jsonl');

describe.skipIf(!existsSync(CORPUS))('PII corpus through the gateway (redact-all)', () => {
  it('meets the recall, look-alike and JSON-validity targets', async () => {
    const result = await evaluateThroughGateway(
      parseCorpus(readFileSync(CORPUS, 'utf8')),
      path.join(ROOT, 'policies/examples/redact-all.yaml'),
    );
    const table = formatEvalTable(result);
    expect(result.total.recall, table).toBeGreaterThanOrEqual(0.99);
    for (const row of result.rows) expect(row.recall, `${row.entity}\n${table}`).toBeGreaterThanOrEqual(0.97);
    expect(result.total.keepRate, table).toBeGreaterThanOrEqual(0.99);
    expect(result.json.valid).toBe(result.json.n);
  }, 120_000);
});
