/**
 * Encodes the span model as an OTLP protobuf ExportTraceServiceRequest.
 *
 * Two mirrored passes (see proto-writer.ts): `size*` functions record lengths, `write*` functions
 * consume them in the same order. Any change to which fields one side emits must be made to the other.
 * proto3 defaults (empty strings and ids, zero counts and flags, UNSET status) are omitted, except inside
 * AnyValue's oneof, where a set field is written even when it holds its default (`int_value: 0`).
 * Resource and scope are always written, so a reader that treats their presence as meaningful sees them.
 *
 * Ids must be valid hex (the decoders guarantee it); an invalid id throws, as a programming error.
 */
import { writeHex } from './hex.js';
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
import {
  AnyValueField,
  EventField,
  KeyValueField,
  LinkField,
  ListField,
  ResourceField,
  ResourceSpansField,
  ScopeField,
  ScopeSpansField,
  SpanField,
  StatusField,
  TracesDataField,
  WireType,
} from './proto-fields.js';
import { int64Size, ProtoWriter, tagSize, utf8Length, varintSize } from './proto-writer.js';

export function encodeTracesProtobuf(data: TracesData): Uint8Array {
  const lengths: number[] = [];
  let size = 0;
  for (const rs of data.resourceSpans) size += lenField(TracesDataField.RESOURCE_SPANS, sizeResourceSpans(rs, lengths));
  const w = new ProtoWriter(size, lengths);
  for (const rs of data.resourceSpans) writeResourceSpans(w, TracesDataField.RESOURCE_SPANS, rs);
  if (w.pos !== size) throw new Error(`protobuf encoder wrote ${w.pos} bytes, sized ${size}`);
  return w.buf;
}

// ---- sizing pass: returns a message's body length and records lengths in visiting order ----

/** Tag + length prefix + body of a length-delimited field. */
function lenField(field: number, n: number): number {
  return tagSize(field) + varintSize(n) + n;
}

function sizeString(field: number, s: string, L: number[]): number {
  const n = utf8Length(s);
  L.push(n);
  return lenField(field, n);
}

function sizeOptString(field: number, s: string, L: number[]): number {
  return s === '' ? 0 : sizeString(field, s, L);
}

function sizeId(field: number, hex: string): number {
  return hex === '' ? 0 : lenField(field, hex.length >>> 1);
}

function sizeUint32(field: number, v: number): number {
  return v === 0 ? 0 : tagSize(field) + varintSize(v);
}

function sizeFixed32(field: number, v: number): number {
  return v === 0 ? 0 : tagSize(field) + 4;
}

function sizeFixed64(field: number, v: bigint): number {
  return v === 0n ? 0 : tagSize(field) + 8;
}

function sizeAttributes(field: number, attrs: readonly KeyValue[], L: number[]): number {
  let n = 0;
  for (const kv of attrs) n += lenField(field, sizeKeyValue(kv, L));
  return n;
}

function sizeResourceSpans(rs: ResourceSpans, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ResourceSpansField.RESOURCE, sizeResource(rs.resource, L));
  for (const ss of rs.scopeSpans) n += lenField(ResourceSpansField.SCOPE_SPANS, sizeScopeSpans(ss, L));
  n += sizeOptString(ResourceSpansField.SCHEMA_URL, rs.schemaUrl, L);
  return (L[slot] = n);
}

function sizeResource(r: Resource, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeAttributes(ResourceField.ATTRIBUTES, r.attributes, L);
  n += sizeUint32(ResourceField.DROPPED_ATTRIBUTES_COUNT, r.droppedAttributesCount);
  return (L[slot] = n);
}

function sizeScopeSpans(ss: ScopeSpans, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ScopeSpansField.SCOPE, sizeScope(ss.scope, L));
  for (const span of ss.spans) n += lenField(ScopeSpansField.SPANS, sizeSpan(span, L));
  n += sizeOptString(ScopeSpansField.SCHEMA_URL, ss.schemaUrl, L);
  return (L[slot] = n);
}

