/**
 * CREDIT_CARD. 12–19 digits written plain or grouped the ways people and locales write them (spaces,
 * runs of spaces, NBSP or thin spaces, dashes, dots; one separator style per number), never part of a
 * longer digit run, with a known issuer prefix and length (IIN ranges of Visa, Mastercard, Amex,
 * Discover, Diners, JCB, UnionPay, Maestro, Mir, RuPay, Troy) and a valid Luhn check digit. The weakest
 * shape, a 12-digit Maestro number written solid, also needs a card word before it.
 */
import { luhnValid } from '../checksums.js';
import { regexDetector } from '../regex-detector.js';
import { contextBefore } from '../text.js';

const SEP = '(?:[ \\u00a0\\u2009\\u202f]{1,3}|[\\-.])';
const CANDIDATE = new RegExp(`(?<![\\w.,$€£+\\-])\\d(?:${SEP}?\\d){11,18}(?![\\w]|${SEP}\\d|[.,]\\d)`, 'g');

const TWELVE_DIGITS = /\d(?:[ \-.\u00a0]{0,3}\d){11}/;
/** Words that say a card number follows (English, German, French, Spanish, Italian, Portuguese). */
const CARD_CONTEXT = /(?:card|visa|master|maestro|amex|jcb|diners|discover|unionpay|cc|credit|debit|payment|paid|pay |charge|billed|pan\b|karte|carte|tarjeta|carta|cartão|cartao)/;

/** Issuer identification by prefix and length: `lead` is the number's first six digits as a number, `n` its digit count (at least 12). */
export function knownIssuer(lead: number, n: number): boolean {
  // the first k digits as a number; a k-digit prefix with leading zeros ("0604") is the number it spells
  const p1 = Math.floor(lead / 100000);
  const p2 = Math.floor(lead / 10000);
  const p3 = Math.floor(lead / 1000);
  const p4 = Math.floor(lead / 100);
  if (p1 === 4) return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // Amex
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19; // Diners Club
  if (p2 === 35) return n >= 16 && n <= 19; // JCB (3528–3589 assigned; test ranges use all of 35xx)
  if (p4 === 2131 || p4 === 1800) return n === 15; // JCB, 15-digit
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (lead >= 622126 && lead <= 622925)) {
    return n >= 16 && n <= 19; // Discover
  }
  if (p2 === 62 || p2 === 81) return n >= 16 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69) || p4 === 604) return n >= 12 && n <= 19; // Maestro (0604)
  if (p4 === 9792) return n === 16; // Troy
  if (p4 >= 2200 && p4 <= 2204) return n === 16; // Mir
  return false;
}

/**
 * The digits of a candidate as written (`4111 1111 1111 1111`): a known issuer's prefix and length,
 * not one digit repeated, and a valid Luhn check digit. Read from `raw` itself (its count, first six
 * digits and sameness in one loop, Luhn skipping the separators) rather than from a digitsOf copy.
 */
export function cardDigitsValid(raw: string): boolean {
  const first = raw.charCodeAt(0);
  let n = 0;
  let lead = 0;
  let same = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (n < 6) lead = lead * 10 + (c - 48);
    if (c !== first) same = false;
    n++;
  }
  // pure tests, cheapest and most rejecting first: most candidates have no issuer prefix
  return n >= 12 && knownIssuer(lead, n) && !same && luhnValid(raw, true);
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
    if (!wellGrouped(raw) || !cardDigitsValid(raw)) return false;
    // 12 digits in one run: also a timestamp or an id, unless the text says card
    if (raw.length === 12) return CARD_CONTEXT.test(contextBefore(text, m.index, 40));
    return true;
  },
});
