/**
 * PHONE_NUMBER. One linear regex proposes phone-shaped candidates (digit groups joined by spaces,
 * dashes, dots or a parenthesised area code, optionally after '+', '00' or a `tel:` URI scheme); each
 * candidate is then judged by number plan rather than by shape alone, using libphonenumber-js
 * metadata (Google's libphonenumber) through phone-plan.ts:
 *
 * - `+CC …` / `00CC …` / `+CC (0) …`: accepted when the length is possible for that country code
 *   (ITU-T E.164); NANP (+1) numbers must also have the NXX-NXX-XXXX structure.
 * - national NANP `(NXX) NXX-XXXX`, `NXX-NXX-XXXX`, `NXX.NXX.XXXX`: accepted by structure (area and
 *   exchange codes start 2–9), since the grouping itself is the evidence.
 * - any other national writing must be a valid number in some region, and must carry evidence that it
 *   is a phone number: a phone word just before it (in several languages), a trunk prefix or a
 *   parenthesised area code, or three or more digit groups.
 * - a bare digit run with no grouping: only with a phone word just before it.
 *
 * Dates, ISBNs, IPv4 addresses, SSN layouts, arithmetic and numbers introduced as an order, invoice,
 * ticket or other reference are rejected before any parsing.
 */
import { regexDetector } from '../regex-detector.js';
import { contextBefore, countDigits, digitsOf } from '../text.js';
import { possibleInternational, validNational } from './phone-plan.js';

const CANDIDATE =
  /(?<![\w+@/.\-$€£#])(?<!\d[,:])(?:\+ ?|\b00)?(?:\( ?\d{1,5} ?\) ?\d{1,8}|\( ?\d{1,5} ?\)|\d{1,15})(?:[ \u00a0.\-]{1,3}(?:\(\d{1,5}\) ?\d{1,8}|\(\d{1,5}\)|\d{1,8})){0,7}(?:(?=(?: ?(?:x|ext\.?|extension) ?)\d)|(?![\w@]|[.\-:/,]\w))/g;

const NANP = /^(?:1[ .\-]?)?(?:\( ?[2-9]\d{2} ?\)|[2-9]\d{2})[ .\-]?[2-9]\d{2}[ .\-]?\d{4}$/;
/** 3-3-4 digits, the layout of NANP numbers. */
const NANP_LAYOUT = /^\(?\d{3}\)?[ .\-]?\d{3}[ .\-]\d{4}$/;
const DATE = /^(?:\d{4}[ .\-/]\d{1,2}[ .\-/]\d{1,2}|\d{1,2}[ .\-/]\d{1,2}[ .\-/]\d{2,4})$/;
/** Seven digits with at most a few separators between them: the least a phone number has. */
const SEVEN_DIGITS = /\d(?:[ ()\-.]{0,3}\d){6}/;
const SSN_SHAPE = /^\d{3}[ \-]\d{2}[ \-]\d{4}$/;
/** A dotted quad that is a valid IPv4 address (octets 0–255, no leading zeros) belongs to the IP detector. */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
/** ISBN-10 as printed: four hyphenated groups, the last a single check character. */
const ISBN10_SHAPE = /^\d{1,5}-\d{1,7}-\d{1,7}-\d$/;
/** Thousands grouping with dots or spaces (1.234.567, 12 345 678): an amount unless the text says phone. */
const THOUSANDS = /^\d{1,3}(?:([. ])\d{3})(?:\1\d{3})+$/;

/**
 * Words that say a phone number follows (English, German, French, Spanish, Portuguese, Italian, Dutch,
 * Nordic, CJK), and '@': a number right after an e-mail address is a contact record's phone. Written
 * as phone, tel\b, tel[.:], tlf, call, mobil, cell, fax, whats ?app, sms, signal, viber, contact,
 * kontakt, reach, ring, dial, number, nummer, num[ée]ro, n[úu]mero, telef, t[ée]l[ée]phone, portable,
 * handy, m[oó]vil, celular, bel me, appel, ll[aá]m, ligue, chiam, ruf, 電話, 携帯, 手机, 电话, 전화,
 * msisdn, callback, hotline, helpline, @; grouped here by first letter, which irregexp tests about
 * 40% faster over the 40-character windows hasContext reads (the flat alternation tries every word
 * at each offset). Only ever test()ed, so "callback" is left to "call", which it contains; the
 * grouped and flat forms answer alike on every string (phone.test.ts).
 */
export const PHONE_CONTEXT =
  /(?:p(?:hone|ortable)|t(?:el(?:\b|[.:]|ef)|lf|[ée]l[ée]phone)|c(?:all|ell|ontact|elular|hiam)|m(?:obil|[oó]vil|sisdn)|fax|whats ?app|s(?:ms|ignal)|viber|kontakt|r(?:each|ing|uf)|dial|n(?:u(?:mber|mmer|m[ée]ro)|[úu]mero)|h(?:andy|otline|elpline)|bel me|appel|l(?:l[aá]m|igue)|電話|携帯|手机|电话|전화|@)/;
/** Words that introduce a reference number, and arithmetic: the number after them is not a phone. */
const NOT_PHONE =
  /\b(?:order|invoice|ticket|tracking|account|acct|serial|case|ref|reference|customer id|po|part|batch|model|isbn|issn|policy|claim|booking|confirmation|transaction|txn|id|version|build|bestell|rechnung|commande|facture|pedido|factura|sku|ean|upc|oid|routing|aba|nhs|passport|licen[cs]e|dl|itin|ssn|social security|tax|bank|iban|tin|patient|member|policy)\b[ #:.\-]{0,3}(?:(?:number|no\.?|nr\.?|n°|num)[ #:.]{0,3})?$|[\d)][ ]?[=*^×÷][ ]?$/;

/** A phone word counts only within the same clause: not across a bracket or a semicolon. */
function hasContext(text: string, start: number): boolean {
  const before = contextBefore(text, start, 40);
  const cut = Math.max(before.lastIndexOf('('), before.lastIndexOf(')'), before.lastIndexOf(';'));
  return PHONE_CONTEXT.test(cut < 0 ? before : before.slice(cut + 1));
}

function groupCount(raw: string): number {
  let groups = 0;
  let inDigits = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    if (digit && !inDigits) groups++;
    inDigits = digit;
  }
  return groups;
}

/** The groups of an IBAN-shaped string (`DE89 3704 …`, `GB29 NWBK 6016 …`) just before a candidate: its digits are no phone. */
const IBAN_BEFORE = /\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]{4}){0,7}[ ]?$/i;

