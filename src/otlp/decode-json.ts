/**
 * Decodes an OTLP/JSON body (ExportTraceServiceRequest) into the span model, following the OTLP spec's
 * JSON rules (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) and being lenient where
 * the proto3 JSON mapping allows it:
 * - trace/span ids are hex strings (not base64), either case; span ids must be 16/8 bytes, parent and
 *   link ids may be empty;
 * - 64-bit integers are accepted as decimal strings or JSON numbers. JSON.parse turns numbers into
 *   doubles, so a number above 2^53 has already lost precision before we see it: senders that need
 *   exact values send strings, as the mapping recommends (and as our encoder does);
 * - enums are integers, or their names (`SPAN_KIND_SERVER`, `STATUS_CODE_ERROR`);
 * - field names are lowerCamelCase, or the proto's snake_case; unknown fields are ignored; `null`
 *   means "not set";
 * - doubles are numbers, or the strings "NaN", "Infinity", "-Infinity" (or a numeric string);
 * - bytes values are base64 (standard or URL-safe alphabet).
 * The body is parsed with JSON.parse (iterative in V8, so deep nesting cannot overflow the stack) and
 * then walked; AnyValue nesting is bounded by `limits.maxDepth`, checked before descending.
 *
 * Memory is bounded before it is taken (limits.ts, DecodeBudget): one linear pass over the text
 * charges what JSON.parse's tree will hold (objects, arrays, members, strings) before JSON.parse runs,
 * and each model element is charged as it is built (strings are shared with the tree, not copied).
 */
import { Buffer } from 'node:buffer';
import type { DecodeLimits, DecodeResult } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import { DecodeFailure, failWithin } from './decode-failure.js';
import { canonicalHex, isHex } from './hex.js';
import { budgetFor, DECODED_COST, effectiveMaxDepth, nestingError, type DecodeBudget } from './limits.js';
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
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from './proto-fields.js';

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeTracesJson(body: Uint8Array | string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): DecodeResult {
  try {
    const b = budget ?? budgetFor(limits);
    // the text itself (its UTF-8 length, its size as a one-byte string), then JSON.parse's tree
    const textCost = typeof body === 'string' ? body.length : body.byteLength;
    b.charge(textCost);
    let text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark is not JSON
    const treeCost = parseTreeCost(text);
    b.charge(treeCost);
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the input; errors never carry payload text.
      return { ok: false, error: 'body is not valid JSON' };
    }
    if (!isObject(root)) return { ok: false, error: 'body must be a JSON object (ExportTraceServiceRequest)' };
    const value = new JsonDecoder(effectiveMaxDepth(limits), b).tracesData(root);
    // the tree's structure is garbage now; its strings live on in the model (charged with the text)
    b.refund(treeCost);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof DecodeFailure) return e.refusal ? { ok: false, error: e.message, refusal: e.refusal } : { ok: false, error: e.message };
    if (e instanceof RangeError) return { ok: false, error: 'request too deeply nested' };
    return { ok: false, error: `malformed JSON request: ${e instanceof Error ? e.name : 'error'}` };
  }
}

type JsonObject = Record<string, unknown>;

/**
 * Heap JSON.parse's tree holds, per token, from measurements on Node 20 (parse a million of each and
 * divide the heap growth): `{}` 64, `[]` 40, an array slot 8, a string 24 plus its characters (charged
 * with the text), an object member whose key is seen nowhere else about 100 (`{"k123":1}` is 184).
 * Safe for hostile shapes; real OTLP/JSON, whose keys repeat, is charged about 3× what it takes.
 */
const TREE_COST = { object: 64, array: 40, slot: 8, string: 24, member: 48 } as const;

/**
 * What JSON.parse will allocate for `text`, estimated in one pass that tells strings from structure
 * (string characters are already charged with the text). Linear, no allocation; malformed text just
 * gets an estimate, and JSON.parse refuses it afterwards.
 */
