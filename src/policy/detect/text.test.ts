import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countDigits, digitsOf, isKeyCharCode, wordsAlternation } from './text.js';

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

describe('digitsOf', () => {
  it.each([
    ['', ''],
    ['4111111111111111', '4111111111111111'],
    ['4111 1111 1111 1111', '4111111111111111'],
    ['+1 (415) 555-0132', '14155550132'],
    ['(0)20', '020'],
    ['no digits', ''],
    ['12\u00a034٣5', '12345'], // NBSP and an Arabic-Indic digit are dropped
  ])('digitsOf(%j) = %j', (s, expected) => expect(digitsOf(s)).toBe(expected));

  it('keeps the digits in order, as a filter over the characters does', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'0123456789 -.()+x\u00a0'.split('')), { maxLength: 30 }).map((a) => a.join('')), (s) =>
        digitsOf(s) === [...s].filter((ch) => ch >= '0' && ch <= '9').join(''),
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });
});

describe('isKeyCharCode', () => {
  it.each([
    ['a', true], ['Z', true], ['0', true], ['_', true], ['-', true], ['.', true],
    [' ', false], [':', false], ['=', false], ['"', false], ['/', false], ['é', false], ['$', false],
  ])('%s → %s', (ch, expected) => expect(isKeyCharCode(ch.charCodeAt(0))).toBe(expected));

  it('answers as [A-Za-z0-9_.-] for every code unit below 0x3000', () => {
    for (let c = 0; c < 0x3000; c++) expect(isKeyCharCode(c)).toBe(/[A-Za-z0-9_.\-]/.test(String.fromCharCode(c)));
  });
});
