/**
 * CRYPTO: Bitcoin addresses, validated by their checksum:
 * - legacy P2PKH (`1…`) and P2SH (`3…`): Base58Check, 25 bytes whose last 4 are the first 4 of the
 *   double SHA-256 of the first 21 (Bitcoin wiki "Base58Check encoding"); version byte 0x00 or 0x05;
 * - SegWit and Taproot (`bc1…`): Bech32 (BIP 173) for witness v0 and Bech32m (BIP 350) for v1+, with
 *   the 6-character checksum over the human-readable part "bc".
 */
import { createHash } from 'node:crypto';
import { regexDetector } from '../regex-detector.js';

const ADDRESS = /(?<![A-Za-z0-9])(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87})(?![A-Za-z0-9])/g;

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58 = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE58.length; i++) B58[BASE58.charCodeAt(i)] = i;

/** Decodes base58 into bytes (big-endian), or undefined on a character outside the alphabet. */
function base58(s: string): Uint8Array | undefined {
  const bytes: number[] = [0];
  for (let i = 0; i < s.length; i++) {
    const v = B58[s.charCodeAt(i)] ?? -1;
    if (v < 0) return undefined;
    let carry = v;
    for (let j = 0; j < bytes.length; j++) {
      carry += (bytes[j] as number) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (let i = 0; i < s.length && s[i] === '1'; i++) bytes.push(0); // leading '1's are zero bytes
  return Uint8Array.from(bytes.reverse());
}

export function base58CheckValid(address: string): boolean {
  const raw = base58(address);
  if (raw === undefined || raw.length !== 25 || (raw[0] !== 0x00 && raw[0] !== 0x05)) return false;
  const payload = raw.subarray(0, 21);
  const hash = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  for (let i = 0; i < 4; i++) if (hash[i] !== raw[21 + i]) return false;
  return true;
}

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if (((top >>> i) & 1) === 1) chk ^= GEN[i] as number;
  }
  return chk >>> 0;
}

/** BIP 173 / BIP 350: "bc1" + data with a valid Bech32 (v0) or Bech32m (v1–16) checksum. */
export function bech32Valid(address: string): boolean {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false; // mixed case is invalid
  const a = address.toLowerCase();
  if (a.length < 14 || a.length > 90) return false;
  const data: number[] = [];
  for (let i = 3; i < a.length; i++) {
    const v = CHARSET.indexOf(a[i] as string);
    if (v < 0) return false;
    data.push(v);
  }
  const hrp = [3, 3, 0, 2, 3]; // "bc" expanded: high bits, 0, low bits
  const check = polymod([...hrp, ...data]);
  const version = data[0] ?? -1;
  if (version === 0) return check === 1 && (a.length === 42 || a.length === 62);
  return version >= 1 && version <= 16 && check === 0x2bc830a3;
}

export const cryptoDetector = regexDetector({
  name: 'crypto',
  entity: 'CRYPTO',
  pattern: ADDRESS,
  mayMatch: (text) => text.length >= 26,
  triggered: (t) => t.base64Run >= 26, // legacy addresses are 26–35 characters, SegWit ones 42 or 62
  validate: (m) => (m[0][0] === 'b' || m[0][0] === 'B' ? bech32Valid(m[0]) : base58CheckValid(m[0])),
});
