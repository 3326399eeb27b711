/**
 * DATE_OF_BIRTH. A date is personal data when the text says it is someone's birth date: "DOB",
 * "date of birth", "born on", "birthday", "geb.", "né le", "fecha de nacimiento" … within the clause
 * before it. Plain dates (deadlines, timestamps, release dates) are left alone. Dates are read in the
 * numeric layouts (ISO 8601, D/M/Y, M/D/Y with '/', '-', '.') and with month names (English, German,
 * French, Spanish, Italian, Portuguese), and must be calendar dates.
 */
import { regexDetector } from '../regex-detector.js';
import { contextBefore } from '../text.js';
import { BIRTH_WORDS } from './context-words.js';

const MONTH =
  '(?:jan(?:uary|vier|uar)?|feb(?:ruary|rero|ruar)?|f[ée]v(?:rier)?|mar(?:ch|s|zo|ço)?|m[äa]rz|apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may|mai|mayo|maggio|maio|jun(?:e|i|io|ho)?|juin|giugno|jul(?:y|i|io|ho)?|juil(?:let)?|luglio|aug(?:ust)?|ao[uû]t|ago(?:sto)?|sep(?:t|tember|tiembre|tembre)?|set(?:embro|tembre)?|oct(?:ober|obre|ubre)?|okt(?:ober)?|ott(?:obre)?|out(?:ubro)?|nov(?:ember|embre|iembre|embro)?|dec(?:ember)?|d[ée]c(?:embre)?|dez(?:ember|embro)?|dic(?:iembre|embre)?)\\.?';
const DATE = new RegExp(
  '(?<![\\w\\-./])(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.](?:\\d{4}|\\d{2})|' +
    `\\d{1,2}(?:st|nd|rd|th|\\.)?(?: of| de)? ${MONTH},? \\d{4}|${MONTH} \\d{1,2}(?:st|nd|rd|th)?,? \\d{4})(?![\\w\\-/]|\\.\\d)`,
  'gi',
);
const CONTEXT =
  /(?:\bdob\b|d\.o\.b|date of birth|birth ?date|birthday|\bborn\b|\bb\. |geburtsdatum|geboren|\bgeb\.|\bné(?:e)? le|date de naissance|fecha de nacimiento|nacid[oa]|data di nascita|nato il|nata il|data de nascimento|nascid[oa]|geboortedatum|födelsedatum|birth)/;
const HINT = /dob|d\.o\.b|birth|born|geb|naissance|nacimiento|nacid|nascita|nato|nata|nascimento|nascid|geboorte|födelse|né/i;

function calendarDate(s: string): boolean {
  const nums = s.match(/\d+/g);
  if (nums === null) return false;
  if (!/^\d/.test(s) || nums.length < 3) return true; // month-name layouts: the regex fixed the shape
  const [a, b, c] = nums.map(Number) as [number, number, number];
  if ((nums[0] as string).length === 4) return b >= 1 && b <= 12 && c >= 1 && c <= 31 && a >= 1880;
  const year = c < 100 ? c : c;
  if (c >= 100 && c < 1880) return false;
  // D/M/Y or M/D/Y: one reading must be a calendar date
  return year >= 0 && ((a >= 1 && a <= 31 && b >= 1 && b <= 12) || (a >= 1 && a <= 12 && b >= 1 && b <= 31));
}

export const dateOfBirthDetector = regexDetector({
  name: 'date_of_birth',
  entity: 'DATE_OF_BIRTH',
  pattern: DATE,
  mayMatch: (text) => HINT.test(text),
  prefixes: BIRTH_WORDS,
  validate(m, text) {
    if (!calendarDate(m[0])) return false;
    let before = contextBefore(text, m.index, 48);
    // the clause the date is in: a context word before another comma belongs to another value
    const cut = Math.max(before.lastIndexOf('. '), before.lastIndexOf('\n'), before.lastIndexOf(';'), before.lastIndexOf(','));
    if (cut >= 0) before = before.slice(cut + 1);
    return CONTEXT.test(before);
  },
});
