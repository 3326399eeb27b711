/**
 * google.rpc.Status (google/rpc/status.proto), the body of an OTLP/HTTP failure response:
 *   int32  code    = 1;
 *   string message = 2;
 *   repeated google.protobuf.Any details = 3;   (never sent)
 * In JSON it is `{"code": n, "message": "..."}` (proto3 JSON mapping: lowerCamelCase field names).
 */
import type { Encoding } from '../otlp/codec.js';

const utf8 = new TextEncoder();

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

/** Codes are non-negative gRPC codes, so the int32 varint never needs the 10-byte negative form. */
export function encodeStatusProtobuf(code: number, message: string): Uint8Array {
  const msg = utf8.encode(message);
  const size =
    (code !== 0 ? 1 + varintLength(code) : 0) + (msg.length > 0 ? 1 + varintLength(msg.length) + msg.length : 0);
  const out = new Uint8Array(size);
  let pos = 0;
  if (code !== 0) {
    out[pos++] = 0x08; // field 1, wire type 0 (varint)
    pos = writeVarint(out, pos, code);
  }
  if (msg.length > 0) {
    out[pos++] = 0x12; // field 2, wire type 2 (length-delimited)
    pos = writeVarint(out, pos, msg.length);
    out.set(msg, pos);
  }
  return out;
}

export function encodeStatus(code: number, message: string, encoding: Encoding): Uint8Array {
  return encoding === 'protobuf' ? encodeStatusProtobuf(code, message) : utf8.encode(JSON.stringify({ code, message }));
}
