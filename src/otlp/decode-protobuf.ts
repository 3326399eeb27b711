/**
 * Decodes an OTLP/HTTP protobuf body (ExportTraceServiceRequest) into the span model, by hand: one
 * pass over the bytes, no intermediate objects, ids straight to hex, strings straight to JS strings.
 *
 * Attacker-controlled input is the normal case here, so:
 * - every read is bounds-checked, and errors name the field path
 *   (`resource_spans[0].scope_spans[1].spans[3]: truncated length-delimited field`);
 * - a known field with the wrong wire type is an error; unknown fields are skipped by wire type;
 * - AnyValue nesting is bounded by `limits.maxDepth`, checked before descending, so the recursion
 *   depth is bounded by the limit and never by the input;
 * - every element built is charged to a DecodeBudget (limits.ts) before it is kept, so a small body
 *   cannot decode to unbounded memory (20 MiB of empty links is refused after the budget's worth);
 * - span trace_id/span_id must be 16/8 bytes (trace.proto: other lengths are invalid ids, a 400);
 *   parent_span_id and link ids may be empty, otherwise 8/16 bytes;
 * - invalid UTF-8 is replaced with U+FFFD (see proto-reader.ts).
 * A message field that occurs twice is merged into the first, as protobuf parsers do.
 */
import type { DecodeLimits, DecodeResult } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import { bytesToHex } from './hex.js';
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
  SPAN_ID_BYTES,
  SpanField,
  StatusField,
  TRACE_ID_BYTES,
  TracesDataField,
  WireType,
} from './proto-fields.js';
import { DecodeFailure, failWithin, overrun, ProtoReader, wrongWireType } from './proto-reader.js';
import { budgetFor, DECODED_COST, effectiveMaxDepth, nestingError, type DecodeBudget } from './limits.js';

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeTracesProtobuf(body: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): DecodeResult {
  try {
    const d = new Decoder(new ProtoReader(body), effectiveMaxDepth(limits), budget ?? budgetFor(limits));
    return { ok: true, value: d.tracesData() };
  } catch (e) {
    if (e instanceof DecodeFailure) return e.refusal ? { ok: false, error: e.message, refusal: e.refusal } : { ok: false, error: e.message };
    // Not reachable by design; kept so a bug can never surface as an exception to the receiver.
    if (e instanceof RangeError) return { ok: false, error: 'request too deeply nested' };
    return { ok: false, error: `malformed protobuf: ${e instanceof Error ? e.name : 'error'}` };
  }
}

class Decoder {
  constructor(
    private readonly r: ProtoReader,
    private readonly maxDepth: number,
    private readonly budget: DecodeBudget,
  ) {}

  /** A string field, charged to the budget before it is built. */
  private str(end: number): string {
    const n = end - this.r.pos;
    if (n > 0) this.budget.charge(n + DECODED_COST.string);
    return this.r.string(end);
  }

  /** Checks the wire type of a known field (a mismatch is malformed input, not an unknown field). */
  private expect(tag: number, wt: number, name: string): void {
    if ((tag & 7) !== wt) throw wrongWireType(name, tag & 7, wt);
  }

  private end(end: number): void {
    if (this.r.pos !== end) throw overrun();
  }

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

