/**
 * Detection targets on the held-out-style stress corpus (test/corpus/stress.jsonl, written by
 * generate-stress.ts from real-world formats): recall ≥ 0.99 overall and ≥ 0.97 per entity,
 * look-alikes kept ≥ 0.99. The committed file must be exactly what the seeded generator produces.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from '../../src/policy/detect/index.js';
import { parseCorpus, scoreCorpus } from '../../src/policy/detect/corpus-eval.js';
import { generateStressCorpus, STRESS_PATH, toJsonl } from './generate-stress.js';

const jsonl = readFileSync(STRESS_PATH, 'utf8');

describe('stress corpus', () => {
  it('is reproducible from its seed', () => {
    expect(toJsonl(generateStressCorpus()) === jsonl).toBe(true);
  });

  const score = scoreCorpus(createScanner(builtinDetectors('all')), parseCorpus(jsonl));

  it('has thousands of labelled values over every scored entity', () => {
    expect(score.total.n).toBeGreaterThan(3000);
    expect(score.keep.n).toBeGreaterThan(2000);
    expect(score.byEntity.map((e) => e.entity).sort()).toEqual(
      [
        'ANTHROPIC_KEY', 'AWS_ACCESS_KEY', 'CREDIT_CARD', 'DB_PASSWORD', 'EMAIL_ADDRESS', 'GCP_API_KEY', 'GITHUB_TOKEN',
        'IBAN_CODE', 'IP_ADDRESS', 'JWT', 'OPENAI_KEY', 'PHONE_NUMBER', 'PRIVATE_KEY', 'SLACK_TOKEN', 'STRIPE_KEY', 'US_SSN',
      ],
    );
  });

  it('catches at least 99% of labelled values overall', () => {
    expect(score.total.recall, JSON.stringify(score.misses.slice(0, 10))).toBeGreaterThanOrEqual(0.99);
  });

  it('catches at least 97% of every entity', () => {
    for (const e of score.byEntity) expect(e.recall, `${e.entity}: ${e.caught}/${e.n}`).toBeGreaterThanOrEqual(0.97);
  });

  it('keeps at least 99% of look-alikes untouched', () => {
    expect(score.keep.rate, JSON.stringify(score.overRedacted.slice(0, 10))).toBeGreaterThanOrEqual(0.99);
  });
});
