/**
 * Walks every place of the span and log models a client can put text in and redacts it, copy-on-write:
 * the input is never modified; a new object is built only along the path to a changed value, and
 * untouched sub-objects are shared. docs/policy-reference.md ("Where Loopgate looks") lists the places.
 *
 * Scanned: span name, status message and trace_state; event names; link trace_state; a log record's
 * body (a string, or the kvlists and arrays GenAI events hold message parts in, which keep their
 * shape), event name and severity text; scope name and version; schema URLs; every attribute list
 * (resource, scope, span, event, link, log record), keys as well as values. Values: strings (plain, or JSON opened by json-walk), bytes (read as UTF-8), integers long
 * enough to be a card or account number (read as their decimal text), arrays and kvlists (keys and
 * values, nested, bounded).
 * Skipped: the value (never the key) of an attribute in the skip list, when that value cannot carry
 * content (skip-keys.ts, `skipsValue`).
 * Dropped and counted: a client's own `loopgate.*` attribute at any level. Custody stamps are ours to
 * state (stamp.ts); each one dropped adds to the holder's `dropped_attributes_count`.
 */
import type { LogRecord } from '../otlp/logs-model.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource, Span, SpanEvent, SpanLink } from '../otlp/model.js';
import { looksLikeJson, redactJsonText } from './json-walk.js';
import type { RedactionAccount, TextRedactor } from './redact.js';
import { skipsValue, type KeyMatcher } from './skip-keys.js';
import { modelHints } from './model-hints.js';

export interface ScanSettings {
  readonly text: TextRedactor;
  readonly skip: KeyMatcher;
  readonly json: boolean;
  readonly jsonMaxDepth: number;
}

/** Nesting of OTLP arrays/kvlists walked; the decoder already bounds depth, this is a second guard. */
const MAX_ANY_VALUE_DEPTH = 64;

/** Attribute keys of ours: a client's are dropped wherever they appear (stamp.ts adds the real ones). */
export const RESERVED_PREFIX = 'loopgate.';

/**
 * Integers at least this large are scanned as their decimal text: card numbers (12–19 digits) and
 * other account numbers can be sent as int attributes. Counters, sizes and status codes are smaller.
 */
const MIN_SCANNED_INT = 100_000_000n;

/**
 * Keys known to hold nothing, remembered per policy: the same few hundred attribute names arrive on
 * every span, and a key is scanned once instead of once per span. Bounded (cleared when full), and
 * only keys with no finding are kept, so it never holds a detected value.
 */
const CLEAN_KEYS_MAX = 4096;
const CLEAN_KEY_MAX_LENGTH = 256;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Field names (`span.attributes["k"]`) are for explain only: on the hot path (no records collected)
 * they are never built, and every string is passed down with an empty one. A field name holds a key
 * as it is written out (redacted), never as it came in.
 */
export class RecordRedactor {
  readonly #cleanKeys = new Set<string>();

  constructor(private readonly s: ScanSettings) {}

