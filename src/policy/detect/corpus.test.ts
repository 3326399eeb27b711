import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from './index.js';
import { parseCorpus, scoreCorpus } from './corpus-eval.js';
import { PII_DEV_CORPUS } from '../../../test/support/fixture-paths.js';

const CORPUS = PII_DEV_CORPUS;

describe('labelled PII corpus (dev set)', () => {
  const score = scoreCorpus(createScanner(builtinDetectors('all')), parseCorpus(readFileSync(CORPUS, 'utf8')));

  it('catches at least 99% of labelled values overall', () => {
    expect(score.total.n).toBeGreaterThan(0);
    expect(score.total.recall, JSON.stringify(score.misses.slice(0, 10))).toBeGreaterThanOrEqual(0.99);
  });

  it('catches at least 97% of every entity', () => {
    for (const e of score.byEntity) {
      expect(e.recall, `${e.entity}: ${e.caught}/${e.n}`).toBeGreaterThanOrEqual(0.97);
    }
  });

  it('keeps at least 99% of look-alikes untouched', () => {
    expect(score.keep.rate, JSON.stringify(score.overRedacted.slice(0, 10))).toBeGreaterThanOrEqual(0.99);
  });
});
