import { describe, expect, it } from 'vitest';
import { modelHints } from '../model-hints.js';
import { CleanMemo } from './clean-memo.js';
import { countingDetector } from './counting-detector.js';
import { builtinDetectors, createScanner } from './index.js';

describe('CleanMemo', () => {
  it('keeps strings up to its length bound, per hints object', () => {
    const memo = new CleanMemo(8, 100);
    const a = { allow: new Set(['gpt']) };
    memo.add('short', undefined);
    memo.add('much too long', undefined);
    memo.add('tuned', a);
    expect(memo.has('short', undefined)).toBe(true);
    expect(memo.has('much too long', undefined)).toBe(false);
    expect(memo.has('tuned', a)).toBe(true);
    // found clean under other hints (or none) says nothing about these hints
    expect(memo.has('tuned', undefined)).toBe(false);
    expect(memo.has('short', a)).toBe(false);
    expect(memo.has('tuned', { allow: new Set(['gpt']) })).toBe(false);
  });

  it('is emptied when full, so it never holds more than its bound', () => {
    const memo = new CleanMemo(16, 3);
    for (const s of ['a1', 'a2', 'a3']) memo.add(s, undefined);
    expect(memo.size).toBe(3);
    memo.add('a4', undefined);
    expect(memo.size).toBe(1);
    expect(memo.has('a1', undefined)).toBe(false);
    expect(memo.has('a4', undefined)).toBe(true);
  });
});

describe('the scanner remembers clean short strings', () => {
  it('scans a clean short string once, and a string with a finding every time', () => {
    const d = countingDetector();
    const scanner = createScanner([d]);
    expect(scanner.scan('role: user')).toEqual([]);
    expect(scanner.scan('role: user')).toEqual([]);
    expect(d.runs).toBe(1);
    expect(scanner.scan('a secret here')).toHaveLength(1);
    expect(scanner.scan('a secret here')).toHaveLength(1);
    expect(d.runs).toBe(3);
  });

  it('never remembers long text, nor anything with memoMaxLength 0', () => {
    const d = countingDetector();
    const long = 'x'.repeat(65);
    const scanner = createScanner([d]);
    scanner.scan(long);
    scanner.scan(long);
    expect(d.runs).toBe(2);
    const plain = createScanner([d], { memoMaxLength: 0 });
    plain.scan('role: user');
    plain.scan('role: user');
    expect(d.runs).toBe(4);
  });

  it('answers as a fresh scanner would, whatever was scanned before (PERSON with and without model hints)', () => {
    const scanner = createScanner(builtinDetectors('all'));
    const hints = modelHints([{ key: 'gen_ai.request.model', value: { kind: 'string', value: 'claude-3-5-sonnet' } }]);
    const texts = ['Claude Sonnet', 'Ask Claude', 'Hi Claude,', 'Maria Garcia', 'role', 'assistant', 'Claude Sonnet'];
    for (const t of texts) {
      const expected = { none: createScanner(builtinDetectors('all')).scan(t), hinted: createScanner(builtinDetectors('all')).scan(t, hints) };
      expect(scanner.scan(t, hints), t).toEqual(expected.hinted);
      expect(scanner.scan(t), t).toEqual(expected.none);
      expect(scanner.scan(t, hints), t).toEqual(expected.hinted);
    }
  });
});

describe('modelHints', () => {
  it('hands spans naming the same models the same hints object', () => {
    const attrs = (model: string) => [
      { key: 'gen_ai.system', value: { kind: 'string' as const, value: 'openai' } },
      { key: 'gen_ai.request.model', value: { kind: 'string' as const, value: model } },
    ];
    const a = modelHints(attrs('gpt-4o-mini'));
    expect(a?.allow).toEqual(new Set(['openai', 'gpt', 'mini']));
    expect(modelHints(attrs('gpt-4o-mini'))).toBe(a);
    expect(modelHints(attrs('gpt-4o'))).not.toBe(a);
    expect(modelHints([])).toBeUndefined();
  });
});