  #text(text: string, acc: RedactionAccount, field: string): string {
    const s = this.s;
    if (s.json && looksLikeJson(text)) {
      const r = redactJsonText(text, s.text, acc, field, s.jsonMaxDepth);
      if (r !== undefined) return r;
    }
    return s.text.redact(text, acc, field, undefined);
  }

  /** An attribute or kvlist key: scanned as plain text; the redacted key replaces it. */
  #key(key: string, acc: RedactionAccount, prefix: string, topLevel: boolean): string {
    if (key.length < 3 || this.#cleanKeys.has(key)) return key;
    const records = acc.records;
    const before = records === undefined ? 0 : records.length;
    const r = this.s.text.redact(key, acc, '', undefined);
    if (r === key) {
      if (key.length <= CLEAN_KEY_MAX_LENGTH) {
        if (this.#cleanKeys.size >= CLEAN_KEYS_MAX) this.#cleanKeys.clear();
        this.#cleanKeys.add(key);
      }
      return key;
    }
    if (records !== undefined) {
      const field = `${fieldOf(prefix, r, topLevel)}(key)`;
      for (let i = before; i < records.length; i++) records[i]!.location = { field };
    }
    return r;
  }

  #value(v: AnyValue, field: string, acc: RedactionAccount, depth: number): AnyValue {
    switch (v.kind) {
      case 'string': {
        const r = this.#text(v.value, acc, field);
        return r === v.value ? v : { kind: 'string', value: r };
      }
      case 'bytes': {
        // Bytes holding UTF-8 text are text (invalid sequences read as U+FFFD); what is found is
        // redacted in that text, written back as UTF-8. Binary data with nothing found is kept as sent.
        if (v.value.length < 3) return v;
        const text = utf8Decoder.decode(v.value);
        const r = this.#text(text, acc, field);
        return r === text ? v : { kind: 'bytes', value: utf8Encoder.encode(r) };
      }
      case 'int': {
        const n = v.value;
        if (n < MIN_SCANNED_INT && n > -MIN_SCANNED_INT) return v;
        const text = n.toString();
        const r = this.s.text.redact(text, acc, field, undefined);
        return r === text ? v : { kind: 'string', value: r };
      }
      case 'double': {
        const n = v.value;
        if (!Number.isInteger(n) || Math.abs(n) < 1e8 || Math.abs(n) > Number.MAX_SAFE_INTEGER) return v;
        const text = String(n);
        const r = this.s.text.redact(text, acc, field, undefined);
        return r === text ? v : { kind: 'string', value: r };
      }
      case 'array': {
        if (depth >= MAX_ANY_VALUE_DEPTH) throw new Error('attribute value nested too deeply');
        const track = acc.records !== undefined;
        let out: AnyValue[] | undefined;
        for (let i = 0; i < v.values.length; i++) {
          const item = v.values[i]!;
          const r = this.#value(item, track ? `${field}[${i}]` : '', acc, depth + 1);
          if (r !== item) (out ??= v.values.slice())[i] = r;
        }
        return out ? { kind: 'array', values: out } : v;
      }
      case 'kvlist': {
        if (depth >= MAX_ANY_VALUE_DEPTH) throw new Error('attribute value nested too deeply');
        const r = this.#kvs(v.values, field, acc, depth + 1, false);
        return r === v.values ? v : { kind: 'kvlist', values: r };
      }
      default:
        return v;
    }
  }

  /**
   * `topLevel`: these are attributes (the skip list applies, drop_attribute removes the pair, our own
   * prefix is dropped). Inside a kvlist the whole top-level attribute is what gets dropped, so the flag
   * is left for the caller.
   */
  #kvs(kvs: KeyValue[], prefix: string, acc: RedactionAccount, depth: number, topLevel: boolean): KeyValue[] {
    const track = acc.records !== undefined;
    let out: KeyValue[] | undefined;
    for (let i = 0; i < kvs.length; i++) {
      const kv = kvs[i]!;
      if (topLevel) {
        if (kv.key.startsWith(RESERVED_PREFIX)) {
          out ??= kvs.slice(0, i);
          acc.strippedAttributes++;
          continue;
        }
        acc.dropAttribute = false;
      }
      const key = this.#key(kv.key, acc, prefix, topLevel);
      const skipped = topLevel && this.s.skip.matches(kv.key) && skipsValue(kv.value);
      const nv = skipped ? kv.value : this.#value(kv.value, track ? fieldOf(prefix, key, topLevel) : '', acc, depth);
      if (topLevel && acc.dropAttribute) {
        acc.dropAttribute = false;
        out ??= kvs.slice(0, i);
        continue;
      }
      if (nv !== kv.value || key !== kv.key) {
        out ??= kvs.slice(0, i);
        out.push({ key, value: nv });
      } else out?.push(kv);
    }
    return out ?? kvs;
  }

  attributes(kvs: KeyValue[], prefix: string, acc: RedactionAccount): KeyValue[] {
    return this.#kvs(kvs, prefix, acc, 0, true);
  }

  /** A string field that cannot be dropped (name, status message…): drop_attribute degrades to replace. */
  field(text: string, field: string, acc: RedactionAccount): string {
    if (text.length === 0) return text;
    const r = this.#text(text, acc, field);
    acc.dropAttribute = false;
    return r;
  }

  span(span: Span, acc: RedactionAccount): Span {
    acc.hints = modelHints(span.attributes); // the span's model names are no person's (PERSON detector)
    const track = acc.records !== undefined;
    const name = this.field(span.name, 'span.name', acc);
    const statusMessage = this.field(span.status.message, 'span.status.message', acc);
    const traceState = this.field(span.traceState, 'span.trace_state', acc);
    const strippedBefore = acc.strippedAttributes;
    const attributes = this.attributes(span.attributes, 'span.attributes', acc);
    const stripped = acc.strippedAttributes - strippedBefore;
    let events: SpanEvent[] | undefined;
    for (let i = 0; i < span.events.length; i++) {
      const ev = span.events[i]!;
      const evName = this.field(ev.name, track ? `span.events[${i}].name` : '', acc);
      const before = acc.strippedAttributes;
      const evAttrs = this.attributes(ev.attributes, track ? `span.events[${i}].attributes` : '', acc);
      const dropped = acc.strippedAttributes - before;
      if (evName !== ev.name || evAttrs !== ev.attributes) {
        (events ??= span.events.slice())[i] = { ...ev, name: evName, attributes: evAttrs, droppedAttributesCount: ev.droppedAttributesCount + dropped };
      }
    }
    let links: SpanLink[] | undefined;
    for (let i = 0; i < span.links.length; i++) {
      const l = span.links[i]!;
      const ts = this.field(l.traceState, track ? `span.links[${i}].trace_state` : '', acc);
      const before = acc.strippedAttributes;
      const la = this.attributes(l.attributes, track ? `span.links[${i}].attributes` : '', acc);
      const dropped = acc.strippedAttributes - before;
      if (la !== l.attributes || ts !== l.traceState) {
        (links ??= span.links.slice())[i] = { ...l, traceState: ts, attributes: la, droppedAttributesCount: l.droppedAttributesCount + dropped };
      }
    }
    if (
      name === span.name &&
      statusMessage === span.status.message &&
      traceState === span.traceState &&
      attributes === span.attributes &&
      events === undefined &&
      links === undefined
    ) {
      return span;
    }
    return {
      ...span,
      name,
      traceState,
      status: statusMessage === span.status.message ? span.status : { ...span.status, message: statusMessage },
      attributes,
      droppedAttributesCount: span.droppedAttributesCount + stripped,
      events: events ?? span.events,
      links: links ?? span.links,
    };
  }

  /**
   * A log record. The body is not an attribute, so drop_attribute found in it degrades to replace (as
   * for span names): the value is gone either way, and the rest of the message stays.
   */
  logRecord(rec: LogRecord, acc: RedactionAccount): LogRecord {
    acc.hints = modelHints(rec.attributes); // as for a span: the record's model names are no person's
    const body = this.#value(rec.body, 'log.body', acc, 0);
    acc.dropAttribute = false;
    const before = acc.strippedAttributes;
    const attributes = this.attributes(rec.attributes, 'log.attributes', acc);
    const stripped = acc.strippedAttributes - before;
    const eventName = this.field(rec.eventName, 'log.event_name', acc);
    const severityText = this.field(rec.severityText, 'log.severity_text', acc);
    if (body === rec.body && attributes === rec.attributes && eventName === rec.eventName && severityText === rec.severityText) return rec;
    return { ...rec, body, attributes, eventName, severityText, droppedAttributesCount: rec.droppedAttributesCount + stripped };
  }

  resource(r: Resource, acc: RedactionAccount): Resource {
    const before = acc.strippedAttributes;
    const attributes = this.attributes(r.attributes, 'resource.attributes', acc);
    const dropped = acc.strippedAttributes - before;
    return attributes === r.attributes ? r : { ...r, attributes, droppedAttributesCount: r.droppedAttributesCount + dropped };
  }

  scope(s: InstrumentationScope, acc: RedactionAccount): InstrumentationScope {
    const name = this.field(s.name, 'scope.name', acc);
    const version = this.field(s.version, 'scope.version', acc);
    const before = acc.strippedAttributes;
    const attributes = this.attributes(s.attributes, 'scope.attributes', acc);
    const dropped = acc.strippedAttributes - before;
    if (name === s.name && version === s.version && attributes === s.attributes) return s;
    return { ...s, name, version, attributes, droppedAttributesCount: s.droppedAttributesCount + dropped };
  }
}

/** The explain name of an attribute (`span.attributes["k"]`) or kvlist member (`….k`). */
function fieldOf(prefix: string, key: string, topLevel: boolean): string {
  return topLevel ? `${prefix}["${key}"]` : `${prefix}.${key}`;
}
