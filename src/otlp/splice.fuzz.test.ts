/**
 * Encoding only what changed (wire-key-value.ts): attributes decoded from protobuf keep their bytes,
 * and the encoders copy them while they are unchanged. Properties, for traces, logs and metrics:
 * - a decoded request, edited the way the engine edits one (attributes replaced by redacted copies,
 *   dropped, pre-encoded stamps appended), encodes with splicing to the very bytes, and so the same
 *   model, that encoding the same edits from plain objects gives;
 * - bytes a standard parser would read differently from our model (an unknown field, a field sent
 *   twice, two oneof members, invalid UTF-8) are never spliced: a value hidden in them, which the
 *   scanner never saw, never reaches an export body;
 * - a redacted copy of a decoded attribute (`{ ...kv, value }`) is never written with the original
 *   bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, tracesData } from '../../test/support/otlp-arbitraries.js';
import { mulberry32 } from '../../test/support/rng.js';
import { CODECS, type Signal } from './signal.js';
import type { LogsData } from './logs-model.js';
import type { MetricsData } from './metrics-model.js';
import { str, type AnyValue, type KeyValue, type TracesData } from './model.js';
import { preEncodedKeyValue } from './proto-encode.js';
import { WireKeyValue } from './wire-key-value.js';

/** The property names under which the models hold attribute lists. */
const ATTRIBUTE_LISTS = new Set(['attributes', 'metadata', 'filteredAttributes']);

/** A copy of `x` with every attribute list passed through `edit` (KeyValues are never descended into). */
function mapLists(x: unknown, edit: (kvs: KeyValue[]) => KeyValue[]): unknown {
  if (Array.isArray(x)) return x.map((v) => mapLists(v, edit));
  if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = ATTRIBUTE_LISTS.has(k) && Array.isArray(v) ? edit(v as KeyValue[]) : mapLists(v, edit);
  return out;
}

/** The same model with no bytes kept anywhere: what the full encoder writes. */
function plain<T>(x: T): T {
  return mapLists(x, (kvs) => kvs.map((kv) => ({ key: kv.key, value: kv.value }))) as T;
}

function countWire(x: unknown): number {
  let n = 0;
  mapLists(x, (kvs) => {
    for (const kv of kvs) if (kv instanceof WireKeyValue) n++;
    return kvs;
  });
  return n;
}

const STAMPS = [preEncodedKeyValue('loopgate.class', str('broad-use')), preEncodedKeyValue('loopgate.rule', str('r1'))];

/** The engine's kinds of edit, chosen by `seed`: keep, replace by a copy with a new value, drop; stamps appended. */
function engineEdits<T>(x: T, seed: number): T {
  const random = mulberry32(seed);
  return mapLists(x, (kvs) => {
    const out: KeyValue[] = [];
    for (const kv of kvs) {
      const r = random();
      if (r < 0.5) out.push(kv);
      else if (r < 0.75) out.push({ ...kv, value: str('<EMAIL_ADDRESS>') });
      else if (r < 0.85) out.push({ ...kv, key: `${kv.key}!` });
    }
    if (random() < 0.7) out.push(...STAMPS);
    return out;
  }) as T;
}

function logsOf(t: TracesData): LogsData {
  return {
    resourceLogs: t.resourceSpans.map((rs) => ({
      resource: rs.resource,
      schemaUrl: rs.schemaUrl,
      scopeLogs: rs.scopeSpans.map((ss) => ({
        scope: ss.scope,
        schemaUrl: ss.schemaUrl,
        logRecords: ss.spans.map((s) => ({
          timeUnixNano: s.startTimeUnixNano,
          observedTimeUnixNano: s.endTimeUnixNano,
          severityNumber: s.kind,
          severityText: s.status.message,
          body: (s.attributes[0]?.value ?? { kind: 'empty' }) as AnyValue,
          attributes: s.attributes,
          droppedAttributesCount: s.droppedAttributesCount,
          flags: s.flags,
          traceId: s.traceId,
          spanId: s.spanId,
          eventName: s.name,
        })),
      })),
    })),
  };
}

function metricsOf(t: TracesData): MetricsData {
  return {
    resourceMetrics: t.resourceSpans.map((rs) => ({
      resource: rs.resource,
      schemaUrl: rs.schemaUrl,
      scopeMetrics: rs.scopeSpans.map((ss) => ({
        scope: ss.scope,
        schemaUrl: ss.schemaUrl,
        metrics: ss.spans.map((s) => ({
          name: s.name,
          description: s.traceState,
          unit: '',
          metadata: s.links.flatMap((l) => l.attributes),
          data: {
            kind: 'gauge' as const,
            dataPoints: [
              {
                attributes: s.attributes,
                startTimeUnixNano: s.startTimeUnixNano,
                timeUnixNano: s.endTimeUnixNano,
                value: { kind: 'int' as const, value: BigInt(s.kind) },
                flags: 0,
                exemplars: s.events.map((e) => ({
                  filteredAttributes: e.attributes,
                  timeUnixNano: e.timeUnixNano,
                  value: { kind: 'double' as const, value: 1.5 },
                  spanId: s.spanId,
                  traceId: s.traceId,
                })),
              },
            ],
          },
        })),
      })),
    })),
  };
}

const SIGNAL_DATA: [Signal, fc.Arbitrary<unknown>][] = [
  ['traces', tracesData],
  ['logs', tracesData.map(logsOf)],
  ['metrics', tracesData.map(metricsOf)],
];

