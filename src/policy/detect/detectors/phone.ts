/**
 * PHONE_NUMBER. One linear regex proposes phone-shaped candidates (digit groups joined by spaces,
 * dashes, dots or a parenthesised area code, optionally after '+'); each candidate is then judged by
 * number plan rather than by shape alone, using libphonenumber-js metadata (Google's libphonenumber):
 *
 * - `+CC …` (or `00CC …`): accepted when the length is possible for that country code; NANP (+1)
 *   numbers must also have the NXX-NXX-XXXX structure.
 * - national NANP `(NXX) NXX-XXXX`, `NXX-NXX-XXXX`, `NXX.NXX.XXXX`: accepted by structure (area and
 *   exchange codes start 2–9), since the grouping itself is the evidence.
 * - other national formats (trunk prefix 0, a parenthesised area code, or a grouped Indian mobile):
 *   accepted only when valid in one of the default regions below.
 * - a bare digit run with no grouping: only with a phone context word just before it.
 *
 * Dates, ISBNs, IPv4 addresses, versions and prices are rejected before any parsing.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { regexDetector } from '../regex-detector.js';
import { contextBefore, digitsOf } from '../text.js';

const CANDIDATE =
  /(?<![\w+@/.:,\-$€£#=])(?:\+ ?|\b00)?(?:\( ?\d{1,5} ?\) ?\d{1,8}|\( ?\d{1,5} ?\)|\d{1,15})(?:[ \u00a0.\-]{1,3}(?:\(\d{1,5}\) ?\d{1,8}|\(\d{1,5}\)|\d{1,8})){0,7}(?![\w@]|[.\-:/,]\w)/g;

/**
 * Tried in order for numbers written without a country code. Parsing costs tens of microseconds, so
 * the list is the regions whose national formats are common in the traffic, not every region.
 */
export const DEFAULT_REGIONS: readonly CountryCode[] = [
  'US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'AU', 'IT', 'ES', 'NL', 'BE', 'CH', 'AT', 'SE', 'IE',
  'MX', 'ZA', 'NZ', 'CN', 'KR', 'TR',
];

const NANP = /^(?:1[ .\-]?)?(?:\( ?[2-9]\d{2} ?\)|[2-9]\d{2})[ .\-]?[2-9]\d{2}[ .\-]?\d{4}$/;
const DATE = /^(?:\d{4}[ .\-/]\d{1,2}[ .\-/]\d{1,2}|\d{1,2}[ .\-/]\d{1,2}[ .\-/]\d{2,4})$/;
/** Seven digits with at most a few separators between them: the least a phone number has. */
const SEVEN_DIGITS = /\d(?:[ ()\-.]{0,3}\d){6}/;
const SSN_SHAPE = /^\d{3}[ \-]\d{2}[ \-]\d{4}$/;
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const CONTEXT = /(?:phone|tel\b|tel[.:]|call|mobile|cell|fax|whatsapp|sms|contact|reach|ring|dial|number|nummer|telefon|t[ée]l[ée]phone|portable|handy|m[oó]vil|celular)/;

function hasSeparator(s: string): boolean {
  return /[ \u00a0.\-()]/.test(s);
}

function validInSomeRegion(raw: string): boolean {
  for (const region of DEFAULT_REGIONS) {
    const n = parsePhoneNumberFromString(raw, region);
    if (n !== undefined && n.isValid()) return true;
  }
  return false;
}

function acceptInternational(raw: string): boolean {
  const n = parsePhoneNumberFromString(raw);
  if (n === undefined || !n.isPossible()) return false;
  if (n.countryCallingCode === '1') return /^[2-9]\d{2}[2-9]\d{6}$/.test(n.nationalNumber);
  return true;
}

export function isPhoneCandidate(raw: string, text: string, start: number): boolean {
  const digits = digitsOf(raw);
  if (digits.length < 7 || digits.length > 15) return false;
  if (DATE.test(raw) || DOTTED_QUAD.test(raw)) return false;
  // AAA-GG-SSSS is the SSN layout; no numbering plan groups a local number that way
  if (SSN_SHAPE.test(raw)) return false;
  // ISBN-13 (978/979 prefix) and other hyphenated catalogue numbers
  if (digits.length === 13 && (digits.startsWith('978') || digits.startsWith('979'))) return false;
  const first = raw.charCodeAt(0);
  if (first === 43 /* + */) return acceptInternational(raw);
  // 00 is the ITU international call prefix; it must run straight into a country code
  if (raw.startsWith('00')) return /^00[1-9]/.test(raw) && digits.length >= 9 && acceptInternational('+' + raw.slice(2));
  // dots only as the separator of a NANP-shaped number; anything else with a dot is a version or an amount
  // (and the French/Belgian/Swiss habit of dotting pairs after a trunk 0: 06.12.34.56.78)
  if (raw.includes('.')) {
    if (/^\d{3}\.\d{3}\.\d{4}$/.test(raw)) return true;
    return /^0\d{1,3}(?:\.\d{2,3}){3,4}$/.test(raw) && validInSomeRegion(raw);
  }
  if (!hasSeparator(raw)) {
    return CONTEXT.test(contextBefore(text, start, 32)) && validInSomeRegion(raw);
  }
  if (NANP.test(raw)) return true;
  if (first === 40 /* ( */ || digits.startsWith('0')) return validInSomeRegion(raw);
  // Indian mobiles are commonly written without trunk prefix as 5+5 digits
  if (/^[6-9]\d{4}[ \-]\d{5}$/.test(raw)) return validInSomeRegion(raw);
  // a number split once (e.g. "555 0143 22") may be a local number when the text says so
  const separators = raw.length - digits.length;
  return separators === 1 && CONTEXT.test(contextBefore(text, start, 32)) && validInSomeRegion(raw);
}

export const phoneDetector = regexDetector({
  name: 'phone',
  entity: 'PHONE_NUMBER',
  pattern: CANDIDATE,
  mayMatch: (text) => SEVEN_DIGITS.test(text),
  validate: (m, text) => isPhoneCandidate(m[0], text, m.index),
});
