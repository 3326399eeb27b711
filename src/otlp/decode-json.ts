/**
 * Decodes an OTLP/JSON body (ExportTraceServiceRequest) into the span model, with the JSON rules of
 * json-decoder.ts (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding); span ids must be
 * 16/8 bytes, parent and link ids may be empty; enums may be given by name (`SPAN_KIND_SERVER`,
 * `STATUS_CODE_ERROR`).
 */
import type { DecodeLimits, DecodeResult } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import { failWithin } from './decode-failure.js';
import {
  array,
  decodeJsonWith,
  enumValue,
  id,
  int64Of,
  JsonDecoder,
  object,
  string,
  uint32,
  type JsonObject,
} from './json-decoder.js';
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
import { DECODED_COST, type DecodeBudget } from './limits.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from './proto-fields.js';

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeTracesJson(body: Uint8Array | string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): DecodeResult {
  return decodeJsonWith(body, limits, budget, 'ExportTraceServiceRequest', (root, maxDepth, b) => new TracesJsonDecoder(maxDepth, b).tracesData(root));
}

const SPAN_KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODE_NAMES: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

class TracesJsonDecoder extends JsonDecoder {
  tracesData(o: JsonObject): TracesData {
    const resourceSpans: ResourceSpans[] = [];
    for (const k in o) {
      if (k === 'resourceSpans' || k === 'resource_spans') {
        const list = array(o[k], 'resourceSpans');
        resourceSpans.length = 0;
        for (let i = 0; i < list.length; i++) {
          try {
            this.budget.charge(DECODED_COST.resourceSpans);
            resourceSpans.push(this.resourceSpans(list[i]));
          } catch (e) {
            failWithin(e, `resourceSpans[${i}]`);
          }
        }
      }
    }
    return { resourceSpans };
  }

