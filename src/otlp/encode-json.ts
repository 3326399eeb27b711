/**
 * Encodes the span model as OTLP/JSON with the shared pieces of json-encode.ts. Compact, on one line,
 * no trailing newline (the file exporter writes one request per line).
 *
 * proto3 defaults are omitted as in the protobuf encoder (resource and scope are always written, the
 * status only when set), so decodeTracesJson(encodeTracesJson(x)) equals x. An id that is not hex throws
 * (see idField), as in the protobuf encoder.
 */
import { attributesField, countField, idField, obj, q, resource, scope, stringField, timeField } from './json-encode.js';
import type {
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

