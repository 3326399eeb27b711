/**
 * fast-check arbitraries for the OTLP span, log record and metric models, shared by the property-based fuzz tests (codec,
 * engine, receiver). Every field of every message is generated, with the values a hostile or sloppy
 * producer sends: any Unicode text, empty strings, int64 and uint64 extremes, NaN and infinities,
 * unknown enum values, empty and binary bytes, nested arrays and kvlists.
 *
 * Runs are seeded and bounded: FUZZ_RUNS scales every test's count (default 1), FUZZ_SEED replaces
 * the fixed seed, so a CI failure is replayed with the seed and path fast-check prints.
 */
import fc from 'fast-check';
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../../src/otlp/logs-model.js';
import type {
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  NumberValue,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../../src/otlp/metrics-model.js';
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

/** Log records (logs.proto), every field: any severity number (known or not), any body AnyValue, event names. */
export const logRecord: fc.Arbitrary<LogRecord> = fc.record({
  timeUnixNano: uint64,
  observedTimeUnixNano: uint64,
  severityNumber: fc.oneof(fc.integer({ min: 0, max: 24 }), int32),
  severityText: anyText,
  body: anyValue,
  attributes,
  droppedAttributesCount: uint32,
  flags: uint32,
  traceId: fc.oneof(hexOf(16), fc.constant('')),
  spanId: fc.oneof(hexOf(8), fc.constant('')),
  eventName: fc.oneof(anyText, fc.constantFrom('gen_ai.client.inference.operation.details', 'gen_ai.choice')),
});
const scopeLogs: fc.Arbitrary<ScopeLogs> = fc.record({ scope, logRecords: fc.array(logRecord, { maxLength: 3 }), schemaUrl: anyText });
const resourceLogs: fc.Arbitrary<ResourceLogs> = fc.record({ resource, scopeLogs: fc.array(scopeLogs, { maxLength: 2 }), schemaUrl: anyText });
export const logsData: fc.Arbitrary<LogsData> = fc.record({ resourceLogs: fc.array(resourceLogs, { maxLength: 2 }) });

/** Metrics (metrics.proto): the five data kinds and `none`, exemplars with either value or none, optional doubles set or not. */
const numberValue: fc.Arbitrary<NumberValue> = fc.oneof(
  fc.record({ kind: fc.constant('double' as const), value: fc.double() }),
  fc.record({ kind: fc.constant('int' as const), value: int64 }),
  fc.constant({ kind: 'none' as const }),
);
const exemplar: fc.Arbitrary<Exemplar> = fc.record({
  filteredAttributes: attributes,
  timeUnixNano: uint64,
  value: numberValue,
  spanId: fc.oneof(hexOf(8), fc.constant('')),
  traceId: fc.oneof(hexOf(16), fc.constant('')),
});
const exemplars = fc.array(exemplar, { maxLength: 2 });
const optionalDouble = fc.option(fc.double(), { nil: undefined });
const counts = fc.array(uint64, { maxLength: 4 });
const doubles = fc.array(fc.double(), { maxLength: 4 });
const numberPoint: fc.Arbitrary<NumberDataPoint> = fc.record({ attributes, startTimeUnixNano: uint64, timeUnixNano: uint64, value: numberValue, exemplars, flags: uint32 });
const histogramPoint: fc.Arbitrary<HistogramDataPoint> = fc.record({
  attributes,
  startTimeUnixNano: uint64,
  timeUnixNano: uint64,
  count: uint64,
  sum: optionalDouble,
  bucketCounts: counts,
  explicitBounds: doubles,
  exemplars,
  flags: uint32,
  min: optionalDouble,
  max: optionalDouble,
});
const buckets = fc.record({ offset: int32, bucketCounts: counts });
const exponentialPoint: fc.Arbitrary<ExponentialHistogramDataPoint> = fc.record({
  attributes,
  startTimeUnixNano: uint64,
  timeUnixNano: uint64,
  count: uint64,
  sum: optionalDouble,
  scale: int32,
  zeroCount: uint64,
  positive: buckets,
  negative: buckets,
  flags: uint32,
  exemplars,
  min: optionalDouble,
  max: optionalDouble,
  zeroThreshold: fc.double(),
});
const summaryPoint: fc.Arbitrary<SummaryDataPoint> = fc.record({
  attributes,
  startTimeUnixNano: uint64,
  timeUnixNano: uint64,
  count: uint64,
  sum: fc.double(),
  quantileValues: fc.array(fc.record({ quantile: fc.double(), value: fc.double() }), { maxLength: 3 }),
  flags: uint32,
});
const temporality = fc.oneof(fc.integer({ min: 0, max: 2 }), int32);
const metricData: fc.Arbitrary<MetricData> = fc.oneof(
  fc.record({ kind: fc.constant('gauge' as const), dataPoints: fc.array(numberPoint, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('sum' as const), dataPoints: fc.array(numberPoint, { maxLength: 2 }), aggregationTemporality: temporality, isMonotonic: fc.boolean() }),
  fc.record({ kind: fc.constant('histogram' as const), dataPoints: fc.array(histogramPoint, { maxLength: 2 }), aggregationTemporality: temporality }),
  fc.record({ kind: fc.constant('exponentialHistogram' as const), dataPoints: fc.array(exponentialPoint, { maxLength: 2 }), aggregationTemporality: temporality }),
  fc.record({ kind: fc.constant('summary' as const), dataPoints: fc.array(summaryPoint, { maxLength: 2 }) }),
  fc.constant({ kind: 'none' as const }),
);
const metric: fc.Arbitrary<Metric> = fc.record({ name: anyText, description: anyText, unit: anyText, data: metricData, metadata: attributes });
const scopeMetrics: fc.Arbitrary<ScopeMetrics> = fc.record({ scope, metrics: fc.array(metric, { maxLength: 3 }), schemaUrl: anyText });
const resourceMetrics: fc.Arbitrary<ResourceMetrics> = fc.record({ resource, scopeMetrics: fc.array(scopeMetrics, { maxLength: 2 }), schemaUrl: anyText });
export const metricsData: fc.Arbitrary<MetricsData> = fc.record({ resourceMetrics: fc.array(resourceMetrics, { maxLength: 2 }) });
