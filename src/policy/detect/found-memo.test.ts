import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PII_DEV_CORPUS } from '../../../test/support/fixture-paths.js';
import { parseCorpus } from './corpus-eval.js';
import { modelHints } from '../model-hints.js';
import { FOUND_MEMO_MAX_ENTRIES, FOUND_MEMO_MAX_FINDINGS, FOUND_MEMO_MAX_LENGTH, FOUND_MEMO_REST_WINDOWS, FOUND_MEMO_WINDOW, FoundMemo } from './found-memo.js';
import { countingDetector } from './counting-detector.js';
import { builtinDetectors, createScanner, type Finding } from './index.js';

const finding = (start: number): Finding => ({ entity: 'EMAIL_ADDRESS', start, end: start + 5, detector: 'email' });

describe('FoundMemo', () => {
  it('keys strings by a salted digest, never the text, and per memo', () => {
    const a = new FoundMemo();
    const b = new FoundMemo();
    const key = a.keyOf('mail me at ann@example.com')!;
    expect(key).not.toContain('ann');
    expect(key).toBe(a.keyOf('mail me at ann@example.com'));
    expect(key).not.toBe(b.keyOf('mail me at ann@example.com'));
    expect(a.keyOf('x'.repeat(FOUND_MEMO_MAX_LENGTH + 1))).toBeUndefined();
  });

  it('answers per hints object, with a fresh array the caller may change', () => {
    const memo = new FoundMemo();
    const hints = { allow: new Set(['gpt']) };
    const key = memo.keyOf('some text')!;
    memo.add(key, undefined, [finding(0)]);
    expect(memo.get(key, hints)).toBeUndefined();
    const got = memo.get(key, undefined)!;
    expect(got).toEqual([finding(0)]);
    got.push(finding(9));
    expect(() => {
      (got[0] as { start: number }).start = 3;
    }).toThrow();
    expect(memo.get(key, undefined)).toEqual([finding(0)]);
  });

  it('keeps neither clean strings nor strings with too many findings, and is emptied when full', () => {
    const memo = new FoundMemo();
    memo.add(memo.keyOf('clean')!, undefined, []);
    memo.add(memo.keyOf('busy')!, undefined, Array.from({ length: FOUND_MEMO_MAX_FINDINGS + 1 }, (_, i) => finding(i * 6)));
    expect(memo.size).toBe(0);
    for (let i = 0; i < FOUND_MEMO_MAX_ENTRIES; i++) memo.add(memo.keyOf(`text ${i}`)!, undefined, [finding(0)]);
    expect(memo.size).toBe(FOUND_MEMO_MAX_ENTRIES);
    memo.add(memo.keyOf('one more')!, undefined, [finding(0)]);
    expect(memo.size).toBe(1);
    expect(memo.get(memo.keyOf('text 0')!, undefined)).toBeUndefined();
  });
});

describe('FoundMemo when text does not repeat', () => {
  it('rests for a while after a window of lookups that rarely hit, then is tried again, empty', () => {
    const memo = new FoundMemo();
    const kept = memo.keyOf('kept')!;
    memo.add(kept, undefined, [finding(0)]);
    for (let i = 0; i < FOUND_MEMO_WINDOW - 1; i++) {
      const key = memo.keyOf(`distinct ${i}`)!;
      expect(memo.get(key, undefined)).toBeUndefined();
      memo.add(key, undefined, [finding(0)]);
    }
    expect(memo.resting).toBe(false);
    expect(memo.get(memo.keyOf('one more miss')!, undefined)).toBeUndefined();
    expect(memo.resting).toBe(true);
    expect(memo.size).toBe(0);
    for (let i = 0; i < FOUND_MEMO_REST_WINDOWS * FOUND_MEMO_WINDOW; i++) expect(memo.keyOf('kept')).toBeUndefined();
    expect(memo.resting).toBe(false);
    expect(memo.keyOf('kept')).toBe(kept);
    expect(memo.get(kept, undefined)).toBeUndefined();
    // a second window of misses: twice as long a rest
    for (let i = 1; i < FOUND_MEMO_WINDOW; i++) memo.get(memo.keyOf(`again ${i}`)!, undefined);
    expect(memo.resting).toBe(true);
    for (let i = 0; i < 2 * FOUND_MEMO_REST_WINDOWS * FOUND_MEMO_WINDOW; i++) {
      expect(memo.resting).toBe(true);
      expect(memo.keyOf('kept')).toBeUndefined();
    }
    expect(memo.resting).toBe(false);
  });

  it('does not rest while lookups hit', () => {
    const memo = new FoundMemo();
    const key = memo.keyOf('repeated')!;
    memo.add(key, undefined, [finding(0)]);
    for (let i = 0; i < 3 * FOUND_MEMO_WINDOW; i++) {
      if (i % 4 === 0) memo.get(memo.keyOf(`new ${i}`)!, undefined);
      else expect(memo.get(key, undefined)).toEqual([finding(0)]);
    }
    expect(memo.resting).toBe(false);
  });
});

describe('a scanner that remembers findings', () => {
  it('scans a string with a finding once, only when asked to', () => {
    const d = countingDetector();
    const scanner = createScanner([d], { rememberFindings: true });
    const first = scanner.scan('a secret here');
    expect(scanner.scan('a secret here')).toEqual(first);
    expect(d.runs).toBe(1);
    const plain = createScanner([d]);
    plain.scan('a secret here');
    plain.scan('a secret here');
    expect(d.runs).toBe(3);
  });

  it('gives the findings of a fresh scan, for escaped JSON text and under scan hints', () => {
    const fresh = createScanner(builtinDetectors('all'), { memoMaxLength: 0 });
    const remembering = createScanner(builtinDetectors('all'), { rememberFindings: true });
    const hints = modelHints([{ key: 'gen_ai.request.model', value: { kind: 'string', value: 'claude-3-5-sonnet' } }]);
    const texts = [
      'Claude, please write to Ann Smith at ann.smith@example.com or call +1 415 555 0134',
      'card 4111 1111 1111 1111, \\"email\\": \\"bob\\u0040example.org\\"',
      'my SSN is 123-45-6789 and my password is hunter2hunter2',
    ];
    for (const h of [undefined, hints]) {
      for (const t of texts) {
        const want = fresh.scan(t, h);
        expect(want.length).toBeGreaterThan(0);
        expect(remembering.scan(t, h)).toEqual(want);
        expect(remembering.scan(t, h)).toEqual(want);
      }
    }
  });

  it('answers every text of the dev corpus, seen again in any order, as a fresh scan does', () => {
    const texts = parseCorpus(readFileSync(PII_DEV_CORPUS, 'utf8')).map((c) => c.text);
    const fresh = createScanner(builtinDetectors('all'), { memoMaxLength: 0 });
    const want = texts.map((t) => fresh.scan(t));
    const remembering = createScanner(builtinDetectors('all'), { rememberFindings: true });
    // a seeded sequence of corpus indexes with repeats: a remembered answer must equal the first scan's
    fc.assert(
      fc.property(fc.array(fc.nat({ max: texts.length - 1 }), { minLength: 1, maxLength: 60 }), (order) => {
        for (const i of order) expect(remembering.scan(texts[i]!)).toEqual(want[i]);
      }),
      { seed: 19, numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    );
    expect(remembering.scan(texts[0]!)).toEqual(want[0]);
  });
});