function decode(signal: Signal, body: Uint8Array): unknown {
  const r = CODECS[signal].decode(body, 'protobuf');
  if (!r.ok) throw new Error(`${signal}: ${r.error}`);
  return r.value;
}
const encode = (signal: Signal, data: unknown): Uint8Array => (CODECS[signal].encode as (d: unknown, e: 'protobuf') => Uint8Array)(data, 'protobuf');

describe('splice encoding equals full encoding', () => {
  for (const [signal, data] of SIGNAL_DATA) {
    it(`${signal}: decoded, edited as the engine edits, spliced = encoded from plain objects`, () => {
      let spliced = 0;
      fc.assert(
        fc.property(data, fc.integer(), (d, seed) => {
          const decoded = decode(signal, encode(signal, d));
          const edited = engineEdits(decoded, seed);
          spliced += countWire(edited);
          const viaSplice = encode(signal, edited);
          const full = encode(signal, plain(edited));
          // our encoder wrote the original, so the copied bytes are exactly what it would write again
          expect(Buffer.from(viaSplice).equals(Buffer.from(full))).toBe(true);
          expect(plain(decode(signal, viaSplice))).toEqual(plain(edited));
        }),
        fuzzParams(200),
      );
      expect(spliced).toBeGreaterThan(100); // the property did exercise splicing
    });
  }
});

// ---- hand-built wire bytes, to put in what our own encoder never writes ----

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const len = (field: number, body: number[]): number[] => [...varint((field << 3) | 2), ...varint(body.length), ...body];
const text = (s: string): number[] => [...Buffer.from(s, 'utf8')];
const strValue = (s: string): number[] => len(1, text(s));

/** An ExportTraceServiceRequest with one span whose attributes are the given KeyValue bodies. */
function traceRequest(kvBodies: number[][]): Uint8Array {
  const span = [...len(1, Array(16).fill(1)), ...len(2, Array(8).fill(2)), ...len(5, text('chat')), ...kvBodies.flatMap((kv) => len(9, kv))];
  return Uint8Array.from(len(1, [...len(2, len(2, span))]));
}

const PLANTED = 'jane.doe@example.com';

describe('bytes a standard parser reads differently are never spliced', () => {
  const cases: [string, number[]][] = [
    ['an unknown field in the KeyValue', [...len(1, text('k')), ...len(2, strValue('ok')), ...len(7, text(PLANTED))]],
    ['an unknown field in the AnyValue', [...len(1, text('k')), ...len(2, [...strValue('ok'), ...len(15, text(PLANTED))])]],
    ['the value sent twice (a standard parser merges the two)', [...len(1, text('k')), ...len(2, len(6, len(1, [...len(1, text('a')), ...len(2, strValue(PLANTED))]))), ...len(2, strValue('ok'))]],
    ['the key sent twice', [...len(1, text(PLANTED)), ...len(1, text('k')), ...len(2, strValue('ok'))]],
    ['two members of the oneof', [...len(1, text('k')), ...len(2, [...strValue(PLANTED), ...[0x18, 0x05]])]],
    ['an unknown field inside a kvlist', [...len(1, text('k')), ...len(2, len(6, [...len(1, [...len(1, text('a')), ...len(2, strValue('ok'))]), ...len(9, text(PLANTED))]))]],
  ];
  for (const [name, kv] of cases) {
    it(name, () => {
      const decoded = decode('traces', traceRequest([kv, [...len(1, text('regular')), ...len(2, strValue('kept'))]])) as TracesData;
      const attrs = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
      expect(attrs[0]).not.toBeInstanceOf(WireKeyValue);
      expect(attrs[1]).toBeInstanceOf(WireKeyValue); // a regular neighbour still is
      // what the model holds is what was scanned; the hidden value is not in it
      expect(JSON.stringify(plain(decoded), (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(PLANTED);
      const out = encode('traces', decoded);
      expect(Buffer.from(out).includes(PLANTED)).toBe(false);
      expect(plain(decode('traces', out))).toEqual(plain(decoded));
    });
  }

  it('invalid UTF-8 (read as U+FFFD) is written as U+FFFD, not as the bytes sent', () => {
    const kv = [...len(1, text('k')), ...len(2, len(1, [0x61, 0xff, 0x62]))];
    const decoded = decode('traces', traceRequest([kv])) as TracesData;
    const a = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes[0]!;
    expect(a).not.toBeInstanceOf(WireKeyValue);
    expect(a.value).toEqual({ kind: 'string', value: 'a\uFFFDb' });
    const out = Buffer.from(encode('traces', decoded));
    expect(out.includes(Buffer.from([0x61, 0xff, 0x62]))).toBe(false);
    expect(out.includes(Buffer.from('a\uFFFDb'))).toBe(true);
  });
});

describe('a redacted copy never carries the original bytes', () => {
  it('spreading a decoded attribute with a new value writes the new value', () => {
    const decoded = decode('traces', traceRequest([[...len(1, text('user.email')), ...len(2, strValue(PLANTED))]])) as TracesData;
    const span = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const original = span.attributes[0]!;
    expect(original).toBeInstanceOf(WireKeyValue);
    const copy = { ...original, value: str('<EMAIL_ADDRESS>') };
    expect(copy).not.toBeInstanceOf(WireKeyValue);
    expect(Object.keys(copy).sort()).toEqual(['key', 'value']); // no bytes travel with a spread
    span.attributes = [copy];
    const out = Buffer.from(encode('traces', decoded));
    expect(out.includes(PLANTED)).toBe(false);
    expect(out.includes('<EMAIL_ADDRESS>')).toBe(true);
  });
});