function sizeScope(s: InstrumentationScope, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeOptString(ScopeField.NAME, s.name, L);
  n += sizeOptString(ScopeField.VERSION, s.version, L);
  n += sizeAttributes(ScopeField.ATTRIBUTES, s.attributes, L);
  n += sizeUint32(ScopeField.DROPPED_ATTRIBUTES_COUNT, s.droppedAttributesCount);
  return (L[slot] = n);
}

function sizeSpan(s: Span, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeId(SpanField.TRACE_ID, s.traceId);
  n += sizeId(SpanField.SPAN_ID, s.spanId);
  n += sizeOptString(SpanField.TRACE_STATE, s.traceState, L);
  n += sizeId(SpanField.PARENT_SPAN_ID, s.parentSpanId);
  n += sizeOptString(SpanField.NAME, s.name, L);
  n += sizeUint32(SpanField.KIND, s.kind);
  n += sizeFixed64(SpanField.START_TIME_UNIX_NANO, s.startTimeUnixNano);
  n += sizeFixed64(SpanField.END_TIME_UNIX_NANO, s.endTimeUnixNano);
  n += sizeAttributes(SpanField.ATTRIBUTES, s.attributes, L);
  n += sizeUint32(SpanField.DROPPED_ATTRIBUTES_COUNT, s.droppedAttributesCount);
  for (const ev of s.events) n += lenField(SpanField.EVENTS, sizeEvent(ev, L));
  n += sizeUint32(SpanField.DROPPED_EVENTS_COUNT, s.droppedEventsCount);
  for (const link of s.links) n += lenField(SpanField.LINKS, sizeLink(link, L));
  n += sizeUint32(SpanField.DROPPED_LINKS_COUNT, s.droppedLinksCount);
  if (hasStatus(s.status)) n += lenField(SpanField.STATUS, sizeStatus(s.status, L));
  n += sizeFixed32(SpanField.FLAGS, s.flags);
  return (L[slot] = n);
}

function sizeEvent(ev: SpanEvent, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeFixed64(EventField.TIME_UNIX_NANO, ev.timeUnixNano);
  n += sizeOptString(EventField.NAME, ev.name, L);
  n += sizeAttributes(EventField.ATTRIBUTES, ev.attributes, L);
  n += sizeUint32(EventField.DROPPED_ATTRIBUTES_COUNT, ev.droppedAttributesCount);
  return (L[slot] = n);
}

function sizeLink(link: SpanLink, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeId(LinkField.TRACE_ID, link.traceId);
  n += sizeId(LinkField.SPAN_ID, link.spanId);
  n += sizeOptString(LinkField.TRACE_STATE, link.traceState, L);
  n += sizeAttributes(LinkField.ATTRIBUTES, link.attributes, L);
  n += sizeUint32(LinkField.DROPPED_ATTRIBUTES_COUNT, link.droppedAttributesCount);
  n += sizeFixed32(LinkField.FLAGS, link.flags);
  return (L[slot] = n);
}

function hasStatus(s: Status): boolean {
  return s.code !== 0 || s.message !== '';
}

function sizeStatus(s: Status, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeOptString(StatusField.MESSAGE, s.message, L);
  n += sizeUint32(StatusField.CODE, s.code);
  return (L[slot] = n);
}

function sizeKeyValue(kv: KeyValue, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeOptString(KeyValueField.KEY, kv.key, L);
  n += lenField(KeyValueField.VALUE, sizeAnyValue(kv.value, L));
  return (L[slot] = n);
}

