/**
 * Merging already-encoded ExportTraceServiceRequests into one, so an exporter can send what queued up
 * while it was busy in a single request instead of one round trip each.
 *
 * Protobuf: concatenating serialised messages is the same as merging them, and repeated fields
 * (ExportTraceServiceRequest.resource_spans, field 1) append (protobuf encoding spec, "Concatenation
 * and merging"). JSON: our encoder writes exactly `{"resourceSpans":[…]}`, so the arrays' contents are
 * joined; a body of any other shape is not merged.
 */
import type { Encoding } from './codec.js';

const JSON_PREFIX = '{"resourceSpans":[';
const JSON_SUFFIX = ']}';
const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** One request holding every request's spans, in order; undefined when the bodies cannot be merged. */
export function mergeEncodedRequests(bodies: readonly Uint8Array[], encoding: Encoding): Uint8Array | undefined {
  if (bodies.length === 1) return bodies[0];
  return encoding === 'protobuf' ? concatBytes(bodies) : mergeJson(bodies);
}

function concatBytes(bodies: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const b of bodies) size += b.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const b of bodies) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

function mergeJson(bodies: readonly Uint8Array[]): Uint8Array | undefined {
  const parts: string[] = [];
  for (const b of bodies) {
    const text = utf8Decoder.decode(b);
    if (!text.startsWith(JSON_PREFIX) || !text.endsWith(JSON_SUFFIX)) return undefined;
    const inner = text.slice(JSON_PREFIX.length, text.length - JSON_SUFFIX.length);
    if (inner.length > 0) parts.push(inner);
  }
  return utf8Encoder.encode(JSON_PREFIX + parts.join(',') + JSON_SUFFIX);
}
