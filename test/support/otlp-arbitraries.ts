/**
 * fast-check arbitraries for the OTLP span model, shared by the property-based fuzz tests (codec,
 * engine, receiver). Every field of every message is generated, with the values a hostile or sloppy
 * producer sends: any Unicode text, empty strings, int64 and uint64 extremes, NaN and infinities,
 * unknown enum values, empty and binary bytes, nested arrays and kvlists.
 *
 * Runs are seeded and bounded: FUZZ_RUNS scales every test's count (default 1), FUZZ_SEED replaces
 * the fixed seed, so a CI failure is replayed with the seed and path fast-check prints.
 */
import fc from 'fast-check';
import type { AnyValue, InstrumentationScope, KeyValue, Resource, ResourceSpans, ScopeSpans, Span, SpanEvent, SpanLink, TracesData } from '../../src/otlp/model.js';

/** `fc.assert` parameters: a fixed seed (or FUZZ_SEED) and `runs` × FUZZ_RUNS runs. */
export function fuzzParams(runs: number, seed = 13): fc.Parameters<unknown> {
  const scale = Number(process.env['FUZZ_RUNS'] ?? '1');
  const fromEnv = process.env['FUZZ_SEED'];
  return { seed: fromEnv !== undefined ? Number(fromEnv) : seed, numRuns: Math.max(1, Math.round(runs * scale)), endOnFailure: true };
}

const hexOf = (bytes: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));

/** Any text: full Unicode (no lone surrogates, which UTF-8 cannot carry), often empty, sometimes long. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'chat', 'gen_ai.input.messages', '{"a":1}', '\\u0040', '日本語', '\u0000') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 300 }) },
);

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });

export const anyValue: fc.Arbitrary<AnyValue> = fc.letrec<{ value: AnyValue; kv: KeyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('string' as const), value: anyText }),
    fc.record({ kind: fc.constant('bool' as const), value: fc.boolean() }),
    fc.record({ kind: fc.constant('int' as const), value: int64 }),
    fc.record({ kind: fc.constant('double' as const), value: fc.double() }),
    fc.record({ kind: fc.constant('bytes' as const), value: fc.uint8Array({ maxLength: 24 }) }),
    fc.constant({ kind: 'empty' as const }),
    fc.record({ kind: fc.constant('array' as const), values: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('kvlist' as const), values: fc.array(tie('kv'), { maxLength: 3 }) }),
  ),
  kv: fc.record({ key: anyText, value: tie('value') }),
})).value;

export const keyValue: fc.Arbitrary<KeyValue> = fc.record({ key: anyText, value: anyValue });
const attributes = fc.array(keyValue, { maxLength: 4 });

const event: fc.Arbitrary<SpanEvent> = fc.record({ timeUnixNano: uint64, name: anyText, attributes, droppedAttributesCount: uint32 });
const link: fc.Arbitrary<SpanLink> = fc.record({
  traceId: fc.oneof(hexOf(16), fc.constant('')),
  spanId: fc.oneof(hexOf(8), fc.constant('')),
  traceState: anyText,
  attributes,
  droppedAttributesCount: uint32,
  flags: uint32,
});

export const span: fc.Arbitrary<Span> = fc.record({
  traceId: hexOf(16),
  spanId: hexOf(8),
  traceState: anyText,
  parentSpanId: fc.oneof(hexOf(8), fc.constant('')),
  flags: uint32,
  name: anyText,
  kind: int32,
  startTimeUnixNano: uint64,
  endTimeUnixNano: uint64,
  attributes,
  droppedAttributesCount: uint32,
  events: fc.array(event, { maxLength: 2 }),
  droppedEventsCount: uint32,
  links: fc.array(link, { maxLength: 2 }),
  droppedLinksCount: uint32,
  status: fc.record({ message: anyText, code: int32 }),
});

const resource: fc.Arbitrary<Resource> = fc.record({ attributes, droppedAttributesCount: uint32 });
const scope: fc.Arbitrary<InstrumentationScope> = fc.record({ name: anyText, version: anyText, attributes, droppedAttributesCount: uint32 });
const scopeSpans: fc.Arbitrary<ScopeSpans> = fc.record({ scope, spans: fc.array(span, { maxLength: 3 }), schemaUrl: anyText });
const resourceSpans: fc.Arbitrary<ResourceSpans> = fc.record({ resource, scopeSpans: fc.array(scopeSpans, { maxLength: 2 }), schemaUrl: anyText });

export const tracesData: fc.Arbitrary<TracesData> = fc.record({ resourceSpans: fc.array(resourceSpans, { maxLength: 2 }) });

/**
 * Mutations of a valid body, the way a mutation fuzzer would: flip bytes, cut it short, splice in
 * runs of a byte, duplicate a slice, lie in a length prefix.
 */
export function mutated(body: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = Math.max(1, body.length);
  return fc.oneof(
    fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const out = new Uint8Array(body);
      for (const [at, v] of flips) if (at < out.length) out[at] = v;
      return out;
    }),
    fc.nat(n).map((cut) => body.subarray(0, cut)),
    fc.tuple(fc.nat(n), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 64 })).map(([at, byte, count]) => {
      const fill = new Uint8Array(count).fill(byte);
      return Buffer.concat([body.subarray(0, at), fill, body.subarray(at)]);
    }),
    fc.tuple(fc.nat(n), fc.nat(n)).map(([a, b]) => Buffer.concat([body, body.subarray(Math.min(a, b), Math.max(a, b))])),
    fc.tuple(fc.nat(n - 1), fc.constantFrom(0x7f, 0xff, 0x80, 0x00)).map(([at, v]) => {
      const out = new Uint8Array(body);
      if (at < out.length) out[at] = v;
      return out;
    }),
  );
}
