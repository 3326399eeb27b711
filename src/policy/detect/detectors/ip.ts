/**
 * IP_ADDRESS. IPv4 dotted quads with octets 0–255 written without leading zeros (so `01.02.03.04`
 * is not read as octal-ambiguous), not inside a longer dotted sequence (`1.2.3.4.5`) and not a
 * version after `v`/`version`. IPv6 in every RF 4291/5952 text form: full, compressed `::`, with an
 * embedded IPv4 tail, with a zone id (`%eth0`), and the loopback `::1`; candidates are confirmed by
 * node:net isIP.
 */
import { isIP } from 'node:net';
import type { Finding } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';
import { regexDetector } from '../regex-detector.js';
import { contextBefore } from '../text.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.\\-:])(?:${OCTET}\\.){3}${OCTET}(?![\\w\\-]|\\.\\d)`, 'g');
const VERSION_CONTEXT = /(?:\bv|version|ver\.?|release|build|firmware|fw)\s?[:=]?\s?$/;

export const ipv4Detector = regexDetector({
  name: 'ipv4',
  entity: 'IP_ADDRESS',
  pattern: IPV4,
  mayMatch: (text) => text.includes('.'),
  triggered: (t) => t.dot >= 3,
  validate: (m, text) => !VERSION_CONTEXT.test(contextBefore(text, m.index, 12)),
});

/** Hex groups and colons, an optional dotted IPv4 tail, an optional zone id. */
const IPV6 =
  /(?<![\w:.%])(?:[0-9A-Fa-f]{1,4}:|:){1,8}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%[0-9A-Za-z_.\-]{1,32})?(?![\w:]|\.\w)/g;

/** Words that say an address follows: `::` alone is an address only then. */
const IP_CONTEXT = /(?:\bip(?:v6)?\b|address|addr\b|bind|listen|host|gateway|route|subnet|prefix|peer)[ :=]*$/;

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === ch) n++;
  return n;
}

/** `::1` in any of its text forms: every group zero except a last group of one. */
function isLoopback(addr: string): boolean {
  const last = addr.lastIndexOf(':');
  if (!/^0{0,3}1$/.test(addr.slice(last + 1))) return false;
  for (let i = 0; i < last; i++) {
    const c = addr.charCodeAt(i);
    if (c !== 48 && c !== 58) return false; // only '0' and ':' before the last group
  }
  return true;
}

export const ipv6Detector: BuiltinDetector = {
  name: 'ipv6',
  entity: 'IP_ADDRESS',
  patterns: [IPV6],
  mayMatch: (text) => text.includes(':'),
  // an IPv6 address is compressed (`::`) or spells out its groups: eight, or six before an IPv4
  // tail, so six or more colons between hex digits (RFC 4291 §2.2)
  triggered: (t) => t.doubleColons > 0 || t.hexColons >= 6,
  find(text: string, out: Finding[]): void {
    IPV6.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = IPV6.exec(text)) !== null) {
      let s = m[0];
      const pct = s.indexOf('%');
      const addr = pct >= 0 ? s.slice(0, pct) : s;
      // `a::b` code tokens are not addresses: require two groups and a group of 3+ hex digits; the
      // loopback address (`::1`, `0:0:0:0:0:0:0:1`, RFC 4291 §2.5.3) is one however it is written
      if (countChar(addr, ':') < 2) continue;
      if (!isLoopback(addr)) {
        const groups = addr.split(':').filter((g) => g.length > 0);
        // `a::b` and `Foo::Bar::1` are code; an address has three groups, a group of 3+ hex digits or an
        // IPv4 tail (`64:ff9b::192.0.2.33`, `fe80::`, `2001:db8::`) — or the text calls it one (`::`, `1::`)
        const shaped = groups.length >= 3 || groups.some((g) => g.length >= 3) || addr.includes('.');
        if (!shaped && !IP_CONTEXT.test(contextBefore(text, m.index, 32))) continue;
        if (groups.length === 0 && !IP_CONTEXT.test(contextBefore(text, m.index, 32))) continue;
      }
      if (isIP(addr) !== 6) continue;
      if (pct >= 0 && isIP(s) !== 6) s = addr;
      out.push({ entity: 'IP_ADDRESS', start: m.index, end: m.index + s.length, detector: 'ipv6' });
    }
  },
};