/** An extension after the number: "x863", " ext. 12", " extension 4021", " #12". */
const EXTENSION = /^(?: ?(?:x|ext\.?|extension) ?|[ ]?#)\d{1,6}(?![\w])/i;

/** 3-3-4 digits with separators, whatever the digits (NANP layout; plan-invalid numbers in phone context). */
const NANP_ANY = /^(?:(?:\+?1|001)[ .\-]?)?(?:\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}$/;

export function isPhoneCandidate(raw: string, text: string, start: number): boolean {
  const digits = digitsOf(raw);
  if (start >= 4 && IBAN_BEFORE.test(text.slice(Math.max(0, start - 40), start))) return false;
  // an extension is itself phone evidence, as a phone word before the number is: a mistyped or
  // plan-invalid number written the way phone numbers are is still somebody's number
  const nanpAny = NANP_ANY.test(raw);
  const shortLocal = !nanpAny && digits.length >= 6 && digits.length <= 8 && raw.length > digits.length && !DATE.test(raw) && !/\.\d(?:\.|$)/.test(raw);
  if (nanpAny || shortLocal) {
    const ext = nanpAny && EXTENSION.test(text.slice(start + raw.length, start + raw.length + 16));
    if ((ext || hasContext(text, start)) && !NOT_PHONE.test(contextBefore(text, start, 24))) return true;
  }
  if (digits.length < 7 || digits.length > 15) return false;
  if (DATE.test(raw) || DOTTED_QUAD.test(raw)) return false;
  // AAA-GG-SSSS is the SSN layout; no numbering plan groups a local number that way
  if (SSN_SHAPE.test(raw)) return false;
  // ISBN-13 (978/979 prefix) and ISBN-10 as printed
  if (digits.length === 13 && (digits.startsWith('978') || digits.startsWith('979'))) return false;
  if (digits.length === 10 && ISBN10_SHAPE.test(raw)) return false;
  const first = raw.charCodeAt(0);
  // '+' and the ITU international prefix 00 are explicit: the rest is the country code and number
  if (first === 43 /* + */) return digits.length >= 8 && possibleInternational(stripTrunkAfterCountry(raw, digits));
  if (raw.startsWith('00')) return /^00[1-9]/.test(raw) && digits.length >= 9 && possibleInternational(digits.slice(2));
  if (NOT_PHONE.test(contextBefore(text, start, 24))) return false;
  const separated = raw.length > digits.length;
  if (!separated) return hasContext(text, start) && validNational(digits);
  if (NANP.test(raw)) return true;
  const context = hasContext(text, start);
  if (raw.includes('.')) {
    // dots are also decimal and thousands marks: only NANP, a trunk-0 number dotted in pairs
    // (06.12.34.56.78) or a number the text calls a phone number
    if (/\.\d(?:\.|$)/.test(raw)) return false; // one-digit groups: an OID or a version, not a phone
    if (context) return validNational(digits);
    return digits.length >= 9 && /^0\d{1,4}(?:\.\d{2,4}){2,5}$/.test(raw) && validNational(digits);
  }
  if (context) return validNational(digits);
  // NANP layout with an area or exchange code NANP never assigns (a leading 0 is another plan's trunk prefix)
  if (first !== 48 && NANP_LAYOUT.test(raw)) return false;
  if (digits.length < 8 || THOUSANDS.test(raw)) return false;
  // a trunk prefix, a parenthesised area code, three digit groups or ten digits split once
  // (98765 43210) is how phone numbers are written; amounts and ids rarely look like that
  const evidence =
    first === 40 /* ( */ || digits.startsWith('0') || raw.includes('(') || groupCount(raw) >= 3 || digits.length >= 10;
  return evidence && validNational(digits);
}

/** `+44 (0)20 …`: the "(0)" is the national trunk prefix shown for domestic callers; drop it. */
function stripTrunkAfterCountry(raw: string, digits: string): string {
  const p = raw.indexOf('(0)');
  if (p < 0) return digits;
  const before = digitsOf(raw.slice(0, p));
  return before + digits.slice(before.length + 1);
}

/**
 * False only where isPhoneCandidate is false whatever the text, judged by the digit count alone, so
 * those candidates are dropped before it slices and tests the text around them:
 * - fewer than six digits: most candidates are short numbers ("3 items", "2024"), and every branch
 *   needs more (nanpAny ten, shortLocal six, the rest seven);
 * - more than fifteen (card numbers, long ids: a quarter of the corpus candidates): NANP_ANY holds at
 *   most 13 digits, shortLocal at most 8, and the rest is cut at 15, the E.164 maximum;
 * - exactly six and no separator: only shortLocal takes six digits, and only separated.
 * phone.test.ts checks the implication on generated candidates.
 */
export function digitCountMayBePhone(raw: string): boolean {
  const n = countDigits(raw);
  return n >= 6 && n <= 15 && !(n === 6 && raw.length === 6);
}

/** `tel:`, `callto:` and `sms:` URIs carry the number right after the scheme. */
const URI_SCHEME = /(?:tel|callto|sms|facetime):$/i;

export const phoneDetector = regexDetector({
  name: 'phone',
  entity: 'PHONE_NUMBER',
  pattern: CANDIDATE,
  mayMatch: (text) => SEVEN_DIGITS.test(text),
  triggered: (t) => t.looseDigits >= 7,
  validate: (m, text) => {
    if (!digitCountMayBePhone(m[0])) return false;
    if (text.charCodeAt(m.index - 1) === 58 /* : */ && !URI_SCHEME.test(text.slice(Math.max(0, m.index - 9), m.index))) {
      // after ':' only a URI scheme or a "label: value" (a space would precede the value) is a phone
      if (m[0].charCodeAt(0) !== 43) return false;
    }
    if (!isPhoneCandidate(m[0], text, m.index)) return false;
    const end = m.index + m[0].length;
    const ext = EXTENSION.exec(text.slice(end, end + 16));
    return ext === null ? true : { start: m.index, end: end + ext[0].length };
  },
});
