/**
 * CREDIT_CARD. 12–19 digits written plain or grouped the ways people and locales write them (spaces,
 * runs of spaces, NBSP or thin spaces, dashes, dots; one separator style per number), never part of a
 * longer digit run, with a known issuer prefix and length (IIN ranges of Visa, Mastercard, Amex,
 * Discover, Diners, JCB, UnionPay, Maestro, Mir, RuPay, Troy) and a valid Luhn check digit. The weakest
 * shape, a 12-digit Maestro number written solid, also needs a card word before it.
 */
import { luhnValid } from '../checksums.js';
import { regexDetector } from '../regex-detector.js';
import { allSame, contextBefore, digitsOf } from '../text.js';

const SEP = '(?:[ \\u00a0\\u2009\\u202f]{1,3}|[\\-.])';
const CANDIDATE = new RegExp(`(?<![\\w.,$€£+\\-])\\d(?:${SEP}?\\d){11,18}(?![\\w]|${SEP}\\d|[.,]\\d)`, 'g');

const TWELVE_DIGITS = /\d(?:[ \-.\u00a0]{0,3}\d){11}/;
/** Words that say a card number follows (English, German, French, Spanish, Italian, Portuguese). */
const CARD_CONTEXT = /(?:card|visa|master|maestro|amex|jcb|diners|discover|unionpay|cc|credit|debit|payment|paid|pay |charge|billed|pan\b|karte|carte|tarjeta|carta|cartão|cartao)/;

/** Whether the number the first `len` digits spell is in [lo, hi]: read by code unit, no slice or Number parse (`digits` is ASCII digits, at least `len`). */
function inRange(digits: string, len: number, lo: number, hi: number): boolean {
  let p = 0;
  for (let i = 0; i < len; i++) p = p * 10 + (digits.charCodeAt(i) - 48);
  return p >= lo && p <= hi;
}

/** Issuer identification by prefix and length. */
export function knownIssuer(d: string): boolean {
  const n = d.length;
  const c = d[0];
  if (c === '4') return n === 13 || n === 16 || n === 19; // Visa
  if (inRange(d, 2, 51, 55) || inRange(d, 4, 2221, 2720)) return n === 16; // Mastercard
  if (d.startsWith('34') || d.startsWith('37')) return n === 15; // Amex
  if (inRange(d, 3, 300, 305) || d.startsWith('36') || d.startsWith('38') || d.startsWith('39')) {
    return n >= 14 && n <= 19; // Diners Club
  }
  if (d.startsWith('35')) return n >= 16 && n <= 19; // JCB (3528–3589 assigned; test ranges use all of 35xx)
  if (d.startsWith('2131') || d.startsWith('1800')) return n === 15; // JCB, 15-digit
  if (d.startsWith('6011') || inRange(d, 3, 644, 649) || d.startsWith('65') || inRange(d, 6, 622126, 622925)) {
    return n >= 16 && n <= 19; // Discover
  }
  if (d.startsWith('62') || d.startsWith('81')) return n >= 16 && n <= 19; // UnionPay
  if (d.startsWith('50') || inRange(d, 2, 56, 69) || d.startsWith('0604')) return n >= 12 && n <= 19; // Maestro
  if (d.startsWith('9792')) return n === 16; // Troy
  if (d.startsWith('2200') || d.startsWith('2201') || d.startsWith('2202') || d.startsWith('2203') || d.startsWith('2204')) {
    return n === 16; // Mir
  }
  return false;
}

/**
 * Groups must be uniform: one separator kind, and the usual 4-4-4-4(-3) or 4-6-5/4-6-4 layouts.
 * Read in one loop without splitting (runs for every 13–19 digit candidate).
 */
function wellGrouped(raw: string): boolean {
  let sep = 0;
  let groups = 0;
  let len = 0;
  let first = 0;
  let second = 0;
  let leadingFours = true;
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      len++;
      continue;
    }
    // a run of spaces, NBSP or thin spaces is one separator ("4111  1111  1111  1111")
    if (c === 32 || c === 0xa0 || c === 0x2009 || c === 0x202f) {
      c = 32;
      while (i + 1 < raw.length && !(raw.charCodeAt(i + 1) >= 48 && raw.charCodeAt(i + 1) <= 57)) i++;
    }
    if (sep === 0) sep = c;
    else if (sep !== c) return false; // spaces, dashes and dots mixed
    if (groups === 0) first = len;
    else if (groups === 1) second = len;
    if (len !== 4) leadingFours = false;
    groups++;
    len = 0;
  }
  if (sep === 0) return true;
  // 4-6-5 and 4-6-4 (Amex, Diners)
  if (groups === 2 && first === 4 && second === 6 && (len === 5 || len === 4)) return true;
  // 4-4-4-4, 4-4-4-4-3, 4-4-4-1 (13-digit Visa) and 4-4-4-4-x up to 19 digits
  return leadingFours && len >= 1 && len <= 4;
}

export const creditCardDetector = regexDetector({
  name: 'credit_card',
  entity: 'CREDIT_CARD',
  pattern: CANDIDATE,
  mayMatch: (text) => TWELVE_DIGITS.test(text),
  triggered: (t) => t.looseDigits >= 12,
  validate(m, text) {
    const raw = m[0];
    if (!wellGrouped(raw)) return false;
    const digits = digitsOf(raw);
    // pure tests, cheapest and most rejecting first: most candidates have no issuer prefix
    if (!knownIssuer(digits) || allSame(digits) || !luhnValid(digits)) return false;
    // 12 digits in one run: also a timestamp or an id, unless the text says card
    if (digits.length === 12 && raw.length === 12) return CARD_CONTEXT.test(contextBefore(text, m.index, 40));
    return true;
  },
});
