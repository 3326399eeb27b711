/**
 * Encodes the span model as an OTLP protobuf ExportTraceServiceRequest, with the shared pieces of
 * proto-encode.ts (two mirrored passes, proto3 defaults omitted). The UNSET status is omitted too.
 * Resource and scope are always written, so a reader that treats their presence as meaningful sees them.
 */
import type { ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, Status, TracesData } from './model.js';
import {
  EventField,
  LinkField,
  ResourceSpansField,
  ScopeSpansField,
  SpanField,
  StatusField,
  TracesDataField,
} from './proto-fields.js';
import {
  beginMessage,
  encodeRepeated,
  lenField,
  sizeAttributes,
  sizeFixed32,
  sizeFixed64,
  sizeId,
  sizeOptString,
  sizeResource,
  sizeScope,
  sizeUint32,
  writeAttributes,
  writeFixed32,
  writeFixed64,
  writeId,
  writeOptString,
  writeResource,
  writeScope,
  writeUint32,
} from './proto-encode.js';
import type { ProtoWriter } from './proto-writer.js';

export function encodeTracesProtobuf(data: TracesData): Uint8Array {
  return encodeRepeated(data.resourceSpans, TracesDataField.RESOURCE_SPANS, sizeResourceSpans, writeResourceSpans);
}

// ---- sizing pass: returns a message's body length and records lengths in visiting order ----

function sizeResourceSpans(rs: ResourceSpans, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ResourceSpansField.RESOURCE, sizeResource(rs.resource, L));
  for (const ss of rs.scopeSpans) n += lenField(ResourceSpansField.SCOPE_SPANS, sizeScopeSpans(ss, L));
  n += sizeOptString(ResourceSpansField.SCHEMA_URL, rs.schemaUrl, L);
  return (L[slot] = n);
}

function sizeScopeSpans(ss: ScopeSpans, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ScopeSpansField.SCOPE, sizeScope(ss.scope, L));
  for (const span of ss.spans) n += lenField(ScopeSpansField.SPANS, sizeSpan(span, L));
  n += sizeOptString(ScopeSpansField.SCHEMA_URL, ss.schemaUrl, L);
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

// ---- writing pass: mirrors the sizing pass field by field ----

function writeResourceSpans(w: ProtoWriter, field: number, rs: ResourceSpans): void {
  beginMessage(w, field);
  writeResource(w, ResourceSpansField.RESOURCE, rs.resource);
  for (const ss of rs.scopeSpans) writeScopeSpans(w, ResourceSpansField.SCOPE_SPANS, ss);
  writeOptString(w, ResourceSpansField.SCHEMA_URL, rs.schemaUrl);
}

function writeScopeSpans(w: ProtoWriter, field: number, ss: ScopeSpans): void {
  beginMessage(w, field);
  writeScope(w, ScopeSpansField.SCOPE, ss.scope);
  for (const span of ss.spans) writeSpan(w, ScopeSpansField.SPANS, span);
  writeOptString(w, ScopeSpansField.SCHEMA_URL, ss.schemaUrl);
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