function sizeAnyValue(v: AnyValue, L: number[]): number {
  const slot = L.push(0) - 1;
  let n: number;
  switch (v.kind) {
    case 'string':
      n = sizeString(AnyValueField.STRING, v.value, L);
      break;
    case 'bool':
      n = 2;
      break;
    case 'int':
      n = 1 + int64Size(v.value);
      break;
    case 'double':
      n = 9;
      break;
    case 'bytes':
      n = lenField(AnyValueField.BYTES, v.value.length);
      break;
    case 'array': {
      const s = L.push(0) - 1;
      let m = 0;
      for (const item of v.values) m += lenField(ListField.VALUES, sizeAnyValue(item, L));
      L[s] = m;
      n = lenField(AnyValueField.ARRAY, m);
      break;
    }
    case 'kvlist': {
      const s = L.push(0) - 1;
      let m = 0;
      for (const kv of v.values) m += lenField(ListField.VALUES, sizeKeyValue(kv, L));
      L[s] = m;
      n = lenField(AnyValueField.KVLIST, m);
      break;
    }
    case 'empty':
      n = 0;
      break;
  }
  return (L[slot] = n);
}

// ---- writing pass: mirrors the sizing pass field by field ----

/** Tag and length prefix of an embedded message, whose length is the next one recorded. */
function beginMessage(w: ProtoWriter, field: number): void {
  w.tag(field, WireType.LEN);
  w.varint(w.nextLength());
}

function writeString(w: ProtoWriter, field: number, s: string): void {
  w.tag(field, WireType.LEN);
  const n = w.nextLength();
  w.varint(n);
  w.stringBytes(s, n);
}

function writeOptString(w: ProtoWriter, field: number, s: string): void {
  if (s !== '') writeString(w, field, s);
}

function writeId(w: ProtoWriter, field: number, hex: string): void {
  if (hex === '') return;
  w.tag(field, WireType.LEN);
  w.varint(hex.length >>> 1);
  w.pos += writeHex(hex, w.buf, w.pos);
}

function writeUint32(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, WireType.VARINT);
  w.varint(v);
}

function writeFixed32(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, WireType.I32);
  w.fixed32(v);
}

function writeFixed64(w: ProtoWriter, field: number, v: bigint): void {
  if (v === 0n) return;
  w.tag(field, WireType.I64);
  w.fixed64(v);
}

function writeAttributes(w: ProtoWriter, field: number, attrs: readonly KeyValue[]): void {
  for (const kv of attrs) writeKeyValue(w, field, kv);
}

function writeResourceSpans(w: ProtoWriter, field: number, rs: ResourceSpans): void {
  beginMessage(w, field);
  writeResource(w, ResourceSpansField.RESOURCE, rs.resource);
  for (const ss of rs.scopeSpans) writeScopeSpans(w, ResourceSpansField.SCOPE_SPANS, ss);
  writeOptString(w, ResourceSpansField.SCHEMA_URL, rs.schemaUrl);
}

function writeResource(w: ProtoWriter, field: number, r: Resource): void {
  beginMessage(w, field);
  writeAttributes(w, ResourceField.ATTRIBUTES, r.attributes);
  writeUint32(w, ResourceField.DROPPED_ATTRIBUTES_COUNT, r.droppedAttributesCount);
}

function writeScopeSpans(w: ProtoWriter, field: number, ss: ScopeSpans): void {
  beginMessage(w, field);
  writeScope(w, ScopeSpansField.SCOPE, ss.scope);
  for (const span of ss.spans) writeSpan(w, ScopeSpansField.SPANS, span);
  writeOptString(w, ScopeSpansField.SCHEMA_URL, ss.schemaUrl);
}

function writeScope(w: ProtoWriter, field: number, s: InstrumentationScope): void {
  beginMessage(w, field);
  writeOptString(w, ScopeField.NAME, s.name);
  writeOptString(w, ScopeField.VERSION, s.version);
  writeAttributes(w, ScopeField.ATTRIBUTES, s.attributes);
  writeUint32(w, ScopeField.DROPPED_ATTRIBUTES_COUNT, s.droppedAttributesCount);
}

