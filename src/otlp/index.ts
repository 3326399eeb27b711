/**
 * The OTLP codecs of the three signals: protobuf and JSON, decode and encode, plus the export response.
 * Per-signal dispatch is signal.ts's CODECS table; decodeTraces/encodeTraces are its trace entries' shorthand.
 * Decoders never throw on bad input; they return `{ ok: false, error }`, which the receiver maps to 400.
 */
import type { DecodeLimits, DecodeResult, Encoding } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import type { TracesData } from './model.js';
import type { DecodeBudget } from './limits.js';

export * from './codec.js';
export { DecodeBudget, DECODED_COST, DEFAULT_MAX_DECODED_BYTES, DECODED_BYTES_PER_BODY_BYTE, type BudgetGrant, type BudgetRefusal } from './limits.js';
export { decodeTracesJson } from './decode-json.js';
export { decodeTracesProtobuf } from './decode-protobuf.js';
export { encodeTracesJson } from './encode-json.js';
export { encodeTracesProtobuf } from './encode-protobuf.js';
export { decodeResponse, encodeResponse } from './response.js';
export { decodeLogsJson } from './decode-logs-json.js';
export { decodeLogsProtobuf, type LogsDecodeResult } from './decode-logs-protobuf.js';
export { encodeLogsJson } from './encode-logs-json.js';
export { encodeLogsProtobuf } from './encode-logs-protobuf.js';
export { decodeMetricsJson } from './decode-metrics-json.js';
export { decodeMetricsProtobuf, type MetricsDecodeResult } from './decode-metrics-protobuf.js';
export { encodeMetricsJson } from './encode-metrics-json.js';
export { encodeMetricsProtobuf } from './encode-metrics-protobuf.js';
export * from './signal.js';

/** `budget`: what the decoded model may cost (limits.ts); default one of `limits.maxDecodedBytes`. */
export function decodeTraces(body: Uint8Array, encoding: Encoding, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): DecodeResult {
  return encoding === 'json' ? decodeTracesJson(body, limits, budget) : decodeTracesProtobuf(body, limits, budget);
}

const utf8 = new TextEncoder();

export function encodeTraces(data: TracesData, encoding: Encoding): Uint8Array {
  return encoding === 'json' ? utf8.encode(encodeTracesJson(data)) : encodeTracesProtobuf(data);
}

