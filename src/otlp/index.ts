/**
 * The OTLP codecs (traces and logs): protobuf and JSON, decode and encode, plus the export response.
 * Decoders never throw on bad input; they return `{ ok: false, error }`, which the receiver maps to 400.
 */
import type { DecodeLimits, DecodeResult, Encoding } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import type { TracesData } from './model.js';
import { decodeLogsJson } from './decode-logs-json.js';
import { decodeLogsProtobuf, type LogsDecodeResult } from './decode-logs-protobuf.js';
import { encodeLogsJson } from './encode-logs-json.js';
import { encodeLogsProtobuf } from './encode-logs-protobuf.js';
import type { LogsData } from './logs-model.js';

export * from './codec.js';
export { decodeTracesJson } from './decode-json.js';
export { decodeTracesProtobuf } from './decode-protobuf.js';
export { encodeTracesJson } from './encode-json.js';
export { encodeTracesProtobuf } from './encode-protobuf.js';
export { decodeResponse, encodeResponse } from './response.js';
export { decodeLogsJson } from './decode-logs-json.js';
export { decodeLogsProtobuf, type LogsDecodeResult } from './decode-logs-protobuf.js';
export { encodeLogsJson } from './encode-logs-json.js';
export { encodeLogsProtobuf } from './encode-logs-protobuf.js';

export function decodeTraces(body: Uint8Array, encoding: Encoding, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  return encoding === 'json' ? decodeTracesJson(body, limits) : decodeTracesProtobuf(body, limits);
}

const utf8 = new TextEncoder();

export function encodeTraces(data: TracesData, encoding: Encoding): Uint8Array {
  return encoding === 'json' ? utf8.encode(encodeTracesJson(data)) : encodeTracesProtobuf(data);
}

export function decodeLogs(body: Uint8Array, encoding: Encoding, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): LogsDecodeResult {
  return encoding === 'json' ? decodeLogsJson(body, limits) : decodeLogsProtobuf(body, limits);
}

export function encodeLogs(data: LogsData, encoding: Encoding): Uint8Array {
  return encoding === 'json' ? utf8.encode(encodeLogsJson(data)) : encodeLogsProtobuf(data);
}
