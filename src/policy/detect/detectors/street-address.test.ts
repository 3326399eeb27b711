import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstNumberEnd, isCapital, mayBeDirectional, mayBeOrdinalAt, streetAddressDetector } from './street-address.js';
import type { Finding } from '../types.js';

const found = (text: string): string[] => {
  const out: Finding[] = [];
  streetAddressDetector.find(text, out);
  return out.map((f) => text.slice(f.start, f.end));
};

describe('street address helpers', () => {
  it.each([
    [78, true], // N
    [110, true], // n
    [83, true], // S
    [101, true], // e
    [87, true], // W
    [77, false], // M
    [46, false], // .
    [0x17f, false], // ſ: no ASCII case partner for a non-Unicode /i regex
    [Number.NaN, false], // past the end
  ])('mayBeDirectional(%d) = %s', (c, expected) => expect(mayBeDirectional(c)).toBe(expected));

  it('mayBeDirectional is true wherever a directional can start', () => {
    const directional = /^ (?:n|s|e|w|ne|nw|se|sw|north|south|east|west)\.?(?=[ ,\n]|$)/i;
    for (let c = 0; c < 0x3000; c++) if (directional.test(` ${String.fromCharCode(c)}`)) expect(mayBeDirectional(c)).toBe(true);
  });

  it.each([
    ['3rd St', 0, true],
    ['21st', 0, true],
    ['102ND', 0, true],
    ['4th', 0, true],
    ['1234th', 0, false], // four digits: \d{1,3} meets no letter
    ['123 4567', 0, false],
    ['12a', 0, false],
    ['Main 5th', 5, true],
    ['x', 0, false],
  ])('mayBeOrdinalAt(%j, %i) = %s', (text, i, expected) => expect(mayBeOrdinalAt(text, i)).toBe(expected));

  it('mayBeOrdinalAt is true wherever ORDINAL matches, and no other word form starts at a digit', () => {
    const ordinal = /\d{1,3}(?:st|nd|rd|th)\b/iy;
    const capWord = /[A-Z\u00c0-\u024f][A-Za-z\u00c0-\u024f'.\-]{0,24}/y;
    const lowerWord = /[a-z\u00e0-\u024f][a-z\u00e0-\u024f'\-]{1,24}/y;
    const piece = fc.constantFrom('1', '42', '123', '9876', 'st', 'nd', 'rd', 'th', 'ST', 'Nd', 'tH', 's', 't', 'h', 'x', ' ', '.', '\u017ft', 'é');
    let ordinals = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }).map((a) => a.join('')), (text) => {
        for (let i = 0; i <= text.length; i++) {
          ordinal.lastIndex = i;
          if (ordinal.test(text)) {
            ordinals++;
            expect(mayBeOrdinalAt(text, i)).toBe(true);
          }
          const c = text.charCodeAt(i);
          if (c >= 48 && c <= 57) {
            capWord.lastIndex = i;
            lowerWord.lastIndex = i;
            expect(capWord.test(text) || lowerWord.test(text)).toBe(false);
          }
        }
      }),
      { seed: 20261209, numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
    expect(ordinals).toBeGreaterThan(500); // the generator reaches ordinals of one, two and three digits
  });

  it.each([
    [65, true], // A
    [90, true], // Z
    [0xc0, true], // À
    [0xde, true], // Þ
    [97, false], // a
    [0xdf, false], // ß
    [48, false], // 0
  ])('isCapital(%d) = %s', (c, expected) => expect(isCapital(c)).toBe(expected));

  it('isCapital answers as [A-Z\\u00c0-\\u00de] for every code unit', () => {
    for (let c = 0; c < 0x400; c++) expect(isCapital(c)).toBe(/[A-Z\u00c0-\u00de]/.test(String.fromCharCode(c)));
  });

  it.each([
    ['1600 Amphitheatre Pkwy', 4],
    ['order 12b Main', 9],
    ['at 10:30 Monday', 8], // "30 M": a NUMBER match, which numberStarts then rejects
    ['at noon Monday, then 221B Baker Street', 25],
    ['room 5 north, 7 West', 15],
    ['no number here', -1],
    ['2024-01-01 ok', -1],
    [' 12 Main', 3],
  ])('firstNumberEnd(%j) = %i', (text, expected) => expect(firstNumberEnd(text)).toBe(expected));

  it('no building-number match starts before firstNumberEnd less the longest match', () => {
    const number = /\d{1,6}[A-Za-z]?(?:[-–]\d{1,6})?(?= [A-Z\u00c0-\u00de0-9])/g;
    const alphabet = fc.constantFrom(...'0123456789 aBZ-–É.'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        const first = [...text.matchAll(number)][0];
        const end = firstNumberEnd(text);
        return first === undefined ? end < 0 : end >= 0 && first.index >= end - 14 && first.index + first[0].length >= end;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });

  it('NUMBER matches what the digit-or-capital form matched, less the numbers followed by a digit that starts no ordinal', () => {
    const [NUMBER] = streetAddressDetector.patterns as RegExp[];
    const loose = /\d{1,6}[A-Za-z]?(?:[-–]\d{1,6})?(?= [A-Z\u00c0-\u00de0-9])/g;
    const ordinal = /\d{1,3}(?:st|nd|rd|th)\b/iy;
    const piece = fc.constantFrom('12', '3', '4567', '555 ', ' 89', '7 ', 'rd', 'th', 'ST', 'nd', 'a', 'B', 'Main', ' ', '-', '–', 'É', 'é', '.', 'x');
    let dropped = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }).map((a) => a.join('')), (text) => {
        const kept = [...text.matchAll(loose)].filter((m) => {
          const p = (m.index as number) + m[0].length + 1;
          const c = text.charCodeAt(p);
          if (c < 48 || c > 57) return true;
          ordinal.lastIndex = p;
          if (ordinal.test(text)) return true;
          dropped++;
          return false;
        });
        const now = [...text.matchAll(new RegExp(NUMBER!.source, 'g'))];
        expect(now.map((m) => [m.index, m[0]])).toEqual(kept.map((m) => [m.index, m[0]]));
      }),
      { seed: 20261210, numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
    expect(dropped).toBeGreaterThan(300); // the generator reaches numbers before digit groups
  });

  it.each([
    ['12 3rd Street, Springfield, IL 62701', ['12 3rd Street, Springfield, IL 62701']],
    ['Hauptstraße 5, 10115 Berlin', ['Hauptstraße 5, 10115 Berlin']],
    ['wohnt in der Berliner Straße 7, 10115 Berlin', ['Berliner Straße 7, 10115 Berlin']],
    ['Adresse: Storgatan 12', ['Storgatan 12']],
    ['the hauptstraße 5, 10115 Berlin', []],
    ['meet at 5, 10115 Berlin', []],
    ['1600 Amphitheatre Pkwy N, Mountain View, CA 94043', ['1600 Amphitheatre Pkwy N, Mountain View, CA 94043']],
    ['ship to 221 North Lake Road', ['221 North Lake Road']],
  ])('%j', (text, expected) => expect(found(text)).toEqual(expected));
});
