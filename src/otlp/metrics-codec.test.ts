/**
 * The metrics codec: exact round trips of every metric type and field in both encodings, agreement with
 * protobufjs (an independent schema written from metrics.proto) both ways, the bytes the OpenTelemetry
 * JS SDK really writes for gauges, sums, histograms and exponential histograms, packed and unpacked
 * repeated fields, and errors that say where.
 */
import { MetricReader, MeterProvider, AggregationType } from '@opentelemetry/sdk-metrics';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { decodeMetricsWithProtobufjs, encodeMetricsWithProtobufjs, MetricsRequestType } from '../../test/proto/pbjs-metrics.js';
import { everyFieldMetricsRequest } from '../../test/proto/samples.js';
import { cat, len, str, tag, u32, varint } from '../../test/proto/wire.js';
import { decodeMetricsJson } from './decode-metrics-json.js';
import { decodeMetricsProtobuf, type MetricsDecodeResult } from './decode-metrics-protobuf.js';
import { encodeMetricsJson } from './encode-metrics-json.js';
import { encodeMetricsProtobuf } from './encode-metrics-protobuf.js';
import { countDataPoints, type MetricsData } from './metrics-model.js';

function errorOf(r: MetricsDecodeResult): string {
  if (r.ok) throw new Error('expected a decode error');
  return r.error;
}