function parseTreeCost(text: string): number {
  let cost = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote, stepping over escapes
      cost += TREE_COST.string;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b) cost += TREE_COST.object;
    else if (c === 0x5b) cost += TREE_COST.array;
    else if (c === 0x2c) cost += TREE_COST.slot;
    else if (c === 0x3a) cost += TREE_COST.member;
  }
  return cost;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- scalar fields: `null`/absent means the proto3 default ----

function object(v: unknown, name: string): JsonObject | undefined {
  if (v === null || v === undefined) return undefined;
  if (!isObject(v)) throw new DecodeFailure(`${name}: object expected`);
  return v;
}

function array(v: unknown, name: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new DecodeFailure(`${name}: array expected`);
  return v;
}

function string(v: unknown, name: string): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  throw new DecodeFailure(`${name}: string expected`);
}

const UINT_RE = /^[0-9]+$/;
const INT_RE = /^-?[0-9]+$/;
const MAX_UINT32 = 0xffffffff;
const MAX_UINT64 = 0xffffffffffffffffn;
const MIN_INT64 = -0x8000000000000000n;
const MAX_INT64 = 0x7fffffffffffffffn;

/** uint32 (counts) and fixed32 (flags): a number or a decimal string in [0, 2^32). */
function uint32(v: unknown, name: string): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'string' && UINT_RE.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_UINT32) return n;
  throw new DecodeFailure(`${name}: unsigned 32-bit integer expected`);
}

/** An enum: its integer (int32), or one of its names. */
function enumValue(v: unknown, name: string, names: Readonly<Record<string, number>>): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') {
    const byName = names[v];
    if (byName !== undefined && Object.hasOwn(names, v)) return byName;
    if (!INT_RE.test(v)) throw new DecodeFailure(`${name}: unknown enum value`);
    v = Number(v);
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return v;
  throw new DecodeFailure(`${name}: enum integer expected`);
}

/** A 64-bit integer from a decimal string or a JSON number, range-checked. */
function int64Of(v: unknown, name: string, signed: boolean): bigint {
  if (v === null || v === undefined) return 0n;
  let b: bigint;
  if (typeof v === 'string') {
    if (!(signed ? INT_RE : UINT_RE).test(v) || v.length > 21) throw new DecodeFailure(`${name}: integer string expected`);
    b = BigInt(v);
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    b = BigInt(v);
  } else throw new DecodeFailure(`${name}: integer expected (number or decimal string)`);
  if (signed ? b < MIN_INT64 || b > MAX_INT64 : b < 0n || b > MAX_UINT64) {
    throw new DecodeFailure(`${name}: out of range for ${signed ? 'int64' : 'uint64'}`);
  }
  return b;
}

function double(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = v.trim() === '' ? NaN : Number(v);
    if (Number.isFinite(n)) return n;
  }
  throw new DecodeFailure(`${name}: number expected`);
}

