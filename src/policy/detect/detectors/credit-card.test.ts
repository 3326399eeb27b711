import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { luhnValid } from '../checksums.js';
import { allSame, digitsOf } from '../text.js';
import { cardDigitsValid, knownIssuer } from './credit-card.js';

/** Issuer identification as first written, on the digit string: the oracle for knownIssuer(lead, n). */
function issuerOf(d: string): boolean {
  const inRange = (len: number, lo: number, hi: number): boolean => {
    const p = Number(d.slice(0, len));
    return p >= lo && p <= hi;
  };
  const n = d.length;
  if (d[0] === '4') return n === 13 || n === 16 || n === 19;
  if (inRange(2, 51, 55) || inRange(4, 2221, 2720)) return n === 16;
  if (d.startsWith('34') || d.startsWith('37')) return n === 15;
  if (inRange(3, 300, 305) || d.startsWith('36') || d.startsWith('38') || d.startsWith('39')) return n >= 14 && n <= 19;
  if (d.startsWith('35')) return n >= 16 && n <= 19;
  if (d.startsWith('2131') || d.startsWith('1800')) return n === 15;
  if (d.startsWith('6011') || inRange(3, 644, 649) || d.startsWith('65') || inRange(6, 622126, 622925)) return n >= 16 && n <= 19;
  if (d.startsWith('62') || d.startsWith('81')) return n >= 16 && n <= 19;
  if (d.startsWith('50') || inRange(2, 56, 69) || d.startsWith('0604')) return n >= 12 && n <= 19;
  if (d.startsWith('9792')) return n === 16;
  if (['2200', '2201', '2202', '2203', '2204'].some((p) => d.startsWith(p))) return n === 16;
  return false;
}

/** The validation as first written: digitsOf, then issuer, sameness and Luhn on the copy. */
const reference = (raw: string): boolean => {
  const d = digitsOf(raw);
  return issuerOf(d) && !allSame(d) && luhnValid(d);
};

/** `body` with the Luhn check digit appended. */
function withCheckDigit(body: string): string {
  for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
  throw new Error('unreachable');
}

describe('credit card digits', () => {
  it('knownIssuer(lead, n) answers as the string test for every six-digit prefix and every length', () => {
    const tails = new Map<number, string>();
    for (let n = 12; n <= 19; n++) tails.set(n, '0'.repeat(n - 6));
    for (let lead = 0; lead < 1_000_000; lead++) {
      const prefix = String(lead).padStart(6, '0');
      for (let n = 12; n <= 19; n++) {
        if (knownIssuer(lead, n) !== issuerOf(prefix + (tails.get(n) as string))) {
          throw new Error(`knownIssuer(${lead}, ${n}) differs from the string test`);
        }
      }
    }
  });

  it.each([
    ['4111 1111 1111 1111', true],
    ['4111-1111-1111-1111', true],
    ['4111111111111112', false], // Luhn
    ['4444 4444 4444 4448', true],
    ['0000 0000 0000 0000', false], // one digit repeated
    ['3782 822463 10005', true], // Amex 4-6-5
    ['1234 5678 9012 3456', false], // no issuer
  ])('cardDigitsValid(%j) = %s, as on a digitsOf copy', (raw, expected) => {
    expect(cardDigitsValid(raw)).toBe(expected);
    expect(reference(raw)).toBe(expected);
  });

  it('cardDigitsValid answers as the digitsOf version on generated numbers as written', () => {
    const number = fc
      .record({
        digits: fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: 11, maxLength: 18 }),
        prefix: fc.constantFrom('', '4', '5', '34', '37', '36', '35', '6011', '622126', '622925', '0604', '2200', '2720', '9792', '81', '50'),
        check: fc.boolean(),
        seps: fc.array(fc.constantFrom('', '', ' ', '-', '.', '  ', '\u00a0'), { minLength: 20, maxLength: 20 }),
      })
      .map(({ digits, prefix, check, seps }) => {
        let d = (prefix + digits.join('')).slice(0, Math.max(12, digits.length + 1));
        if (check) d = withCheckDigit(d.slice(0, -1));
        return [...d].map((ch, i) => (i === 0 ? ch : (seps[i] ?? '') + ch)).join('');
      });
    let valid = 0;
    fc.assert(
      fc.property(number, (raw) => {
        const ok = cardDigitsValid(raw);
        expect(ok).toBe(reference(raw));
        if (ok) valid++;
      }),
      { seed: 20261207, numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
    expect(valid).toBeGreaterThan(100); // the generator reaches valid numbers, not only rejections
  });
});
