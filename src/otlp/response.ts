/**
 * Export*ServiceResponse (collector/<signal>/v1/<signal>_service.proto), in the request's encoding:
 *   message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
 *   message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
 * The logs and metrics responses are the same message with field 1 named rejected_log_records and
 * rejected_data_points, so one codec serves the three: only the JSON member name differs. The model
 * calls field 1 `rejectedSpans` whatever the signal.
 * When everything was accepted partial_success is left unset (OTLP spec, "Full Success"), which is zero
 * bytes in protobuf and `{}` in JSON.
 */
import type { Encoding } from './codec.js';
import type { Signal } from './signal.js';
import { DecodeFailure } from './decode-failure.js';
import type { ExportTraceServiceResponse, PartialSuccess } from './model.js';
import { PartialSuccessField, ResponseField, WireType } from './proto-fields.js';
import { overrun, ProtoReader, wrongWireType } from './proto-reader.js';
import { int64Size, ProtoWriter, tagSize, utf8Length, varintSize } from './proto-writer.js';

const utf8 = new TextEncoder();

/** partial_success field 1 in OTLP/JSON, per signal: camelCase as we write it, snake_case as we also read. */
const REJECTED_MEMBER: Record<Signal, readonly [string, string]> = {
  traces: ['rejectedSpans', 'rejected_spans'],
  logs: ['rejectedLogRecords', 'rejected_log_records'],
  metrics: ['rejectedDataPoints', 'rejected_data_points'],
};

export function encodeResponse(resp: ExportTraceServiceResponse, encoding: Encoding, signal: Signal = 'traces'): Uint8Array {
  return encoding === 'json' ? utf8.encode(responseJson(resp, signal)) : responseProtobuf(resp);
}

function responseJson(resp: ExportTraceServiceResponse, signal: Signal): string {
  const ps = resp.partialSuccess;
  if (!ps) return '{}';
  const members: string[] = [];
  if (ps.rejectedSpans !== 0n) members.push(`"${REJECTED_MEMBER[signal][0]}":"${ps.rejectedSpans}"`);
  if (ps.errorMessage !== '') members.push(`"errorMessage":${JSON.stringify(ps.errorMessage)}`);
  return `{"partialSuccess":{${members.join(',')}}}`;
}

function responseProtobuf(resp: ExportTraceServiceResponse): Uint8Array {
  const ps = resp.partialSuccess;
  if (!ps) return new Uint8Array(0);
  const msgLen = ps.errorMessage === '' ? 0 : utf8Length(ps.errorMessage);
  let body = 0;
  if (ps.rejectedSpans !== 0n) body += tagSize(PartialSuccessField.REJECTED_SPANS) + int64Size(ps.rejectedSpans);
  if (ps.errorMessage !== '') body += tagSize(PartialSuccessField.ERROR_MESSAGE) + varintSize(msgLen) + msgLen;
  const w = new ProtoWriter(tagSize(ResponseField.PARTIAL_SUCCESS) + varintSize(body) + body, []);
  w.tag(ResponseField.PARTIAL_SUCCESS, WireType.LEN);
  w.varint(body);
  if (ps.rejectedSpans !== 0n) {
    w.tag(PartialSuccessField.REJECTED_SPANS, WireType.VARINT);
    w.int64(ps.rejectedSpans);
  }
  if (ps.errorMessage !== '') {
    w.tag(PartialSuccessField.ERROR_MESSAGE, WireType.LEN);
    w.varint(msgLen);
    w.stringBytes(ps.errorMessage, msgLen);
  }
  return w.buf;
}

/**
 * Parses a downstream's response body (what our exporters receive). Returns undefined when the body
 * is not a valid response; an empty body is a full success.
 */
export function decodeResponse(body: Uint8Array, encoding: Encoding, signal: Signal = 'traces'): ExportTraceServiceResponse | undefined {
  try {
    return encoding === 'json' ? responseFromJson(body, signal) : responseFromProtobuf(body);
  } catch {
    return undefined;
  }
}

function responseFromProtobuf(body: Uint8Array): ExportTraceServiceResponse {
  const r = new ProtoReader(body);
  const resp: ExportTraceServiceResponse = {};
  while (r.pos < body.length) {
    const tag = r.tag();
    if (tag >>> 3 === ResponseField.PARTIAL_SUCCESS) {
      if ((tag & 7) !== WireType.LEN) throw wrongWireType('partial_success', tag & 7, WireType.LEN);
      const end = r.lengthEnd(body.length);
      const ps: PartialSuccess = resp.partialSuccess ?? { rejectedSpans: 0n, errorMessage: '' };
      while (r.pos < end) {
        const t = r.tag();
        if (t >>> 3 === PartialSuccessField.REJECTED_SPANS && (t & 7) === WireType.VARINT) ps.rejectedSpans = r.int64();
        else if (t >>> 3 === PartialSuccessField.ERROR_MESSAGE && (t & 7) === WireType.LEN) ps.errorMessage = r.string(r.lengthEnd(end));
        else if (t >>> 3 === PartialSuccessField.REJECTED_SPANS || t >>> 3 === PartialSuccessField.ERROR_MESSAGE) {
          throw wrongWireType('partial_success field', t & 7, t >>> 3 === 1 ? WireType.VARINT : WireType.LEN);
        } else r.skip(t & 7, end);
      }
      if (r.pos !== end) throw overrun();
      resp.partialSuccess = ps;
    } else r.skip(tag & 7, body.length);
  }
  if (r.pos !== body.length) throw overrun();
  return resp;
}

function responseFromJson(body: Uint8Array, signal: Signal): ExportTraceServiceResponse {
  const text = new TextDecoder().decode(body).trim();
  if (text === '') return {};
  const root: unknown = JSON.parse(text);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new DecodeFailure('not an object');
  const ps = (root as Record<string, unknown>)['partialSuccess'] ?? (root as Record<string, unknown>)['partial_success'];
  if (ps === undefined || ps === null) return {};
  if (typeof ps !== 'object' || Array.isArray(ps)) throw new DecodeFailure('partialSuccess: object expected');
  const o = ps as Record<string, unknown>;
  const [camel, snake] = REJECTED_MEMBER[signal];
  const rejected = o[camel] ?? o[snake] ?? 0;
  const message = o['errorMessage'] ?? o['error_message'] ?? '';
  if (typeof message !== 'string') throw new DecodeFailure('errorMessage: string expected');
  let rejectedSpans: bigint;
  if (typeof rejected === 'number' && Number.isInteger(rejected)) rejectedSpans = BigInt(rejected);
  else if (typeof rejected === 'string' && /^-?[0-9]{1,20}$/.test(rejected)) rejectedSpans = BigInt(rejected);
  else throw new DecodeFailure('rejectedSpans: integer expected');
  if (BigInt.asIntN(64, rejectedSpans) !== rejectedSpans) throw new DecodeFailure('rejectedSpans: out of range');
  return { partialSuccess: { rejectedSpans, errorMessage: message } };
}
