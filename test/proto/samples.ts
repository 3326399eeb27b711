/**
 * Hand-built requests for codec tests: every field of every message set to a non-default value, every
 * AnyValue kind, int64 and fixed64 extremes, non-finite doubles, empty bytes and nested kvlists.
 */
import type { LogRecord, LogsData } from '../../src/otlp/logs-model.js';
import { newLogRecord } from '../../src/otlp/logs-model.js';
import type { Exemplar, Metric, MetricsData, NumberDataPoint } from '../../src/otlp/metrics-model.js';
import type { AnyValue, KeyValue, Span, TracesData } from '../../src/otlp/model.js';
import { newSpan } from '../../src/otlp/model.js';

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

/** One attribute per AnyValue kind and edge, including values that are proto3 defaults. */
export function everyValueKind(): KeyValue[] {
  return [
    kv('s', { kind: 'string', value: 'hello' }),
    kv('s.empty', { kind: 'string', value: '' }),
    kv('s.unicode', { kind: 'string', value: 'naïve ✓ 𝄞 日本語' }),
    kv('b.true', { kind: 'bool', value: true }),
    kv('b.false', { kind: 'bool', value: false }),
    kv('i.zero', { kind: 'int', value: 0n }),
    kv('i.min', { kind: 'int', value: -9223372036854775808n }),
    kv('i.max', { kind: 'int', value: 9223372036854775807n }),
    kv('i.neg1', { kind: 'int', value: -1n }),
    kv('i.2^53+1', { kind: 'int', value: 9007199254740993n }),
    kv('i.2^31', { kind: 'int', value: 2147483648n }),
    kv('d.nan', { kind: 'double', value: NaN }),
    kv('d.inf', { kind: 'double', value: Infinity }),
    kv('d.-inf', { kind: 'double', value: -Infinity }),
    kv('d.-0', { kind: 'double', value: -0 }),
    kv('d.zero', { kind: 'double', value: 0 }),
    kv('d.frac', { kind: 'double', value: 1.5 }),
    kv('d.tiny', { kind: 'double', value: 5e-324 }),
    kv('d.big', { kind: 'double', value: 1.7976931348623157e308 }),
    kv('bytes.empty', { kind: 'bytes', value: new Uint8Array(0) }),
    kv('bytes', { kind: 'bytes', value: new Uint8Array([0, 1, 127, 128, 255]) }),
    kv('arr.empty', { kind: 'array', values: [] }),
    kv('arr', {
      kind: 'array',
      values: [
        { kind: 'string', value: 'x' },
        { kind: 'int', value: 7n },
        { kind: 'empty' },
        { kind: 'array', values: [{ kind: 'bool', value: true }] },
      ],
    }),
    kv('kv.empty', { kind: 'kvlist', values: [] }),
    kv('kv.nested', {
      kind: 'kvlist',
      values: [
        kv('a', { kind: 'kvlist', values: [kv('b', { kind: 'kvlist', values: [kv('c', { kind: 'double', value: 2.25 })] })] }),
        kv('', { kind: 'empty' }),
      ],
    }),
    kv('empty', { kind: 'empty' }),
    kv('', { kind: 'string', value: 'empty key' }),
  ];
}

export function everyFieldSpan(): Span {
  return {
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: 'fedcba9876543210',
    traceState: 'vendor=a,other=b',
    parentSpanId: '1111111111111111',
    flags: 0x301,
    name: 'chat gpt-4o ✓',
    kind: 3,
    startTimeUnixNano: 18446744073709551615n,
    endTimeUnixNano: 1n,
    attributes: everyValueKind(),
    droppedAttributesCount: 4294967295,
    events: [
      {
        timeUnixNano: 1700000000000000001n,
        name: 'gen_ai.choice',
        attributes: [kv('index', { kind: 'int', value: 0n })],
        droppedAttributesCount: 2,
      },
      { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 },
    ],
    droppedEventsCount: 5,
    links: [
      {
        traceId: 'ffffffffffffffffffffffffffffffff',
        spanId: '0000000000000001',
        traceState: 'k=v',
        attributes: [kv('link.kind', { kind: 'string', value: 'retry' })],
        droppedAttributesCount: 1,
        flags: 1,
      },
      { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
    ],
    droppedLinksCount: 6,
    status: { message: 'upstream failed', code: 2 },
  };
}

/** A request exercising every message, including empty resource/scope and unknown enum values. */
export function everyFieldRequest(): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { kind: 'string', value: 'svc' }), ...everyValueKind()], droppedAttributesCount: 3 },
        scopeSpans: [
          {
            scope: { name: 'scope', version: '1.2.3', attributes: everyValueKind(), droppedAttributesCount: 7 },
            spans: [
              everyFieldSpan(),
              newSpan({ traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb', kind: 9, status: { message: '', code: 1 } }),
              newSpan({ traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'cccccccccccccccc', kind: -1, status: { message: '', code: 7 } }),
            ],
            schemaUrl: 'https://opentelemetry.io/schemas/1.36.0',
          },
          { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [], schemaUrl: '' },
        ],
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      },
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        scopeSpans: [],
        schemaUrl: '',
      },
    ],
  };
}

