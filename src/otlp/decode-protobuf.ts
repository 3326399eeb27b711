/**
 * Decodes an OTLP/HTTP protobuf body (ExportTraceServiceRequest) into the span model, by hand: one
 * pass over the bytes, no intermediate objects, ids straight to hex, strings straight to JS strings.
 *
 * The shared rules (bounds checks, error paths, wire types, depth bounds) are proto-decoder.ts's; here
 * in addition span trace_id/span_id must be 16/8 bytes (trace.proto: other lengths are invalid ids, a
 * 400), parent_span_id and link ids may be empty, otherwise 8/16 bytes. Invalid UTF-8 is replaced with
 * U+FFFD (see proto-reader.ts). Spans, events, links and their groups are charged to the decode budget
 * (limits.ts) as they are built.
 */
import type { DecodeLimits, DecodeResult } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import type {
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
  EventField,
  LinkField,
  ResourceSpansField,
  ScopeSpansField,
  SPAN_ID_BYTES,
  SpanField,
  StatusField,
  TRACE_ID_BYTES,
  TracesDataField,
  WireType,
} from './proto-fields.js';
import { DECODED_COST, type DecodeBudget } from './limits.js';
import { decodeWith, ProtoDecoder } from './proto-decoder.js';
import { DecodeFailure, failWithin } from './proto-reader.js';

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeTracesProtobuf(body: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): DecodeResult {
  return decodeWith(body, limits, budget, (r, maxDepth, b) => new Decoder(r, maxDepth, b), (d) => d.tracesData());
}

