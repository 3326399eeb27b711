/**
 * Merging already-encoded Export*ServiceRequests of one signal into one, so an exporter can send what
 * queued up while it was busy in a single request instead of one round trip each.
 *
 * Protobuf: concatenating serialised messages is the same as merging them, and repeated fields
 * (the requests' only field, resource_spans / resource_logs / resource_metrics, field 1) append
 * (protobuf encoding spec, "Concatenation and merging"). JSON: our encoders write exactly
 * `{"resourceSpans":[…]}` (or resourceLogs, resourceMetrics), so the arrays' contents are joined; a
 * body of any other shape is not merged.
 */
import type { Encoding } from './codec.js';
import { CODECS, type Signal } from './signal.js';

const utf8 = new TextEncoder();
const JSON_PREFIX: Record<Signal, Uint8Array> = {
  traces: utf8.encode(`{"${CODECS.traces.jsonRoot}":[`),
  logs: utf8.encode(`{"${CODECS.logs.jsonRoot}":[`),
  metrics: utf8.encode(`{"${CODECS.metrics.jsonRoot}":[`),
};
const JSON_SUFFIX = utf8.encode(']}');
const COMMA = 0x2c;

/** One request holding every request's records, in order; undefined when the bodies cannot be merged. */
export function mergeEncodedRequests(bodies: readonly Uint8Array[], encoding: Encoding, signal: Signal = 'traces'): Uint8Array | undefined {
  if (bodies.length === 1) return bodies[0];
  return encoding === 'protobuf' ? concatBytes(bodies) : mergeJson(bodies, JSON_PREFIX[signal]);
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

function hasAt(body: Uint8Array, part: Uint8Array, at: number): boolean {
  if (at < 0 || at + part.byteLength > body.byteLength) return false;
  for (let i = 0; i < part.byteLength; i++) if (body[at + i] !== part[i]) return false;
  return true;
}

/** Splices the arrays' contents as bytes: the prefix, suffix and comma are ASCII, so no decoding. */
function mergeJson(bodies: readonly Uint8Array[], JSON_PREFIX: Uint8Array): Uint8Array | undefined {
  const inners: Uint8Array[] = [];
  let size = JSON_PREFIX.byteLength + JSON_SUFFIX.byteLength;
  for (const b of bodies) {
    const end = b.byteLength - JSON_SUFFIX.byteLength;
    if (!hasAt(b, JSON_PREFIX, 0) || !hasAt(b, JSON_SUFFIX, end) || end < JSON_PREFIX.byteLength) return undefined;
    if (end === JSON_PREFIX.byteLength) continue; // an empty request adds nothing
    inners.push(b.subarray(JSON_PREFIX.byteLength, end));
    size += end - JSON_PREFIX.byteLength + (inners.length > 1 ? 1 : 0);
  }
  const out = new Uint8Array(size);
  out.set(JSON_PREFIX, 0);
  let at = JSON_PREFIX.byteLength;
  inners.forEach((inner, i) => {
    if (i > 0) out[at++] = COMMA;
    out.set(inner, at);
    at += inner.byteLength;
  });
  out.set(JSON_SUFFIX, at);
  return out;
}