  private resourceSpans(v: unknown): ResourceSpans {
    const o = object(v, 'resourceSpans entry') ?? {};
    let resource: Resource = { attributes: [], droppedAttributesCount: 0 };
    const scopeSpans: ScopeSpans[] = [];
    let schemaUrl = '';
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'resource': {
          const r = object(val, 'resource');
          if (r) {
            try {
              resource = this.resource(r);
            } catch (e) {
              failWithin(e, 'resource');
            }
          }
          break;
        }
        case 'scopeSpans':
        case 'scope_spans': {
          const list = array(val, 'scopeSpans');
          scopeSpans.length = 0;
          for (let i = 0; i < list.length; i++) {
            try {
              this.budget.charge(DECODED_COST.scopeSpans);
              scopeSpans.push(this.scopeSpans(list[i]));
            } catch (e) {
              failWithin(e, `scopeSpans[${i}]`);
            }
          }
          break;
        }
        case 'schemaUrl':
        case 'schema_url':
          schemaUrl = string(val, 'schemaUrl');
          break;
      }
    }
    return { resource, scopeSpans, schemaUrl };
  }

  private scopeSpans(v: unknown): ScopeSpans {
    const o = object(v, 'scopeSpans entry') ?? {};
    let scope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
    const spans: Span[] = [];
    let schemaUrl = '';
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'scope': {
          const s = object(val, 'scope');
          if (s) {
            try {
              scope = this.scope(s);
            } catch (e) {
              failWithin(e, 'scope');
            }
          }
          break;
        }
        case 'spans': {
          const list = array(val, 'spans');
          spans.length = 0;
          for (let i = 0; i < list.length; i++) {
            try {
              this.budget.charge(DECODED_COST.span);
              spans.push(this.span(list[i]));
            } catch (e) {
              failWithin(e, `spans[${i}]`);
            }
          }
          break;
        }
        case 'schemaUrl':
        case 'schema_url':
          schemaUrl = string(val, 'schemaUrl');
          break;
      }
    }
    return { scope, spans, schemaUrl };
  }

  private span(v: unknown): Span {
    const o = object(v, 'span') ?? {};
    let traceId: unknown;
    let spanId: unknown;
    let traceState = '';
    let parentSpanId = '';
    let flags = 0;
    let name = '';
    let kind = 0;
    let startTimeUnixNano = 0n;
    let endTimeUnixNano = 0n;
    let attributes: KeyValue[] = [];
    let droppedAttributesCount = 0;
    const events: SpanEvent[] = [];
    let droppedEventsCount = 0;
    const links: SpanLink[] = [];
    let droppedLinksCount = 0;
    let status: Status = { message: '', code: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'traceId':
        case 'trace_id':
          traceId = val;
          break;
        case 'spanId':
        case 'span_id':
          spanId = val;
          break;
        case 'traceState':
        case 'trace_state':
          traceState = string(val, 'traceState');
          break;
        case 'parentSpanId':
        case 'parent_span_id':
          parentSpanId = id(val, 'parentSpanId', SPAN_ID_BYTES, true);
          break;
        case 'flags':
          flags = uint32(val, 'flags');
          break;
        case 'name':
          name = string(val, 'name');
          break;
        case 'kind':
          kind = enumValue(val, 'kind', SPAN_KIND_NAMES);
          break;
        case 'startTimeUnixNano':
        case 'start_time_unix_nano':
          startTimeUnixNano = int64Of(val, 'startTimeUnixNano', false);
          break;
        case 'endTimeUnixNano':
        case 'end_time_unix_nano':
          endTimeUnixNano = int64Of(val, 'endTimeUnixNano', false);
          break;
        case 'attributes':
          attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
        case 'events': {
          const list = array(val, 'events');
          events.length = 0;
          for (let i = 0; i < list.length; i++) {
            try {
              this.budget.charge(DECODED_COST.event);
              events.push(this.event(list[i]));
            } catch (e) {
              failWithin(e, `events[${i}]`);
            }
          }
          break;
        }
        case 'droppedEventsCount':
        case 'dropped_events_count':
          droppedEventsCount = uint32(val, 'droppedEventsCount');
          break;
        case 'links': {
          const list = array(val, 'links');
          links.length = 0;
          for (let i = 0; i < list.length; i++) {
            try {
              this.budget.charge(DECODED_COST.link);
              links.push(this.link(list[i]));
            } catch (e) {
              failWithin(e, `links[${i}]`);
            }
          }
          break;
        }
        case 'droppedLinksCount':
        case 'dropped_links_count':
          droppedLinksCount = uint32(val, 'droppedLinksCount');
          break;
        case 'status': {
          const s = object(val, 'status');
          if (s) {
            try {
              status = this.status(s);
            } catch (e) {
              failWithin(e, 'status');
            }
          }
          break;
        }
      }
    }
    return {
      // Required (trace.proto); absent or empty is a zero-length id, which is invalid.
      traceId: id(traceId, 'traceId', TRACE_ID_BYTES, false),
      spanId: id(spanId, 'spanId', SPAN_ID_BYTES, false),
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

  private event(v: unknown): SpanEvent {
    const o = object(v, 'event') ?? {};
    const ev: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'timeUnixNano':
        case 'time_unix_nano':
          ev.timeUnixNano = int64Of(val, 'timeUnixNano', false);
          break;
        case 'name':
          ev.name = string(val, 'name');
          break;
        case 'attributes':
          ev.attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          ev.droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
      }
    }
    return ev;
  }

  private link(v: unknown): SpanLink {
    const o = object(v, 'link') ?? {};
    const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'traceId':
        case 'trace_id':
          link.traceId = id(val, 'traceId', TRACE_ID_BYTES, true);
          break;
        case 'spanId':
        case 'span_id':
          link.spanId = id(val, 'spanId', SPAN_ID_BYTES, true);
          break;
        case 'traceState':
        case 'trace_state':
          link.traceState = string(val, 'traceState');
          break;
        case 'attributes':
          link.attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          link.droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
        case 'flags':
          link.flags = uint32(val, 'flags');
          break;
      }
    }
    return link;
  }

  private status(o: JsonObject): Status {
    const s: Status = { message: '', code: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'message':
          s.message = string(val, 'message');
          break;
        case 'code':
          s.code = enumValue(val, 'code', STATUS_CODE_NAMES);
          break;
      }
    }
    return s;
  }
}