// Standard or URL-safe alphabet, optional padding. Linear: no nested quantifiers.
const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytes(v: unknown, name: string): Uint8Array {
  if (typeof v !== 'string' || !BASE64_RE.test(v) || v.length % 4 === 1) throw new DecodeFailure(`${name}: base64 string expected`);
  const b = Buffer.from(v, 'base64');
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

/** A hex id of `size` bytes, or '' when `allowEmpty` and absent/empty. */
function id(v: unknown, name: string, size: number, allowEmpty: boolean): string {
  if (v === null || v === undefined) v = '';
  if (typeof v !== 'string') throw new DecodeFailure(`invalid ${name}: hex string expected`);
  if (v === '' && allowEmpty) return '';
  if (v.length !== size * 2) throw new DecodeFailure(`invalid ${name}: ${size * 2} hex digits expected, got ${v.length}`);
  if (!isHex(v)) throw new DecodeFailure(`invalid ${name}: not hex`);
  return canonicalHex(v);
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

class JsonDecoder {
  constructor(
    private readonly maxDepth: number,
    private readonly budget: DecodeBudget,
  ) {}

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

  private resource(o: JsonObject): Resource {
    const r: Resource = { attributes: [], droppedAttributesCount: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'attributes':
          r.attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          r.droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
      }
    }
    return r;
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

  private scope(o: JsonObject): InstrumentationScope {
    const s: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'name':
          s.name = string(val, 'name');
          break;
        case 'version':
          s.version = string(val, 'version');
          break;
        case 'attributes':
          s.attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          s.droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
      }
    }
    return s;
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

  /** A top-level attribute list; failures name the attribute index. */
  private attributes(v: unknown): KeyValue[] {
    const list = array(v, 'attributes');
    const out: KeyValue[] = [];
    for (let i = 0; i < list.length; i++) {
      try {
        out.push(this.keyValue(list[i], 0));
      } catch (e) {
        failWithin(e, `attributes[${i}]`);
      }
    }
    return out;
  }

  /** `depth` counts the arrays/kvlists enclosing this KeyValue. */
  private keyValue(v: unknown, depth: number): KeyValue {
    this.budget.charge(DECODED_COST.keyValue);
    const o = object(v, 'key/value') ?? {};
    let key = '';
    let value: AnyValue = { kind: 'empty' };
    for (const k in o) {
      if (k === 'key') key = string(o[k], 'key');
      else if (k === 'value') {
        const av = object(o[k], 'value');
        if (av) value = this.anyValue(av, depth);
      }
    }
    return { key, value };
  }

  /**
   * `depth` counts the arrays/kvlists enclosing this value; entering one more checks the limit first,
   * so this recursion is at most maxDepth levels deep whatever the input.
   * Several oneof members set at once is malformed; as in protobuf, the last one wins.
   */
  private anyValue(o: JsonObject, depth: number): AnyValue {
    this.budget.charge(DECODED_COST.anyValue);
    let v: AnyValue = { kind: 'empty' };
    for (const k in o) {
      const val = o[k];
      if (val === null || val === undefined) continue;
      switch (k) {
        case 'stringValue':
        case 'string_value':
          v = { kind: 'string', value: string(val, 'stringValue') };
          break;
        case 'boolValue':
        case 'bool_value':
          if (typeof val !== 'boolean') throw new DecodeFailure('boolValue: boolean expected');
          v = { kind: 'bool', value: val };
          break;
        case 'intValue':
        case 'int_value':
          v = { kind: 'int', value: int64Of(val, 'intValue', true) };
          break;
        case 'doubleValue':
        case 'double_value':
          v = { kind: 'double', value: double(val, 'doubleValue') };
          break;
        case 'bytesValue':
        case 'bytes_value':
          if (typeof val === 'string') this.budget.charge(Math.ceil((val.length * 3) / 4) + DECODED_COST.bytes);
          v = { kind: 'bytes', value: bytes(val, 'bytesValue') };
          break;
        case 'arrayValue':
        case 'array_value': {
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          const list = array(object(val, 'arrayValue')?.['values'], 'arrayValue.values');
          const values: AnyValue[] = [];
          for (let i = 0; i < list.length; i++) {
            const item = object(list[i], 'arrayValue.values[]');
            if (item) values.push(this.anyValue(item, depth + 1));
            else {
              this.budget.charge(DECODED_COST.anyValue);
              values.push({ kind: 'empty' });
            }
          }
          v = { kind: 'array', values };
          break;
        }
        case 'kvlistValue':
        case 'kvlist_value': {
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          const list = array(object(val, 'kvlistValue')?.['values'], 'kvlistValue.values');
          const values: KeyValue[] = [];
          for (let i = 0; i < list.length; i++) values.push(this.keyValue(list[i], depth + 1));
          v = { kind: 'kvlist', values };
          break;
        }
      }
    }
    return v;
  }
}
