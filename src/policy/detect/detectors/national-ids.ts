/**
 * Identity and bank numbers of Presidio's entity set that are digit runs: most of them are only
 * recognisable by the words around them, so each is context-gated (a word that names it within the
 * clause before it), and validated where the number has a check digit or a reserved range:
 *
 * - UK_NHS: 10 digits (3-3-4), NHS modulus-11 check digit (NHS Data Dictionary); written grouped, or
 *   with a context word when solid;
 * - ABA_ROUTING_NUMBER: 9 digits, ABA checksum 3-7-1 (mod 10) and a Federal Reserve prefix (00–12,
 *   21–32, 61–72, 80); the 4-4-1 grouping or a context word;
 * - US_ITIN: 9XX-NN-XXXX with NN in the IRS ranges 50–65, 70–88, 90–92, 94–99; grouped, or solid with a
 *   context word;
 * - US_PASSPORT: 9 digits (book) or a letter and 8 digits (next generation), with a context word;
 * - US_DRIVER_LICENSE: the state layouts (letters and digits, or 7–14 digits), with a context word;
 * - US_BANK_NUMBER: 8–17 digits with a context word (account, checking, savings …);
 * - US_SSN (here only the forms the SSN detector leaves): `078-051121`, `07805-1121`, dotted
 *   `078.05.1121`, with a context word and the SSA rules.
 */
import { regexDetector } from '../regex-detector.js';
import { allSame, contextBefore, digitsOf } from '../text.js';
import { ssnValid } from './ssn.js';
import { BANK_WORDS, LICENSE_WORDS, PASSPORT_WORDS, SSN_WORDS } from './context-words.js';

/** True when a context word occurs in the clause before `start` (not across a full stop or a line break). */
function context(text: string, start: number, re: RegExp, width = 48): boolean {
  // "no. 123", "nr. 123": an abbreviation, not the end of a sentence
  let before = contextBefore(text, start, width).replace(/\b(no|nr|num|acct)\. /g, '$1  ');
  const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf('\n'), before.lastIndexOf(';'));
  if (cut >= 0) before = before.slice(cut + 1);
  return re.test(before);
}

// --- UK_NHS -----------------------------------------------------------------------------------------

const NHS = /(?<![\w\-.+/])\d{3}([ \-]?)\d{3}\1\d{4}(?![\w\-]|[.,]\d)/g;
const NHS_CONTEXT = /\b(?:nhs|national health|health service|health authority|patient|chi number|hospital number|medical record|gp)\b/;