/** A logs request exercising every LogRecord field, every body kind and unknown severity numbers. */
export function everyFieldLogsRequest(): LogsData {
  const record: LogRecord = {
    timeUnixNano: 18446744073709551615n,
    observedTimeUnixNano: 1700000000000000001n,
    severityNumber: 17,
    severityText: 'ERROR ✓',
    body: { kind: 'kvlist', values: [kv('content', { kind: 'string', value: 'hello' }), kv('parts', { kind: 'array', values: [{ kind: 'kvlist', values: everyValueKind() }] })] },
    attributes: everyValueKind(),
    droppedAttributesCount: 4294967295,
    flags: 0x301,
    traceId: '0123456789abcdef0123456789abcdef',
    spanId: 'fedcba9876543210',
    eventName: 'gen_ai.client.inference.operation.details',
  };
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', { kind: 'string', value: 'svc' }), ...everyValueKind()], droppedAttributesCount: 3 },
        scopeLogs: [
          {
            scope: { name: 'scope', version: '1.2.3', attributes: everyValueKind(), droppedAttributesCount: 7 },
            logRecords: [
              record,
              newLogRecord({ body: { kind: 'string', value: 'plain text body' }, severityNumber: 99 }),
              newLogRecord({ body: { kind: 'int', value: 0n }, severityNumber: -1 }),
              newLogRecord({ body: { kind: 'array', values: [] } }),
              newLogRecord({ body: { kind: 'bytes', value: new Uint8Array([1, 2]) }, traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }),
              newLogRecord(),
            ],
            schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
          },
          { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, logRecords: [], schemaUrl: '' },
        ],
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      },
      { resource: { attributes: [], droppedAttributesCount: 0 }, scopeLogs: [], schemaUrl: '' },
    ],
  };
}

const exemplar = (over: Partial<Exemplar> = {}): Exemplar => ({
  filteredAttributes: [kv('user.email', { kind: 'string', value: 'x@example.com' })],
  timeUnixNano: 1700000000000000005n,
  value: { kind: 'int', value: -9223372036854775808n },
  spanId: 'fedcba9876543210',
  traceId: '0123456789abcdef0123456789abcdef',
  ...over,
});

/** A metrics request with every metric type, every data point field, oneofs unset and set to 0. */
export function everyFieldMetricsRequest(): MetricsData {
  const attrs = everyValueKind();
  const number = (value: NumberDataPoint['value'], over: Partial<NumberDataPoint> = {}): NumberDataPoint => ({
    attributes: attrs,
    startTimeUnixNano: 1n,
    timeUnixNano: 18446744073709551615n,
    value,
    exemplars: [exemplar(), exemplar({ value: { kind: 'double', value: -0 }, spanId: '', traceId: '', filteredAttributes: [] }), exemplar({ value: { kind: 'none' } })],
    flags: 1,
    ...over,
  });
  const metrics: Metric[] = [
    { name: 'gauge', description: 'a gauge ✓', unit: '1', data: { kind: 'gauge', dataPoints: [number({ kind: 'double', value: NaN }), number({ kind: 'int', value: 0n }, { exemplars: [] }), number({ kind: 'none' }, { attributes: [], flags: 0 })] }, metadata: [kv('m', { kind: 'string', value: 'v' })] },
    { name: 'sum', description: '', unit: 'By', data: { kind: 'sum', dataPoints: [number({ kind: 'double', value: 1.5 })], aggregationTemporality: 2, isMonotonic: true }, metadata: [] },
    { name: 'sum.delta', description: '', unit: '', data: { kind: 'sum', dataPoints: [], aggregationTemporality: 7, isMonotonic: false }, metadata: [] },
    {
      name: 'histogram',
      description: '',
      unit: 'ms',
      data: {
        kind: 'histogram',
        aggregationTemporality: 1,
        dataPoints: [
          { attributes: attrs, startTimeUnixNano: 5n, timeUnixNano: 6n, count: 18446744073709551615n, sum: 0, bucketCounts: [0n, 1n, 18446744073709551615n], explicitBounds: [-Infinity, 0, 2.5], exemplars: [exemplar()], flags: 1, min: -0, max: 1e308 },
          { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: undefined, bucketCounts: [], explicitBounds: [], exemplars: [], flags: 0, min: undefined, max: undefined },
        ],
      },
      metadata: [],
    },
    {
      name: 'exponential',
      description: '',
      unit: '',
      data: {
        kind: 'exponentialHistogram',
        aggregationTemporality: 2,
        dataPoints: [
          {
            attributes: attrs,
            startTimeUnixNano: 5n,
            timeUnixNano: 6n,
            count: 12n,
            sum: 3.25,
            scale: -20,
            zeroCount: 2n,
            positive: { offset: -3, bucketCounts: [1n, 0n, 18446744073709551615n, 9223372036854775808n] },
            negative: { offset: 2147483647, bucketCounts: [] },
            flags: 0,
            exemplars: [exemplar()],
            min: 0,
            max: 9,
            zeroThreshold: -0,
          },
          { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: undefined, scale: 0, zeroCount: 0n, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] }, flags: 0, exemplars: [], min: undefined, max: undefined, zeroThreshold: 1e-9 },
        ],
      },
      metadata: [],
    },
    {
      name: 'summary',
      description: '',
      unit: '',
      data: {
        kind: 'summary',
        dataPoints: [{ attributes: attrs, startTimeUnixNano: 1n, timeUnixNano: 2n, count: 3n, sum: -0, quantileValues: [{ quantile: 0, value: 0 }, { quantile: 0.99, value: Infinity }], flags: 1 }],
      },
      metadata: [],
    },
    { name: 'no data', description: '', unit: '', data: { kind: 'none' }, metadata: [] },
  ];
  return {
    resourceMetrics: [
      {
        resource: { attributes: [kv('service.name', { kind: 'string', value: 'svc' })], droppedAttributesCount: 1 },
        scopeMetrics: [
          { scope: { name: 'meter', version: '1.0', attributes: attrs, droppedAttributesCount: 2 }, metrics, schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' },
          { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, metrics: [], schemaUrl: '' },
        ],
        schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
      },
      { resource: { attributes: [], droppedAttributesCount: 0 }, scopeMetrics: [], schemaUrl: '' },
    ],
  };
}