function writeSpan(w: ProtoWriter, field: number, s: Span): void {
  beginMessage(w, field);
  writeId(w, SpanField.TRACE_ID, s.traceId);
  writeId(w, SpanField.SPAN_ID, s.spanId);
  writeOptString(w, SpanField.TRACE_STATE, s.traceState);
  writeId(w, SpanField.PARENT_SPAN_ID, s.parentSpanId);
  writeOptString(w, SpanField.NAME, s.name);
  writeUint32(w, SpanField.KIND, s.kind);
  writeFixed64(w, SpanField.START_TIME_UNIX_NANO, s.startTimeUnixNano);
  writeFixed64(w, SpanField.END_TIME_UNIX_NANO, s.endTimeUnixNano);
  writeAttributes(w, SpanField.ATTRIBUTES, s.attributes);
  writeUint32(w, SpanField.DROPPED_ATTRIBUTES_COUNT, s.droppedAttributesCount);
  for (const ev of s.events) writeEvent(w, SpanField.EVENTS, ev);
  writeUint32(w, SpanField.DROPPED_EVENTS_COUNT, s.droppedEventsCount);
  for (const link of s.links) writeLink(w, SpanField.LINKS, link);
  writeUint32(w, SpanField.DROPPED_LINKS_COUNT, s.droppedLinksCount);
  if (hasStatus(s.status)) writeStatus(w, SpanField.STATUS, s.status);
  writeFixed32(w, SpanField.FLAGS, s.flags);
}

function writeEvent(w: ProtoWriter, field: number, ev: SpanEvent): void {
  beginMessage(w, field);
  writeFixed64(w, EventField.TIME_UNIX_NANO, ev.timeUnixNano);
  writeOptString(w, EventField.NAME, ev.name);
  writeAttributes(w, EventField.ATTRIBUTES, ev.attributes);
  writeUint32(w, EventField.DROPPED_ATTRIBUTES_COUNT, ev.droppedAttributesCount);
}

function writeLink(w: ProtoWriter, field: number, link: SpanLink): void {
  beginMessage(w, field);
  writeId(w, LinkField.TRACE_ID, link.traceId);
  writeId(w, LinkField.SPAN_ID, link.spanId);
  writeOptString(w, LinkField.TRACE_STATE, link.traceState);
  writeAttributes(w, LinkField.ATTRIBUTES, link.attributes);
  writeUint32(w, LinkField.DROPPED_ATTRIBUTES_COUNT, link.droppedAttributesCount);
  writeFixed32(w, LinkField.FLAGS, link.flags);
}

function writeStatus(w: ProtoWriter, field: number, s: Status): void {
  beginMessage(w, field);
  writeOptString(w, StatusField.MESSAGE, s.message);
  writeUint32(w, StatusField.CODE, s.code);
}

function writeKeyValue(w: ProtoWriter, field: number, kv: KeyValue): void {
  beginMessage(w, field);
  writeOptString(w, KeyValueField.KEY, kv.key);
  writeAnyValue(w, KeyValueField.VALUE, kv.value);
}

function writeAnyValue(w: ProtoWriter, field: number, v: AnyValue): void {
  beginMessage(w, field);
  switch (v.kind) {
    case 'string':
      writeString(w, AnyValueField.STRING, v.value);
      break;
    case 'bool':
      w.tag(AnyValueField.BOOL, WireType.VARINT);
      w.varint(v.value ? 1 : 0);
      break;
    case 'int':
      w.tag(AnyValueField.INT, WireType.VARINT);
      w.int64(v.value);
      break;
    case 'double':
      w.tag(AnyValueField.DOUBLE, WireType.I64);
      w.double(v.value);
      break;
    case 'bytes':
      w.tag(AnyValueField.BYTES, WireType.LEN);
      w.varint(v.value.length);
      w.bytes(v.value);
      break;
    case 'array':
      beginMessage(w, AnyValueField.ARRAY);
      for (const item of v.values) writeAnyValue(w, ListField.VALUES, item);
      break;
    case 'kvlist':
      beginMessage(w, AnyValueField.KVLIST);
      for (const kv of v.values) writeKeyValue(w, ListField.VALUES, kv);
      break;
    case 'empty':
      break;
  }
}