  private resource(end: number, into: Resource): void {
    const r = this.r;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ResourceField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), into.attributes);
          break;
        case ResourceField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          into.droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
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

  private scope(end: number, into: InstrumentationScope): void {
    const r = this.r;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ScopeField.NAME:
          this.expect(tag, WireType.LEN, 'name');
          into.name = this.str(r.lengthEnd(end));
          break;
        case ScopeField.VERSION:
          this.expect(tag, WireType.LEN, 'version');
          into.version = this.str(r.lengthEnd(end));
          break;
        case ScopeField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), into.attributes);
          break;
        case ScopeField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          into.droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
  }

  /** Reads an id field of `size` bytes (or empty when `allowEmpty`) as lowercase hex. */
  private id(end: number, name: string, size: number, allowEmpty: boolean): string {
    const r = this.r;
    const n = end - r.pos;
    if (n !== size && !(allowEmpty && n === 0)) {
      throw new DecodeFailure(`invalid ${name}: ${size} bytes expected, got ${n}`);
    }
    if (n > 0) this.budget.charge(2 * n + DECODED_COST.string);
    const hex = bytesToHex(r.buf, r.pos, end);
    r.pos = end;
    return hex;
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

  /** Decodes one KeyValue of an attribute list and appends it; failures name the attribute index. */
  private attribute(end: number, into: KeyValue[]): void {
    try {
      into.push(this.keyValue(end, 0));
    } catch (err) {
      failWithin(err, `attributes[${into.length}]`);
    }
  }

  /** `depth` counts the arrays/kvlists enclosing this KeyValue. */
  private keyValue(end: number, depth: number): KeyValue {
    const r = this.r;
    this.budget.charge(DECODED_COST.keyValue);
    let key = '';
    let value: AnyValue | undefined;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case KeyValueField.KEY:
          this.expect(tag, WireType.LEN, 'key');
          key = this.str(r.lengthEnd(end));
          break;
        case KeyValueField.VALUE:
          this.expect(tag, WireType.LEN, 'value');
          value = this.anyValue(r.lengthEnd(end), depth);
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { key, value: value ?? { kind: 'empty' } };
  }

  /**
   * `depth` counts the arrays/kvlists enclosing this value. Entering one more checks the limit first,
   * so this recursion (anyValue → list → anyValue) is at most maxDepth levels deep.
   */
  private anyValue(end: number, depth: number): AnyValue {
    const r = this.r;
    this.budget.charge(DECODED_COST.anyValue);
    // The oneof's last field on the wire wins (protobuf encoding spec, "Oneofs").
    let v: AnyValue = { kind: 'empty' };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case AnyValueField.STRING:
          this.expect(tag, WireType.LEN, 'string_value');
          v = { kind: 'string', value: this.str(r.lengthEnd(end)) };
          break;
        case AnyValueField.BOOL:
          this.expect(tag, WireType.VARINT, 'bool_value');
          v = { kind: 'bool', value: r.bool() };
          break;
        case AnyValueField.INT:
          this.expect(tag, WireType.VARINT, 'int_value');
          v = { kind: 'int', value: r.int64() };
          break;
        case AnyValueField.DOUBLE:
          this.expect(tag, WireType.I64, 'double_value');
          v = { kind: 'double', value: r.double() };
          break;
        case AnyValueField.ARRAY: {
          this.expect(tag, WireType.LEN, 'array_value');
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          v = { kind: 'array', values: this.arrayValues(r.lengthEnd(end), depth + 1) };
          break;
        }
        case AnyValueField.KVLIST: {
          this.expect(tag, WireType.LEN, 'kvlist_value');
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          v = { kind: 'kvlist', values: this.kvlistValues(r.lengthEnd(end), depth + 1) };
          break;
        }
        case AnyValueField.BYTES: {
          this.expect(tag, WireType.LEN, 'bytes_value');
          const e = r.lengthEnd(end);
          this.budget.charge(e - r.pos + DECODED_COST.bytes);
          v = { kind: 'bytes', value: r.bytes(e) };
          break;
        }
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return v;
  }

  private arrayValues(end: number, depth: number): AnyValue[] {
    const r = this.r;
    const values: AnyValue[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag >>> 3 === ListField.VALUES) {
        this.expect(tag, WireType.LEN, 'values');
        values.push(this.anyValue(r.lengthEnd(end), depth));
      } else r.skip(tag & 7, end);
    }
    this.end(end);
    return values;
  }

  private kvlistValues(end: number, depth: number): KeyValue[] {
    const r = this.r;
    const values: KeyValue[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag >>> 3 === ListField.VALUES) {
        this.expect(tag, WireType.LEN, 'values');
        values.push(this.keyValue(r.lengthEnd(end), depth));
      } else r.skip(tag & 7, end);
    }
    this.end(end);
    return values;
  }
}