class Decoder extends ProtoDecoder {
  tracesData(): TracesData {
    const r = this.r;
    const end = r.length;
    const resourceSpans: ResourceSpans[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag >>> 3 === TracesDataField.RESOURCE_SPANS) {
        this.expect(tag, WireType.LEN, 'resource_spans');
        const e = r.lengthEnd(end);
        this.budget.charge(DECODED_COST.resourceSpans);
        try {
          resourceSpans.push(this.resourceSpans(e));
        } catch (err) {
          failWithin(err, `resource_spans[${resourceSpans.length}]`);
        }
      } else r.skip(tag & 7, end);
    }
    this.end(end);
    return { resourceSpans };
  }

  private resourceSpans(end: number): ResourceSpans {
    const r = this.r;
    const resource: Resource = { attributes: [], droppedAttributesCount: 0 };
    const scopeSpans: ScopeSpans[] = [];
    let schemaUrl = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ResourceSpansField.RESOURCE: {
          this.expect(tag, WireType.LEN, 'resource');
          const e = r.lengthEnd(end);
          try {
            this.resource(e, resource);
          } catch (err) {
            failWithin(err, 'resource');
          }
          break;
        }
        case ResourceSpansField.SCOPE_SPANS: {
          this.expect(tag, WireType.LEN, 'scope_spans');
          const e = r.lengthEnd(end);
          this.budget.charge(DECODED_COST.scopeSpans);
          try {
            scopeSpans.push(this.scopeSpans(e));
          } catch (err) {
            failWithin(err, `scope_spans[${scopeSpans.length}]`);
          }
          break;
        }
        case ResourceSpansField.SCHEMA_URL:
          this.expect(tag, WireType.LEN, 'schema_url');
          schemaUrl = this.str(r.lengthEnd(end));
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { resource, scopeSpans, schemaUrl };
  }

  private scopeSpans(end: number): ScopeSpans {
    const r = this.r;
    const scope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
    const spans: Span[] = [];
    let schemaUrl = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ScopeSpansField.SCOPE: {
          this.expect(tag, WireType.LEN, 'scope');
          const e = r.lengthEnd(end);
          try {
            this.scope(e, scope);
          } catch (err) {
            failWithin(err, 'scope');
          }
          break;
        }
        case ScopeSpansField.SPANS: {
          this.expect(tag, WireType.LEN, 'spans');
          const e = r.lengthEnd(end);
          this.budget.charge(DECODED_COST.span);
          try {
            spans.push(this.span(e));
          } catch (err) {
            failWithin(err, `spans[${spans.length}]`);
          }
          break;
        }
        case ScopeSpansField.SCHEMA_URL:
          this.expect(tag, WireType.LEN, 'schema_url');
          schemaUrl = this.str(r.lengthEnd(end));
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { scope, spans, schemaUrl };
  }

  private span(end: number): Span {
    const r = this.r;
    let traceId = '';
    let spanId = '';
    let traceState = '';
    let parentSpanId = '';
    let flags = 0;
    let name = '';
    let kind = 0;
    let startTimeUnixNano = 0n;
    let endTimeUnixNano = 0n;
    const attributes: KeyValue[] = [];
    let droppedAttributesCount = 0;
    const events: SpanEvent[] = [];
    let droppedEventsCount = 0;
    const links: SpanLink[] = [];
    let droppedLinksCount = 0;
    const status: Status = { message: '', code: 0 };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case SpanField.TRACE_ID:
          this.expect(tag, WireType.LEN, 'trace_id');
          traceId = this.id(r.lengthEnd(end), 'trace_id', TRACE_ID_BYTES, false);
          break;
        case SpanField.SPAN_ID:
          this.expect(tag, WireType.LEN, 'span_id');
          spanId = this.id(r.lengthEnd(end), 'span_id', SPAN_ID_BYTES, false);
          break;
        case SpanField.TRACE_STATE:
          this.expect(tag, WireType.LEN, 'trace_state');
          traceState = this.str(r.lengthEnd(end));
          break;
        case SpanField.PARENT_SPAN_ID:
          this.expect(tag, WireType.LEN, 'parent_span_id');
          parentSpanId = this.id(r.lengthEnd(end), 'parent_span_id', SPAN_ID_BYTES, true);
          break;
        case SpanField.FLAGS:
          this.expect(tag, WireType.I32, 'flags');
          flags = r.fixed32();
          break;
        case SpanField.NAME:
          this.expect(tag, WireType.LEN, 'name');
          name = this.str(r.lengthEnd(end));
          break;
        case SpanField.KIND:
          this.expect(tag, WireType.VARINT, 'kind');
          // Enums are int32 on the wire: the low 32 bits, signed.
          kind = r.uint32() | 0;
          break;
        case SpanField.START_TIME_UNIX_NANO:
          this.expect(tag, WireType.I64, 'start_time_unix_nano');
          startTimeUnixNano = r.fixed64();
          break;
        case SpanField.END_TIME_UNIX_NANO:
          this.expect(tag, WireType.I64, 'end_time_unix_nano');
          endTimeUnixNano = r.fixed64();
          break;
        case SpanField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), attributes);
          break;
        case SpanField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          droppedAttributesCount = r.uint32();
          break;
        case SpanField.EVENTS: {
          this.expect(tag, WireType.LEN, 'events');
          const e = r.lengthEnd(end);
          this.budget.charge(DECODED_COST.event);
          try {
            events.push(this.event(e));
          } catch (err) {
            failWithin(err, `events[${events.length}]`);
          }
          break;
        }
        case SpanField.DROPPED_EVENTS_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_events_count');
          droppedEventsCount = r.uint32();
          break;
        case SpanField.LINKS: {
          this.expect(tag, WireType.LEN, 'links');
          const e = r.lengthEnd(end);
          this.budget.charge(DECODED_COST.link);
          try {
            links.push(this.link(e));
          } catch (err) {
            failWithin(err, `links[${links.length}]`);
          }
          break;
        }
        case SpanField.DROPPED_LINKS_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_links_count');
          droppedLinksCount = r.uint32();
          break;
        case SpanField.STATUS: {
          this.expect(tag, WireType.LEN, 'status');
          const e = r.lengthEnd(end);
          try {
            this.status(e, status);
          } catch (err) {
            failWithin(err, 'status');
          }
          break;
        }
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    // Required ids (trace.proto: "This field is required"); absent means zero-length, also invalid.
    if (traceId === '') throw new DecodeFailure(`invalid trace_id: ${TRACE_ID_BYTES} bytes expected, got 0`);
    if (spanId === '') throw new DecodeFailure(`invalid span_id: ${SPAN_ID_BYTES} bytes expected, got 0`);
    return {
      traceId,
      spanId,
      traceState,
      parentSpanId,
      flags,
      name,
      kind,
      startTimeUnixNano,
      endTimeUnixNano,
      attributes,
      droppedAttributesCount,
      events,
      droppedEventsCount,
      links,
      droppedLinksCount,
      status,
    };
  }

  private event(end: number): SpanEvent {
    const r = this.r;
    const ev: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case EventField.TIME_UNIX_NANO:
          this.expect(tag, WireType.I64, 'time_unix_nano');
          ev.timeUnixNano = r.fixed64();
          break;
        case EventField.NAME:
          this.expect(tag, WireType.LEN, 'name');
          ev.name = this.str(r.lengthEnd(end));
          break;
        case EventField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), ev.attributes);
          break;
        case EventField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          ev.droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return ev;
  }

  private link(end: number): SpanLink {
    const r = this.r;
    const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case LinkField.TRACE_ID:
          this.expect(tag, WireType.LEN, 'trace_id');
          link.traceId = this.id(r.lengthEnd(end), 'trace_id', TRACE_ID_BYTES, true);
          break;
        case LinkField.SPAN_ID:
          this.expect(tag, WireType.LEN, 'span_id');
          link.spanId = this.id(r.lengthEnd(end), 'span_id', SPAN_ID_BYTES, true);
          break;
        case LinkField.TRACE_STATE:
          this.expect(tag, WireType.LEN, 'trace_state');
          link.traceState = this.str(r.lengthEnd(end));
          break;
        case LinkField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), link.attributes);
          break;
        case LinkField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          link.droppedAttributesCount = r.uint32();
          break;
        case LinkField.FLAGS:
          this.expect(tag, WireType.I32, 'flags');
          link.flags = r.fixed32();
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return link;
  }

  private status(end: number, into: Status): void {
    const r = this.r;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case StatusField.MESSAGE:
          this.expect(tag, WireType.LEN, 'message');
          into.message = this.str(r.lengthEnd(end));
          break;
        case StatusField.CODE:
          this.expect(tag, WireType.VARINT, 'code');
          into.code = r.uint32() | 0;
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
  }
}
