import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IBAN_LENGTHS, ibanChecksumValid } from '../checksums.js';
import { isAlnumCode } from '../text.js';
import type { Finding } from '../types.js';
import { ibanDetector } from './iban.js';

const found = (text: string): [number, number][] => {
  const out: Finding[] = [];
  ibanDetector.find(text, out);
  return out.map((f) => [f.start, f.end]);
};

/**
 * The detector as first written, the oracle for the walk that checks MOD 97-10 as it reads: the
 * IBAN's characters collected into a string, upper-cased, then ibanChecksumValid.
 */
function reference(text: string): [number, number][] {
  const start = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])/g;
  const spans: [number, number][] = [];
  let m: RegExpExecArray | null;
  while ((m = start.exec(text)) !== null) {
    const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
    if (length === undefined) continue;
    let iban = '';
    let i = m.index;
    let spaced: boolean | undefined;
    let ok = true;
    while (iban.length < length && i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32) {
        if (iban.length % 4 !== 0 || spaced === false) ok = false;
        spaced = true;
        i++;
        if (!ok) break;
        continue;
      }
      if (!isAlnumCode(c)) {
        ok = false;
        break;
      }
      if (iban.length > 0 && iban.length % 4 === 0 && spaced === undefined) spaced = false;
      if (spaced === true && iban.length % 4 === 0 && text.charCodeAt(i - 1) !== 32) {
        ok = false;
        break;
      }
      iban += text[i];
      i++;
    }
    if (!ok || iban.length !== length || (i < text.length && isAlnumCode(text.charCodeAt(i)))) continue;
    if (!ibanChecksumValid(iban.toUpperCase())) continue;
    spans.push([m.index, i]);
    start.lastIndex = i;
  }
  return spans;
}

/** A BBAN of `n` alphanumerics with the check digits that make `cc` + digits + BBAN valid. */
function withCheckDigits(cc: string, bban: string): string {
  let rem = 0;
  for (const ch of (bban + cc + '00').toUpperCase()) {
    const v = parseInt(ch, 36);
    rem = (v < 10 ? rem * 10 + v : rem * 100 + v) % 97;
  }
  return cc + String(98 - rem).padStart(2, '0') + bban;
}

const COUNTRIES = Object.entries(IBAN_LENGTHS);

const ibanText = fc
  .record({
    country: fc.constantFrom(...COUNTRIES),
    chars: fc.array(fc.constantFrom(...'0123456789ABCXYZabcz'.split('')), { minLength: 40, maxLength: 40 }),
    valid: fc.boolean(),
    lower: fc.boolean(),
    grouped: fc.boolean(),
    cut: fc.integer({ min: -2, max: 2 }),
    before: fc.constantFrom('', ' ', 'x', 'IBAN: ', '1'),
    after: fc.constantFrom('', ' ', '.', 'a', '9', ' 12', ' DE'),
  })
  .map(({ country: [cc, length], chars, valid, lower, grouped, cut, before, after }) => {
    let iban = withCheckDigits(cc, chars.slice(0, length - 4).join(''));
    if (!valid) iban = iban.slice(0, 2) + ((Number(iban.slice(2, 4)) + 1) % 100).toString().padStart(2, '0') + iban.slice(4);
    iban = iban.slice(0, Math.max(4, iban.length + cut));
    if (lower) iban = iban.toLowerCase();
    if (grouped) iban = iban.replace(/(.{4})(?=.)/g, '$1 ');
    return before + iban + after;
  });

describe('IBAN_CODE', () => {
  it('finds a valid IBAN solid, grouped and in lower case', () => {
    expect(found('IBAN DE89 3704 0044 0532 0130 00, thanks')).toEqual([[5, 32]]);
    expect(found('GB29NWBK60161331926819')).toEqual([[0, 22]]);
    expect(found('gb29 nwbk 6016 1331 9268 19')).toEqual([[0, 27]]);
    expect(found('DE89 3704 0044 0532 0130 01')).toEqual([]); // check digits fail
  });

  it('reports what the string-building reference reports on generated IBAN-like texts', () => {
    let withFindings = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.array(ibanText, { minLength: 1, maxLength: 3 }).map((a) => a.join(' ')), (text) => {
        const spans = found(text);
        expect(spans).toEqual(reference(text));
        runs++;
        if (spans.length > 0) withFindings++;
      }),
      { seed: 20261205, numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
    // the generator is not vacuous: valid IBANs are found in a good share of the texts
    expect(withFindings).toBeGreaterThan(runs / 5);
  });

  it('reports what the reference reports on arbitrary short texts of IBAN characters', () => {
    const alphabet = fc.constantFrom(...'DEGBNLde0123456789 -x'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')), (text) => {
        expect(found(text)).toEqual(reference(text));
      }),
      { seed: 20261206, numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});
