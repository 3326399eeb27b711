/**
 * EMAIL_ADDRESS. RFC 5322 "dot-atom" local parts (plus tags, dots, the printable specials people
 * actually use) and DNS host names whose last label is an alphabetic TLD of 2–24 letters.
 *
 * Anchored on '@': each '@' is visited once, the local part is read leftwards with a bounded loop
 * and the domain is matched rightwards with a sticky regex, so the work per '@' is bounded and the
 * scan is linear however many '@' or dots the text holds.
 */
import type { Finding } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';
import { isAlnumCode } from '../text.js';

/** Host names, internationalised ones too (RFC 5890: `bücher.de`, `例子.广告`, `xn--mller-kva.de`). */
const DOMAIN = /(?:[\p{L}\p{M}\p{N}-]{1,63}\.){1,8}(?:[\p{L}\p{M}]{2,24}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{M}\p{N}-]|\.[\p{L}\p{N}])/uy;
const MAX_LOCAL = 64;

/** `logo@2x.png`, `icon@3x.webp`: asset names, not addresses. */
const RETINA_ASSET = /^\d(?:\.\d)?x\./;
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'css', 'js', 'ts', 'json', 'ico']);

/** dot-atom characters other than '.' (RFC 5322 atext, minus the rarely used {|}~`^ and '/', '='). */
function isAtext(c: number): boolean {
  if (c >= 0xc0) return UNICODE_LETTER.test(String.fromCharCode(c)); // RFC 6531 local parts (EAI)
  return isAlnumCode(c) || c === 95 || c === 37 || c === 43 || c === 45 || c === 39 || c === 33 || c === 35 || c === 36 || c === 38 || c === 42;
}

const UNICODE_LETTER = /^[\p{L}\p{M}\p{N}]$/u;

/** Start of the local part ending at `at` (exclusive), or -1 when there is no valid one. */
function localStart(text: string, at: number): number {
  let i = at - 1;
  if (i < 0 || !isAtext(text.charCodeAt(i))) return -1; // empty, or ends with '.'
  while (i >= 0 && at - i <= MAX_LOCAL) {
    const c = text.charCodeAt(i);
    if (isAtext(c)) i--;
    else if (c === 46 && i > 0 && isAtext(text.charCodeAt(i - 1))) i--; // single dots between atoms
    else break;
  }
  let start: number;
  if (at - i > MAX_LOCAL) {
    // A run longer than any local part (RFC 5321 §4.5.3.1.1: 64 octets) is glued to text before the
    // address (`aaa…'jane.doe@`): the address starts after the first quote-like special of the
    // last 64 characters, or at the 64th character before the '@'. Redacting a few characters too
    // many is safe; leaving the address whole because of what precedes it is not.
    start = at - MAX_LOCAL;
    for (let k = start; k < at - 1; k++) {
      const c = text.charCodeAt(k);
      if (c === 39 || c === 33) {
        start = k + 1;
        break;
      }
    }
  } else {
    const prev = text.charCodeAt(i);
    // the local part must not be cut out of a longer token ("a..b@", "x.@")
    if (i >= 0 && prev === 46) return -1;
    start = i + 1;
  }
  // leading quote-like specials belong to the surrounding text, not the address
  while (start < at && (text.charCodeAt(start) === 39 || text.charCodeAt(start) === 33)) start++;
  return start < at ? start : -1;
}

/**
 * `scheme://user:password@host`: the password before '@' is URL userinfo (RFC 3986 §3.2.1), which
 * URL_CREDENTIALS reports, not an e-mail address. Read back at most the userinfo and scheme lengths
 * URL_CREDENTIALS accepts, so the check is bounded per '@'.
 */
function inUrlUserinfo(text: string, start: number): boolean {
  if (text.charCodeAt(start - 1) !== 58) return false; // ':'
  const floor = Math.max(0, start - 1 - 160);
  for (let i = start - 2; i >= floor; i--) {
    const c = text.charCodeAt(i);
    if (c === 47) return i >= 2 && text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58; // '://'
    if (c <= 32 || c === 64 || c === 34 || c === 39 || c === 60 || c === 62) return false;
  }
  return false;
}

function domainOk(domain: string): boolean {
  if (RETINA_ASSET.test(domain)) return false;
  // no label may start or end with '-' (RFC 1035 §2.3.1)
  const last = domain.length - 1;
  for (let i = domain.indexOf('-'); i >= 0; i = domain.indexOf('-', i + 1)) {
    if (i === 0 || i === last || domain.charCodeAt(i - 1) === 46 || domain.charCodeAt(i + 1) === 46) return false;
  }
  return !FILE_EXTENSIONS.has(domain.slice(domain.lastIndexOf('.') + 1).toLowerCase());
}

export const emailDetector: BuiltinDetector = {
  name: 'email',
  entity: 'EMAIL_ADDRESS',
  patterns: [DOMAIN],
  mayMatch: (text) => text.includes('@'),
  triggered: (t) => t.at > 0,
  find(text: string, out: Finding[]): void {
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      const start = localStart(text, at);
      if (start < 0 || inUrlUserinfo(text, start)) continue;
      DOMAIN.lastIndex = at + 1;
      const m = DOMAIN.exec(text);
      if (m === null || !domainOk(m[0])) continue;
      out.push({ entity: 'EMAIL_ADDRESS', start, end: at + 1 + m[0].length, detector: 'email' });
      at += m[0].length;
    }
  },
};
