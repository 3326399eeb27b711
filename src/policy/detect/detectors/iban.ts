/**
 * IBAN_CODE (ISO 13616). A country code and two check digits start a candidate; the country's
 * registered length then says exactly how many characters to take, written either solid or in groups
 * of four separated by single spaces, in either case. The candidate must end there (no trailing
 * alphanumerics) and pass MOD 97-10.
 */
import { IBAN_LENGTHS, mod97Append } from '../checksums.js';
import type { Finding } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';
import { isAlnumCode } from '../text.js';

const START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])/g;

const IBAN_HINT = /[A-Za-z]{2}\d{2}[ ]?[A-Za-z0-9]{4}/;

/** An ASCII letter or digit in upper case (the IBAN alphabet, which ISO 13616 reads case-insensitively). */
function upper(c: number): number {
  return c >= 97 ? c - 32 : c;
}

/**
 * Walks from `start` over `length` IBAN characters, solid or in space-separated groups of four, and
 * returns the end offset, or -1 when the text there is no IBAN of that length or its MOD 97-10 check
 * fails. The check is computed during the walk, without building the IBAN as a string: characters
 * from the fifth on are appended as they are read, the first four (the country code and check digits
 * START matched, contiguous at `start`) last, the order ibanChecksumValid takes them in.
 */
function ibanEnd(text: string, start: number, length: number): number {
  let count = 0;
  let rem = 0;
  let i = start;
  let spaced: boolean | undefined;
  while (count < length && i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      // a single space is allowed only between groups of four
      if (count % 4 !== 0 || spaced === false) return -1;
      spaced = true;
      i++;
      continue;
    }
    if (!isAlnumCode(c)) return -1;
    if (count > 0 && count % 4 === 0 && spaced === undefined) spaced = false;
    if (spaced === true && count % 4 === 0 && text.charCodeAt(i - 1) !== 32) return -1;
    if (count >= 4) rem = mod97Append(rem, upper(c));
    count++;
    i++;
  }
  if (count !== length) return -1;
  if (i < text.length && isAlnumCode(text.charCodeAt(i))) return -1;
  for (let k = start; k < start + 4; k++) rem = mod97Append(rem, upper(text.charCodeAt(k)));
  return rem === 1 ? i : -1;
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
      const end = ibanEnd(text, m.index, length);
      if (end < 0) continue;
      out.push({ entity: 'IBAN_CODE', start: m.index, end, detector: 'iban' });
      START.lastIndex = end;
    }
  },
};
