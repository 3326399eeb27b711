/**
 * PRIVATE_KEY. PEM blocks (RFC 7468) whose label ends in "PRIVATE KEY": PKCS#1 RSA, SEC1 EC, PKCS#8
 * (plain and ENCRYPTED), OpenSSH, DSA, PGP "PRIVATE KEY BLOCK". The whole block is the finding. The
 * body may hold real newlines or JSON-escaped "\n" (the scanner decodes escapes before detectors run).
 * A pasted key cut off before its END line is still taken up to where its base64 body stops.
 *
 * What it matches is the regex
 *   -----BEGIN LABEL-----(?:[body]{0,16000}?-----END LABEL-----|[base64]{0,16000})
 * but found in code: run as one regex, every BEGIN line searched up to 16 000 characters ahead for its
 * END line, so a text of repeated BEGIN lines cost 16 000 steps per line (about a second per MB). Here
 * the next END line and the next character that cannot be in a body are each found once and reused
 * by every BEGIN line before them, so the work is linear with a small constant whatever the text.
 */
import type { Finding } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';

const LABEL = '[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?';
const HEADER = new RegExp(`-----BEGIN ${LABEL}-----`, 'g');
const FOOTER = new RegExp(`-----END ${LABEL}-----`, 'y');
const MAX_BODY = 16_000;

/** `\s` of a JS regex. */
function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** [A-Za-z0-9+/=\s\\]: a base64 body, its line breaks, and backslashes of raw escapes. */
function isBase64Body(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61 || c === 92 || isSpace(c);
}

/** [A-Za-z0-9+/=\s:,\-.\\]: the above plus the header lines of encrypted keys (`Proc-Type: 4,ENCRYPTED`). */
function isBody(c: number): boolean {
  return isBase64Body(c) || c === 58 || c === 44 || c === 45 || c === 46;
}

/**
 * The first position at or after a query where `test` says stop, for queries that only move forward:
 * an answer stays right for every later query up to it, so each character is looked at once per scan.
 */
class NextStop {
  private from = 0;
  private at = -2; // -2: nothing computed yet; -1: none from `from` on
  constructor(
    private readonly text: string,
    private readonly find: (text: string, from: number) => number,
  ) {}

  query(q: number): number {
    if (this.at === -2 || q < this.from || (this.at !== -1 && this.at < q)) {
      this.from = q;
      this.at = this.find(this.text, q);
    }
    return this.at;
  }
}

function firstNot(test: (c: number) => boolean): (text: string, from: number) => number {
  return (text, from) => {
    for (let i = from; i < text.length; i++) if (!test(text.charCodeAt(i))) return i;
    return -1;
  };
}

/** The next END line (its footer matches) at or after `from`. */
function nextFooter(text: string, from: number): number {
  for (let e = text.indexOf('-----END ', from); e >= 0; e = text.indexOf('-----END ', e + 1)) {
    FOOTER.lastIndex = e;
    if (FOOTER.test(text)) return e;
  }
  return -1;
}

const bodyStop = firstNot(isBody);
const base64Stop = firstNot(isBase64Body);

export const privateKeyDetector: BuiltinDetector = {
  name: 'private_key',
  entity: 'PRIVATE_KEY',
  patterns: [HEADER, FOOTER],
  mayMatch: (text) => text.includes('PRIVATE KEY'),
  prefixes: ['PRIVATE KEY'],
  scansEncoded: true,
  find(text: string, out: Finding[]): void {
    const footers = new NextStop(text, nextFooter);
    const bodies = new NextStop(text, bodyStop);
    const base64 = new NextStop(text, base64Stop);
    HEADER.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = HEADER.exec(text)) !== null) {
      const start = m.index;
      const bodyStart = start + m[0].length;
      let end: number;
      const e = footers.query(bodyStart);
      const bad = bodies.query(bodyStart);
      if (e >= 0 && e - bodyStart <= MAX_BODY && (bad === -1 || bad >= e)) {
        FOOTER.lastIndex = e;
        FOOTER.test(text);
        end = FOOTER.lastIndex;
      } else {
        const stop = base64.query(bodyStart);
        end = Math.min(stop === -1 ? text.length : stop, bodyStart + MAX_BODY);
      }
      out.push({ entity: 'PRIVATE_KEY', start, end, detector: 'private_key' });
      HEADER.lastIndex = end;
    }
  },
};
