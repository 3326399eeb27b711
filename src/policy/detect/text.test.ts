import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countDigits, digitsOf, wordsAlternation } from './text.js';

describe('wordsAlternation', () => {
  const words = ['pass', 'passord', 'pat', 'pin', 'token', 'top', 'key', 'a.b', 'x-y', 'hasło', 'haslo'];
  const factored = new RegExp(wordsAlternation(words), 'i');
  const flat = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'), 'i');

  it('factors common prefixes and drops words that continue a shorter one', () => {
    expect(wordsAlternation(['token', 'top', 'pass', 'passord'])).toBe('(?:to(?:ken|p)|pass)');
    expect(wordsAlternation(['a.b'])).toBe('a\\.b');
  });

  it.each([
    ['my PASSWORD is', true],
    ['the Topic', true],
    ['aXb', false],
    ['a.b', true],
    ['x-y', true],
    ['HASŁO', true],
    ['pa ss', false],
    ['', false],
  ])('%j → %s, as the flat alternation says', (text, expected) => {
    expect(factored.test(text)).toBe(expected);
    expect(flat.test(text)).toBe(expected);
  });

  it('answers test() as the flat alternation does on any text', () => {
    const alphabet = fc.constantFrom(...'pasordtkenyib.x-hłŁ PAT'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => factored.test(text) === flat.test(text)), {
      numRuns: Number(process.env.FUZZ_RUNS ?? 200),
    });
  });
});

describe('countDigits', () => {
  it.each([
    ['', 0],
    ['2024', 4],
    ['+1 (415) 555-0100', 11],
    ['٣٤٥', 0], // Arabic-Indic digits are not ASCII digits
    ['x863', 3],
  ])('%j has %i ASCII digits, as many as digitsOf keeps', (s, n) => {
    expect(countDigits(s)).toBe(n);
    expect(digitsOf(s).length).toBe(n);
  });
});
