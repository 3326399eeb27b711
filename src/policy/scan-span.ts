/**
 * Walks every string a span carries and redacts it, copy-on-write: the input span is never modified;
 * a new object is built only along the path to a changed value, and untouched sub-objects are shared.
 *
 * Looked at: span name, status message, span attributes, event names and attributes, link attributes;
 * resource and scope attributes are done once per resource/scope by the engine with the same walker.
 * Attribute values: strings (plain, or JSON opened by json-walk), arrays and kvlists (nested, bounded).
 * Keys in the skip list are never scanned.
 */
import type { AnyValue, InstrumentationScope, KeyValue, Resource, Span, SpanEvent, SpanLink } from '../otlp/model.js';
import { looksLikeJson, redactJsonText } from './json-walk.js';
import type { RedactionAccount, TextRedactor } from './redact.js';
import type { KeyMatcher } from './skip-keys.js';
import { modelHints } from './model-hints.js';

export interface ScanSettings {
  readonly text: TextRedactor;
  readonly skip: KeyMatcher;
  readonly json: boolean;
  readonly jsonMaxDepth: number;
}

/** Nesting of OTLP arrays/kvlists walked; the decoder already bounds depth, this is a second guard. */
const MAX_ANY_VALUE_DEPTH = 64;

/**
 * Field names (`span.attributes["k"]`) are for explain only: on the hot path (no records collected)
 * they are never built, and every string is passed down with an empty one.
 */
export class SpanScanner {
  constructor(private readonly s: ScanSettings) {}

  #text(text: string, acc: RedactionAccount, field: string): string {
    const s = this.s;
    if (s.json && looksLikeJson(text)) {
      const r = redactJsonText(text, s.text, acc, field, s.jsonMaxDepth);
      if (r !== undefined) return r;
    }
    return s.text.redact(text, acc, field, undefined);
  }

  #value(v: AnyValue, field: string, acc: RedactionAccount, depth: number): AnyValue {
    switch (v.kind) {
      case 'string': {
        const r = this.#text(v.value, acc, field);
        return r === v.value ? v : { kind: 'string', value: r };
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
   * `topLevel`: these are attributes (skip list applies, drop_attribute removes the pair). Inside a
   * kvlist the whole top-level attribute is what gets dropped, so the flag is left for the caller.
   */
  #kvs(kvs: KeyValue[], prefix: string, acc: RedactionAccount, depth: number, topLevel: boolean): KeyValue[] {
    const track = acc.records !== undefined;
    let out: KeyValue[] | undefined;
    for (let i = 0; i < kvs.length; i++) {
      const kv = kvs[i]!;
      if (topLevel) {
        if (this.s.skip.matches(kv.key)) {
          out?.push(kv);
          continue;
        }
        acc.dropAttribute = false;
      }
      const field = track ? (topLevel ? `${prefix}["${kv.key}"]` : `${prefix}.${kv.key}`) : '';
      const nv = this.#value(kv.value, field, acc, depth);
      if (topLevel && acc.dropAttribute) {
        acc.dropAttribute = false;
        out ??= kvs.slice(0, i);
        continue;
      }
      if (nv !== kv.value) {
        out ??= kvs.slice(0, i);
        out.push({ key: kv.key, value: nv });
      } else out?.push(kv);
    }
    return out ?? kvs;
  }

  attributes(kvs: KeyValue[], prefix: string, acc: RedactionAccount): KeyValue[] {
    return this.#kvs(kvs, prefix, acc, 0, true);
  }

  /** A string field that cannot be dropped (name, status message): drop_attribute degrades to replace. */
  #field(text: string, field: string, acc: RedactionAccount): string {
    const r = this.#text(text, acc, field);
    acc.dropAttribute = false;
    return r;
  }

  span(span: Span, acc: RedactionAccount): Span {
    acc.hints = modelHints(span.attributes); // the span's model names are no person's (PERSON detector)
    const track = acc.records !== undefined;
    const name = this.#field(span.name, 'span.name', acc);
    const statusMessage = this.#field(span.status.message, 'span.status.message', acc);
    const attributes = this.attributes(span.attributes, 'span.attributes', acc);
    let events: SpanEvent[] | undefined;
    for (let i = 0; i < span.events.length; i++) {
      const ev = span.events[i]!;
      const evName = this.#field(ev.name, track ? `span.events[${i}].name` : '', acc);
      const evAttrs = this.attributes(ev.attributes, track ? `span.events[${i}].attributes` : '', acc);
      if (evName !== ev.name || evAttrs !== ev.attributes) {
        (events ??= span.events.slice())[i] = { ...ev, name: evName, attributes: evAttrs };
      }
    }
    let links: SpanLink[] | undefined;
    for (let i = 0; i < span.links.length; i++) {
      const l = span.links[i]!;
      const la = this.attributes(l.attributes, track ? `span.links[${i}].attributes` : '', acc);
      if (la !== l.attributes) (links ??= span.links.slice())[i] = { ...l, attributes: la };
    }
    if (
      name === span.name &&
      statusMessage === span.status.message &&
      attributes === span.attributes &&
      events === undefined &&
      links === undefined
    ) {
      return span;
    }
    return {
      ...span,
      name,
      status: statusMessage === span.status.message ? span.status : { ...span.status, message: statusMessage },
      attributes,
      events: events ?? span.events,
      links: links ?? span.links,
    };
  }

  resource(r: Resource, acc: RedactionAccount): Resource {
    const attributes = this.attributes(r.attributes, 'resource.attributes', acc);
    return attributes === r.attributes ? r : { ...r, attributes };
  }

  scope(s: InstrumentationScope, acc: RedactionAccount): InstrumentationScope {
    const attributes = this.attributes(s.attributes, 'scope.attributes', acc);
    return attributes === s.attributes ? s : { ...s, attributes };
  }
}