function value(r: MetricsDecodeResult): MetricsData {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Records every instrument type through a real MeterProvider and returns what its reader collected. */
async function sdkMetrics(): Promise<Parameters<typeof ProtobufMetricsSerializer.serializeRequest>[0]> {
  class Reader extends MetricReader {
    protected override async onShutdown(): Promise<void> {}
    protected override async onForceFlush(): Promise<void> {}
  }
  const reader = new Reader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'billing', 'tenant.id': 'acme' }),
    readers: [reader],
    views: [{ instrumentName: 'exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('gen_ai', '1.2.0');
  meter.createCounter('gen_ai.client.token.usage.total').add(42, { 'gen_ai.request.model': 'gpt-4o', 'user.email': 'jane@example.com' });
  meter.createUpDownCounter('queue.depth').add(-3, { queue: 'a' });
  meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' }).record(0.37, { 'gen_ai.operation.name': 'chat' });
  meter.createHistogram('exp').record(12.5);
  meter.createGauge('temperature').record(21.5, { room: 'kitchen' });
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

describe('metrics codec: round trips', () => {
  it('protobuf: decode(encode(x)) equals x for every metric type and field', () => {
    const data = everyFieldMetricsRequest();
    expect(decodeMetricsProtobuf(encodeMetricsProtobuf(data))).toEqual({ ok: true, value: data });
  });

  it('JSON: decode(encode(x)) equals x for every metric type and field', () => {
    const data = everyFieldMetricsRequest();
    expect(decodeMetricsJson(encodeMetricsJson(data))).toEqual({ ok: true, value: data });
  });

  it('keeps optional doubles set to 0, -0 and unset apart', () => {
    const data = value(decodeMetricsProtobuf(encodeMetricsProtobuf(everyFieldMetricsRequest())));
    const h = data.resourceMetrics[0]!.scopeMetrics[0]!.metrics.find((m) => m.name === 'histogram')!.data;
    if (h.kind !== 'histogram') throw new Error('histogram expected');
    expect(h.dataPoints[0]!.sum).toBe(0);
    expect(Object.is(h.dataPoints[0]!.min, -0)).toBe(true);
    expect(h.dataPoints[1]!.sum).toBeUndefined();
  });

  it('writes OTLP/JSON with 64-bit values as strings and the oneof member by name', () => {
    const json = encodeMetricsJson(everyFieldMetricsRequest());
    expect(json).not.toMatch(/\n/);
    expect(json.startsWith('{"resourceMetrics":[')).toBe(true);
    expect(json).toContain('"count":"18446744073709551615"');
    expect(json).toContain('"asInt":"-9223372036854775808"');
    expect(json).toContain('"asDouble":"NaN"');
    expect(json).toContain('"explicitBounds":["-Infinity",0,2.5]');
    expect(json).toContain('"exponentialHistogram":{"dataPoints":[');
    expect(json).toContain('"isMonotonic":true');
    expect(json).toContain('"metadata":[{"key":"m"');
  });

  it('encodes an empty request as {"resourceMetrics":[]} and zero protobuf bytes', () => {
    expect(encodeMetricsJson({ resourceMetrics: [] })).toBe('{"resourceMetrics":[]}');
    expect(encodeMetricsProtobuf({ resourceMetrics: [] })).toHaveLength(0);
  });

  it('counts data points across metric types', () => {
    expect(countDataPoints(everyFieldMetricsRequest())).toBe(3 + 1 + 0 + 2 + 2 + 1);
  });
});

describe('metrics codec: against protobufjs (independent schema from the spec)', () => {
  it('protobufjs decodes our protobuf to the same model', () => {
    const data = everyFieldMetricsRequest();
    expect(decodeMetricsWithProtobufjs(encodeMetricsProtobuf(data))).toEqual(data);
  });

  it("we decode protobufjs's protobuf to the same model", () => {
    const data = everyFieldMetricsRequest();
    expect(decodeMetricsProtobuf(encodeMetricsWithProtobufjs(data))).toEqual({ ok: true, value: data });
  });

  it('protobufjs verifies our encoding: no mistyped fields', () => {
    const data = everyFieldMetricsRequest();
    data.resourceMetrics[0]!.scopeMetrics[0]!.metrics.splice(2, 1); // aggregation temporality 7 is outside the enum on purpose
    expect(MetricsRequestType.verify(MetricsRequestType.decode(encodeMetricsProtobuf(data)))).toBeNull();
  });
});

describe('metrics codec: what the OpenTelemetry JS SDK writes', () => {
  it('decodes its protobuf and JSON to the same model, which protobufjs agrees with and which round-trips', async () => {
    const rm = await sdkMetrics();
    const pb = ProtobufMetricsSerializer.serializeRequest(rm)!;
    const json = JsonMetricsSerializer.serializeRequest(rm)!;
    const fromPb = value(decodeMetricsProtobuf(pb));
    expect(value(decodeMetricsJson(json))).toEqual(fromPb);
    expect(decodeMetricsWithProtobufjs(pb)).toEqual(fromPb);
    expect(decodeMetricsProtobuf(encodeMetricsProtobuf(fromPb))).toEqual({ ok: true, value: fromPb });
    expect(decodeMetricsJson(encodeMetricsJson(fromPb))).toEqual({ ok: true, value: fromPb });

    const metrics = fromPb.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(new Map(metrics.map((m) => [m.name, m.data.kind]))).toEqual(
      new Map([
        ['gen_ai.client.token.usage.total', 'sum'],
        ['queue.depth', 'sum'],
        ['gen_ai.client.operation.duration', 'histogram'],
        ['exp', 'exponentialHistogram'],
        ['temperature', 'gauge'],
      ]),
    );
    expect(countDataPoints(fromPb)).toBe(5);
  });
});

describe('metrics codec: wire details', () => {
  /** resource_metrics { scope_metrics { metrics { <metric fields> } } } */
  const request = (...metricFields: Uint8Array[]) => len(1, len(2, len(2, ...metricFields)));
  const histogramPoint = (...fields: Uint8Array[]) => request(str(1, 'h'), len(9, len(1, ...fields)));
  const fixed64 = (field: number, v: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return cat(tag(field, 1), b);
  };

  it('accepts repeated scalars unpacked as well as packed (protobuf encoding spec)', () => {
    const unpacked = value(decodeMetricsProtobuf(histogramPoint(fixed64(6, 1n), fixed64(6, 2n), fixed64(6, 3n))));
    const d = unpacked.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data;
    expect(d.kind === 'histogram' && d.dataPoints[0]!.bucketCounts).toEqual([1n, 2n, 3n]);
    // Exponential buckets' uint64 counts, unpacked varints.
    const exp = request(len(10, len(1, len(8, u32(2, 5), u32(2, 0), cat(tag(2, 0), varint(2n ** 64n - 1n))))));
    const e = value(decodeMetricsProtobuf(exp)).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data;
    expect(e.kind === 'exponentialHistogram' && e.dataPoints[0]!.positive.bucketCounts).toEqual([5n, 0n, 2n ** 64n - 1n]);
  });

  it('reads sint32 scale and offset as zigzag', () => {
    const exp = request(len(10, len(1, u32(6, 3), len(8, u32(1, 4)))));
    const e = value(decodeMetricsProtobuf(exp)).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data;
    expect(e.kind === 'exponentialHistogram' && [e.dataPoints[0]!.scale, e.dataPoints[0]!.positive.offset]).toEqual([-2, 2]);
  });

  const table: Array<[string, Uint8Array, RegExp]> = [
    ['packed fixed64 whose length is not a multiple of 8', histogramPoint(len(6, new Uint8Array(7))), /metrics\[0\]\.histogram\.data_points\[0\]: bucket_counts: packed length 7 is not a multiple of 8$/],
    ['exemplar trace_id of 3 bytes', request(len(5, len(1, len(5, len(5, new Uint8Array(3)))))), /gauge\.data_points\[0\]\.exemplars\[0\]: invalid trace_id: 16 bytes expected, got 3$/],
    ['as_double sent as a varint', request(len(5, len(1, u32(4, 1)))), /gauge\.data_points\[0\]: as_double: wire type varint, expected i64$/],
    ['data point attribute truncated', request(len(7, len(1, cat(tag(7, 2), varint(9))))), /sum\.data_points\[0\]: truncated length-delimited field$/],
  ];
  for (const [name, body, expected] of table) {
    it(`protobuf: ${name}`, () => expect(errorOf(decodeMetricsProtobuf(body))).toMatch(expected));
  }

  const jsonTable: Array<[string, string, RegExp]> = [
    ['root not an object', '"x"', /^body must be a JSON object \(ExportMetricsServiceRequest\)$/],
    ['bucketCounts not an array', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":"1"}]}}]}]}]}', /metrics\[0\]\.histogram\.dataPoints\[0\]: bucketCounts: array expected$/],
    ['asInt out of range', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"asInt":"9223372036854775808"}]}}]}]}]}', /dataPoints\[0\]: asInt: out of range for int64$/],
    ['unknown temporality name', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"SOMETIMES"}}]}]}]}', /metrics\[0\]\.sum: aggregationTemporality: unknown enum value$/],
  ];
  for (const [name, body, expected] of jsonTable) {
    it(`JSON: ${name}`, () => expect(errorOf(decodeMetricsJson(body))).toMatch(expected));
  }
});
