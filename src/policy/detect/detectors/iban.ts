/**
 * IBAN_CODE (ISO 13616). A country code and two check digits start a candidate; the country's
 * registered length then says exactly how many characters to take, written either solid or in groups
 * of four separated by single spaces, in either case. The candidate must end there (no trailing
 * alphanumerics) and pass MOD 97-10.
 */
import { IBAN_LENGTHS, ibanChecksumValid } from '../checksums.js';
import type { Finding } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';
import { isAlnumCode } from '../text.js';

const START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])/g;

const IBAN_HINT = /[A-Za-z]{2}\d{2}[ ]?[A-Za-z0-9]{4}/;

/** Walks from `start` collecting `length` IBAN characters; returns the end offset or -1. */
function ibanEnd(text: string, start: number, length: number): { end: number; iban: string } | undefined {
  let iban = '';
  let i = start;
  let spaced: boolean | undefined;
  while (iban.length < length && i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      // a single space is allowed only between groups of four
      if (iban.length % 4 !== 0 || spaced === false) return undefined;
      spaced = true;
      i++;
      continue;
    }
    if (!isAlnumCode(c)) return undefined;
    if (iban.length > 0 && iban.length % 4 === 0 && spaced === undefined) spaced = false;
    if (spaced === true && iban.length % 4 === 0 && text.charCodeAt(i - 1) !== 32) return undefined;
    iban += text[i];
    i++;
  }
  if (iban.length !== length) return undefined;
  if (i < text.length && isAlnumCode(text.charCodeAt(i))) return undefined;
  return { end: i, iban: iban.toUpperCase() };
}

export const ibanDetector: BuiltinDetector = {
  name: 'iban',
  entity: 'IBAN_CODE',
  patterns: [START],
  mayMatch: (text) => text.length >= 15 && IBAN_HINT.test(text),
  // every IBAN starts with two letters and two digits (ISO 13616), counted by the trigger pass
  triggered: (t, text) => t.letterDigitStarts > 0 && text.length >= 15,
  find(text: string, out: Finding[]): void {
    START.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = START.exec(text)) !== null) {
      const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
      if (length === undefined) continue;
      const hit = ibanEnd(text, m.index, length);
      if (hit === undefined || !ibanChecksumValid(hit.iban)) continue;
      out.push({ entity: 'IBAN_CODE', start: m.index, end: hit.end, detector: 'iban' });
      START.lastIndex = hit.end;
    }
  },
};
