/**
 * EMAIL_ADDRESS. RFC 5322 "dot-atom" local parts (plus tags, dots, the printable specials people
 * actually use) and DNS host names whose last label is an alphabetic TLD of 2–24 letters. The
 * lookbehind stops a match from starting mid-token, which also keeps global scanning linear.
 */
import { regexDetector } from '../regex-detector.js';

const EMAIL =
  /(?<![A-Za-z0-9._%+\-'])[A-Za-z0-9_%+\-'](?:[A-Za-z0-9_%+\-']|\.(?!\.)){0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;

/** `logo@2x.png`, `icon@3x.webp`: asset names, not addresses. */
const RETINA_ASSET = /@\d(?:\.\d)?x\./;
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'css', 'js', 'ts', 'json', 'ico']);

export const emailDetector = regexDetector({
  name: 'email',
  entity: 'EMAIL_ADDRESS',
  pattern: EMAIL,
  mayMatch: (text) => text.includes('@'),
  validate(m) {
    const s = m[0];
    if (s.charCodeAt(s.indexOf('@') - 1) === 46) return false; // local part ends with '.'
    if (RETINA_ASSET.test(s)) return false;
    const tld = s.slice(s.lastIndexOf('.') + 1).toLowerCase();
    return !FILE_EXTENSIONS.has(tld);
  },
});
