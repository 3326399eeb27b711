/**
 * US_SSN. AAA-GG-SSSS written with dashes or spaces; never issued: area 000, 666 or 900–999, group
 * 00, serial 0000 (SSA numbering rules), nor the numbers published as examples (078-05-1120 from the
 * Woolworth wallet card, 219-09-9999 from an SSA pamphlet, 123-45-6789). The unformatted nine-digit
 * form is accepted only after a context word such as "SSN" or "social security".
 */
import { regexDetector } from '../regex-detector.js';
import { contextBefore } from '../text.js';

const SSN = /(?<![\w\-.])(?:\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}|\d{9})(?![\w\-]|[ .]\d)/g;
const NINE_DIGITS = /\d{3}[ \-]?\d{2}[ \-]?\d{4}/;
const KNOWN_EXAMPLES = new Set(['078051120', '219099999', '123456789']);
const CONTEXT = /(?:ssn|social security|social sec|soc\.? ?sec|sozialversicherung|tax ?id|tin\b)/;

export function ssnValid(digits: string): boolean {
  const area = Number(digits.slice(0, 3));
  const group = digits.slice(3, 5);
  const serial = digits.slice(5);
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !KNOWN_EXAMPLES.has(digits);
}

export const ssnDetector = regexDetector({
  name: 'us_ssn',
  entity: 'US_SSN',
  pattern: SSN,
  mayMatch: (text) => NINE_DIGITS.test(text),
  triggered: (t) => t.tightDigits >= 9,
  validate(m, text) {
    const raw = m[0];
    const digits = raw.length === 9 ? raw : raw.slice(0, 3) + raw.slice(4, 6) + raw.slice(7);
    if (!ssnValid(digits)) return false;
    return raw.length !== 9 || CONTEXT.test(contextBefore(text, m.index, 40));
  },
});
