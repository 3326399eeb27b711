/**
 * Hex conversion for trace and span ids, by lookup table: ids are converted for every span on the hot
 * path, in both directions, so no per-byte parsing or `toString(16)` padding.
 */

/** BYTE_TO_HEX[b] is the two lowercase hex digits of byte b. */
const BYTE_TO_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_TO_HEX.push(i.toString(16).padStart(2, '0'));

/** NIBBLE[charCode] is the value of a hex digit, or 0xff when the char is not one (either case). */
const NIBBLE = new Uint8Array(128).fill(0xff);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[0x61 + i] = 10 + i;
  NIBBLE[0x41 + i] = 10 + i;
}

/** Lowercase hex of buf[start, end). */
export function bytesToHex(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += BYTE_TO_HEX[buf[i]!]!;
  return s;
}

/** Value of the hex digit at hex[i], or 0xff when it is not a hex digit. */
function nibbleAt(hex: string, i: number): number {
  const c = hex.charCodeAt(i);
  return c < 128 ? NIBBLE[c]! : 0xff;
}

/**
 * True when `hex` is an even-length string of hex digits (either case). Empty is valid here; callers
 * decide which lengths a field allows.
 */
export function isHex(hex: string): boolean {
  if ((hex.length & 1) !== 0) return false;
  for (let i = 0; i < hex.length; i++) if (nibbleAt(hex, i) === 0xff) return false;
  return true;
}

/**
 * Canonical (lowercase) form of a hex id that already passed `isHex`: returns the same string when it
 * is already lowercase, which is the usual case, so nothing is allocated.
 */
export function canonicalHex(hex: string): string {
  for (let i = 0; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    if (c >= 0x41 && c <= 0x46) return hex.toLowerCase();
  }
  return hex;
}

/**
 * Writes the bytes of `hex` into out at pos; returns the number of bytes written (hex.length / 2).
 * Throws on a malformed id: the model's ids come from the decoders (always valid) or from code that
 * must produce valid ids, so a bad one here is a programming error, not bad input.
 */
export function writeHex(hex: string, out: Uint8Array, pos: number): number {
  const n = hex.length >>> 1;
  if ((hex.length & 1) !== 0) throw new TypeError(`invalid hex id: odd length ${hex.length}`);
  for (let i = 0; i < n; i++) {
    const hi = nibbleAt(hex, 2 * i);
    const lo = nibbleAt(hex, 2 * i + 1);
    if (hi === 0xff || lo === 0xff) throw new TypeError('invalid hex id: not a hex digit');
    out[pos + i] = (hi << 4) | lo;
  }
  return n;
}

/** Bytes of a valid hex string (used for base64 conversions in tests and tools, not the hot path). */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  writeHex(hex, out, 0);
  return out;
}
