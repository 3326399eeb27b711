/**
 * Request-body decompression (Content-Encoding gzip | deflate), one set of rules for both places it
 * runs: streamed by the receiver as the body is read (read-body.ts; the policy on the main thread), or
 * in one call by a policy worker on the raw bytes the receiver read (gateway/policy-worker.ts), so the
 * main thread only moves bytes (issue #10) and never holds the loop inflating an attacker's body
 * (issue #13). Either way the output is bounded by the same limit: a gzip bomb stops there.
 */
import type { Transform } from 'node:stream';
import { createGunzip, createInflate, createInflateRaw, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { ContentCoding } from './content-type.js';

export type Coding = Exclude<ContentCoding, 'identity'>;

/**
 * RFC 1950 §2.2: a zlib stream starts with CMF (low nibble 8 = deflate, high nibble window ≤ 7) and
 * FLG such that CMF·256 + FLG is a multiple of 31. Many clients send raw RFC 1951 deflate under
 * `Content-Encoding: deflate` anyway, so the first two bytes decide which decoder to use.
 */
export function looksLikeZlib(first: Uint8Array): boolean {
  if (first.length < 2) return false;
  const cmf = first[0]!;
  const flg = first[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (cmf * 256 + flg) % 31 === 0;
}

/** A streaming decompressor for `coding`, chosen from the body's first bytes. */
export function decompressor(coding: Coding, first: Uint8Array): Transform {
  if (coding === 'gzip') return createGunzip();
  return looksLikeZlib(first) ? createInflate() : createInflateRaw();
}

export function bodyTooLargeMessage(limitBytes: number): string {
  return `request body exceeds the limit of ${limitBytes} bytes (measured after decompression)`;
}

/** zlib's message names the defect ("incorrect header check", "unexpected end of file"). */
export function badEncodingMessage(coding: Coding, err: Error): string {
  return `body is not valid ${coding} data: ${err.message}`;
}

export const emptyBodyMessage = (coding: Coding): string => `empty body is not valid ${coding} data`;

export type InflateResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' } | { ok: false; reason: 'bad_encoding'; message: string };

/**
 * Decompresses a whole body in this thread, never past `limitBytes` of output (zlib's
 * maxOutputLength stops it there: a 1 GiB bomb costs the limit, not a gigabyte).
 */
export function inflateBounded(body: Uint8Array, coding: Coding, limitBytes: number): InflateResult {
  if (body.byteLength === 0) return { ok: false, reason: 'bad_encoding', message: emptyBodyMessage(coding) };
  const options = { maxOutputLength: Math.max(1, limitBytes) };
  try {
    const out = coding === 'gzip' ? gunzipSync(body, options) : looksLikeZlib(body) ? inflateSync(body, options) : inflateRawSync(body, options);
    if (out.byteLength > limitBytes) return { ok: false, reason: 'too_large' };
    return { ok: true, bytes: out };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, reason: 'too_large' };
    if (typeof code === 'string' && code.startsWith('Z_')) return { ok: false, reason: 'bad_encoding', message: badEncodingMessage(coding, err as Error) };
    throw err;
  }
}
