/**
 * Encodes the span model as OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * lowerCamelCase names, hex ids, 64-bit integers as decimal strings, enums as integers, bytes as base64,
 * non-finite doubles as "NaN"/"Infinity"/"-Infinity". Compact, on one line, no trailing newline (the
 * file exporter writes one request per line).
 *
 * proto3 defaults are omitted as in the protobuf encoder (resource and scope are always written, the
 * status only when set), so decodeTracesJson(encodeTracesJson(x)) equals x. An id that is not hex throws
 * (see idField), as in the protobuf encoder.
 */
import { Buffer } from 'node:buffer';
import { isHex } from './hex.js';
import type {
  AnyValue,
  InstrumentationScope,
  KeyValue,
  Resource,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanLink,
  Status,
  TracesData,
} from './model.js';

export function encodeTracesJson(data: TracesData): string {
  let out = '{"resourceSpans":[';
  const list = data.resourceSpans;
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out += ',';
    out += resourceSpans(list[i]!);
  }
  return out + ']}';
}

/** A JSON string literal; JSON.stringify is the native, fast and correct escaper. */
const q = JSON.stringify as (s: string) => string;

function resourceSpans(rs: ResourceSpans): string {
  let out = '{"resource":' + resource(rs.resource);
  if (rs.scopeSpans.length > 0) {
    out += ',"scopeSpans":[';
    for (let i = 0; i < rs.scopeSpans.length; i++) {
      if (i > 0) out += ',';
      out += scopeSpans(rs.scopeSpans[i]!);
    }
    out += ']';
  }
  if (rs.schemaUrl !== '') out += ',"schemaUrl":' + q(rs.schemaUrl);
  return out + '}';
}

/** `,"name":[...]` for a non-empty attribute list, '' otherwise. */
function attributesField(attrs: readonly KeyValue[]): string {
  return attrs.length === 0 ? '' : ',"attributes":' + keyValues(attrs);
}

function countField(name: string, n: number): string {
  return n === 0 ? '' : ',"' + name + '":' + n;
}

function stringField(name: string, s: string): string {
  return s === '' ? '' : ',"' + name + '":' + q(s);
}

/** Removes the leading comma of the first member written into an object. */
function obj(members: string): string {
  return '{' + (members.length > 0 ? members.slice(1) : '') + '}';
}

function resource(r: Resource): string {
  return obj(attributesField(r.attributes) + countField('droppedAttributesCount', r.droppedAttributesCount));
}

function scopeSpans(ss: ScopeSpans): string {
  let out = '{"scope":' + scope(ss.scope);
  if (ss.spans.length > 0) {
    out += ',"spans":[';
    for (let i = 0; i < ss.spans.length; i++) {
      if (i > 0) out += ',';
      out += span(ss.spans[i]!);
    }
    out += ']';
  }
  if (ss.schemaUrl !== '') out += ',"schemaUrl":' + q(ss.schemaUrl);
  return out + '}';
}

function scope(s: InstrumentationScope): string {
  return obj(
    stringField('name', s.name) +
      stringField('version', s.version) +
      attributesField(s.attributes) +
      countField('droppedAttributesCount', s.droppedAttributesCount),
  );
}

/**
 * Ids are written without escaping, so they are checked to be hex first: the model's ids always are
 * (the decoders guarantee it), and a bad one is a programming error that must not produce broken JSON.
 */
function idField(name: string, hex: string): string {
  if (hex === '') return '';
  if (!isHex(hex)) throw new TypeError(`invalid hex id in ${name}`);
  return ',"' + name + '":"' + hex + '"';
}

function timeField(name: string, t: bigint): string {
  return t === 0n ? '' : ',"' + name + '":"' + t + '"';
}

function span(s: Span): string {
  let m =
    idField('traceId', s.traceId) +
    idField('spanId', s.spanId) +
    stringField('traceState', s.traceState) +
    idField('parentSpanId', s.parentSpanId) +
    countField('flags', s.flags) +
    stringField('name', s.name) +
    countField('kind', s.kind) +
    timeField('startTimeUnixNano', s.startTimeUnixNano) +
    timeField('endTimeUnixNano', s.endTimeUnixNano) +
    attributesField(s.attributes) +
    countField('droppedAttributesCount', s.droppedAttributesCount);
  if (s.events.length > 0) {
    m += ',"events":[';
    for (let i = 0; i < s.events.length; i++) {
      if (i > 0) m += ',';
      m += event(s.events[i]!);
    }
    m += ']';
  }
  m += countField('droppedEventsCount', s.droppedEventsCount);
  if (s.links.length > 0) {
    m += ',"links":[';
    for (let i = 0; i < s.links.length; i++) {
      if (i > 0) m += ',';
      m += link(s.links[i]!);
    }
    m += ']';
  }
  m += countField('droppedLinksCount', s.droppedLinksCount);
  if (s.status.code !== 0 || s.status.message !== '') m += ',"status":' + status(s.status);
  return obj(m);
}

function event(ev: SpanEvent): string {
  return obj(
    timeField('timeUnixNano', ev.timeUnixNano) +
      stringField('name', ev.name) +
      attributesField(ev.attributes) +
      countField('droppedAttributesCount', ev.droppedAttributesCount),
  );
}

function link(l: SpanLink): string {
  return obj(
    idField('traceId', l.traceId) +
      idField('spanId', l.spanId) +
      stringField('traceState', l.traceState) +
      attributesField(l.attributes) +
      countField('droppedAttributesCount', l.droppedAttributesCount) +
      countField('flags', l.flags),
  );
}

function status(s: Status): string {
  return obj(stringField('message', s.message) + countField('code', s.code));
}

function keyValues(list: readonly KeyValue[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out += ',';
    const kv = list[i]!;
    out += '{"key":' + q(kv.key) + ',"value":' + anyValue(kv.value) + '}';
  }
  return out + ']';
}

function double(v: number): string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

function anyValue(v: AnyValue): string {
  switch (v.kind) {
    case 'string':
      return '{"stringValue":' + q(v.value) + '}';
    case 'bool':
      return v.value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'int':
      return '{"intValue":"' + v.value + '"}';
    case 'double':
      return '{"doubleValue":' + double(v.value) + '}';
    case 'bytes':
      return '{"bytesValue":"' + Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64') + '"}';
    case 'array': {
      let out = '{"arrayValue":{"values":[';
      for (let i = 0; i < v.values.length; i++) {
        if (i > 0) out += ',';
        out += anyValue(v.values[i]!);
      }
      return out + ']}}';
    }
    case 'kvlist':
      return '{"kvlistValue":{"values":' + keyValues(v.values) + '}}';
    case 'empty':
      return '{}';
  }
}
