/**
 * google.rpc.Status (google/rpc/status.proto), the body of an OTLP/HTTP failure response, in the
 * request's encoding: protobuf through otlp/rpc-status.ts (no details are sent; HTTP says when to
 * retry with Retry-After), and in JSON `{"code": n, "message": "..."}` (proto3 JSON mapping:
 * lowerCamelCase field names).
 */
import type { Encoding } from '../otlp/codec.js';
import { encodeRpcStatus } from '../otlp/rpc-status.js';

const utf8 = new TextEncoder();

export function encodeStatusProtobuf(code: number, message: string): Uint8Array {
  return encodeRpcStatus({ code, message });
}

export function encodeStatus(code: number, message: string, encoding: Encoding): Uint8Array {
  return encoding === 'protobuf' ? encodeStatusProtobuf(code, message) : utf8.encode(JSON.stringify({ code, message }));
}