export function nhsValid(digits: string): boolean {
  if (digits.length !== 10 || allSame(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digits.charCodeAt(9) - 48;
}

export const ukNhsDetector = regexDetector({
  name: 'uk_nhs',
  entity: 'UK_NHS',
  pattern: NHS,
  mayMatch: (text) => /\d{3}[ \-]?\d{3}[ \-]?\d{4}/.test(text),
  // named, or grouped: a solid ten-digit run needs the context word
  triggered: (t) => t.tightDigits >= 10,
  validate(m, text) {
    const digits = digitsOf(m[0]);
    if (!nhsValid(digits)) return false;
    // named, or grouped 3-3-4 in a way no NANP phone number is (those are redacted as phone numbers anyway)
    return context(text, m.index, NHS_CONTEXT, 64) || (m[1] !== '' && !/^[2-9]\d{2}[ \-][2-9]/.test(m[0]));
  },
});

// --- ABA_ROUTING_NUMBER -----------------------------------------------------------------------------

const ABA = /(?<![\w\-.+/])(?:\d{4}-\d{4}-\d|\d{9})(?![\w\-]|[.,]\d)/g;
const ABA_CONTEXT = /\b(?:aba|routing|rtn|transit|bank routing|abarouting|routing number|routing no|sort code)\b/;

export function abaValid(digits: string): boolean {
  if (digits.length !== 9 || allSame(digits)) return false;
  const p = Number(digits.slice(0, 2));
  if (!((p >= 0 && p <= 12) || (p >= 21 && p <= 32) || (p >= 61 && p <= 72) || p === 80)) return false;
  const d = (i: number): number => digits.charCodeAt(i) - 48;
  return (3 * (d(0) + d(3) + d(6)) + 7 * (d(1) + d(4) + d(7)) + (d(2) + d(5) + d(8))) % 10 === 0;
}

export const abaRoutingDetector = regexDetector({
  name: 'aba_routing',
  entity: 'ABA_ROUTING_NUMBER',
  pattern: ABA,
  mayMatch: (text) => /\d{4}-?\d{4}-?\d/.test(text),
  triggered: (t) => t.tightDigits >= 9,
  validate: (m, text) => abaValid(digitsOf(m[0])) && (m[0].includes('-') || context(text, m.index, ABA_CONTEXT)),
});

// --- US_ITIN ----------------------------------------------------------------------------------------

const ITIN = /(?<![\w\-.+/])9\d{2}([ \-]?)(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])\1\d{4}(?![\w\-]|[.,]\d)/g;
const ITIN_CONTEXT = /\b(?:itin|individual taxpayer|taxpayer|tax id|tax identification|tin|tax payer|irs)\b/;

export const usItinDetector = regexDetector({
  name: 'us_itin',
  entity: 'US_ITIN',
  pattern: ITIN,
  mayMatch: (text) => text.includes('9'),
  triggered: (t) => t.tightDigits >= 9,
  validate: (m, text) => m[1] !== '' || context(text, m.index, ITIN_CONTEXT),
});

// --- context-gated numbers --------------------------------------------------------------------------

const PASSPORT = /(?<![\w\-.+/])(?:[A-Z]\d{8}|\d{9})(?![\w\-]|[.,]\d)/g;
const PASSPORT_CONTEXT = /\b(?:passport|passport no|passport number|travel document|pasaporte|passeport|reisepass)\b/;

export const usPassportDetector = regexDetector({
  name: 'us_passport',
  entity: 'US_PASSPORT',
  pattern: PASSPORT,
  mayMatch: (text) => PASSPORT_WORDS.some((w) => text.includes(w)),
  prefixes: PASSPORT_WORDS,
  validate: (m, text) => !allSame(digitsOf(m[0])) && context(text, m.index, PASSPORT_CONTEXT),
});

/** State licence layouts (AAMVA): letters then digits, digits then letters, or 7–14 digits (the common ones). */
const LICENSE =
  /(?<![\w\-.+/])(?:[A-Z]{1,2}\d{3,14}|[A-Z]\d{3}[ \-]?\d{3}[ \-]?\d{3}[ \-]?\d{3}|\d{2}[A-Z]{3}\d{5}|\d{3}[A-Z]{2}\d{4}|[A-Z]\d{2}-\d{2}-\d{4}|[A-Z]{3}\*\*[A-Z]{2}\d{3}[A-Z]\d|\d{7,14}|\d{3}-\d{3}-\d{3})(?![\w\-]|[.,]\d)/g;
const LICENSE_CONTEXT = /\b(?:driver'?s? licen[cs]e|driving licen[cs]e|drivers? lic|license number|licence number|licen[cs]e no|dl ?(?:no|number|#)?|dln|cdl|driver id|permit number|driver licen[cs]e)\b|\bdl\b|licen[cs]e[: #]/;

export const usDriverLicenseDetector = regexDetector({
  name: 'us_driver_license',
  entity: 'US_DRIVER_LICENSE',
  pattern: LICENSE,
  mayMatch: (text) => LICENSE_WORDS.some((w) => text.includes(w)),
  prefixes: LICENSE_WORDS,
  validate: (m, text) => !allSame(digitsOf(m[0])) && /\d/.test(m[0]) && context(text, m.index, LICENSE_CONTEXT),
});

const BANK = /(?<![\w\-.+/])\d{8,17}(?![\w\-]|[.,]\d)/g;
const BANK_CONTEXT = /\b(?:bank account|account number|account no|acct|account #|checking|savings|saving account|deposit account|bank acc|a\/c|iban|debit account|beneficiary account|account)\b/;

export const usBankNumberDetector = regexDetector({
  name: 'us_bank_number',
  entity: 'US_BANK_NUMBER',
  pattern: BANK,
  mayMatch: (text) => BANK_WORDS.some((w) => text.includes(w)),
  prefixes: BANK_WORDS,
  validate: (m, text) => !allSame(m[0]) && context(text, m.index, BANK_CONTEXT, 40) && !/\b(?:order|invoice|ticket|tracking|customer id|reference|ref)\b/.test(contextBefore(text, m.index, 24)),
});

// --- SSN forms with a context word ------------------------------------------------------------------

const SSN_ODD = /(?<![\w\-.+/])(?:\d{3}-\d{6}|\d{5}-\d{4}|\d{3}\.\d{2}\.\d{4}|\d{3} \d{6})(?![\w\-]|[.,]\d)/g;
const SSN_CONTEXT = /(?:ssn|social security|social sec|soc\.? ?sec|ss#|ss number)/;

export const ssnContextDetector = regexDetector({
  name: 'us_ssn_context',
  entity: 'US_SSN',
  pattern: SSN_ODD,
  mayMatch: (text) => SSN_WORDS.some((w) => text.includes(w)),
  prefixes: SSN_WORDS,
  validate: (m, text) => ssnValid(digitsOf(m[0])) && context(text, m.index, SSN_CONTEXT),
});

