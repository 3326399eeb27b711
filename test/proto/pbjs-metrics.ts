/**
 * protobufjs as an independent metrics codec for tests (the schema in test/proto/**, written from the
 * specification), with conversions between its plain objects and the metrics model. Not used at runtime.
 */
import type {
  Buckets,
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  NumberValue,
  SummaryDataPoint,
} from '../../src/otlp/metrics-model.js';
import { b64, hex, kvToObj, objToKv, root, TO_OBJECT, type Obj } from './pbjs.js';

export const MetricsRequestType = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');

const s = (v: bigint): string => v.toString();

function valueToObj(v: NumberValue): Obj {
  if (v.kind === 'double') return { asDouble: v.value };
  if (v.kind === 'int') return { asInt: s(v.value) };
  return {};
}

const exemplarToObj = (e: Exemplar): Obj => ({
  filteredAttributes: e.filteredAttributes.map(kvToObj),
  timeUnixNano: s(e.timeUnixNano),
  ...valueToObj(e.value),
  spanId: b64(e.spanId),
  traceId: b64(e.traceId),
});

const numberToObj = (p: NumberDataPoint): Obj => ({
  attributes: p.attributes.map(kvToObj),
  startTimeUnixNano: s(p.startTimeUnixNano),
  timeUnixNano: s(p.timeUnixNano),
  ...valueToObj(p.value),
  exemplars: p.exemplars.map(exemplarToObj),
  flags: p.flags,
});

const histogramToObj = (p: HistogramDataPoint): Obj => ({
  ...p,
  attributes: p.attributes.map(kvToObj),
  startTimeUnixNano: s(p.startTimeUnixNano),
  timeUnixNano: s(p.timeUnixNano),
  count: s(p.count),
  bucketCounts: p.bucketCounts.map(s),
  exemplars: p.exemplars.map(exemplarToObj),
});

const bucketsToObj = (b: Buckets): Obj => ({ offset: b.offset, bucketCounts: b.bucketCounts.map(s) });

const exponentialToObj = (p: ExponentialHistogramDataPoint): Obj => ({
  ...p,
  attributes: p.attributes.map(kvToObj),
  startTimeUnixNano: s(p.startTimeUnixNano),
  timeUnixNano: s(p.timeUnixNano),
  count: s(p.count),
  zeroCount: s(p.zeroCount),
  // An empty Buckets is the default: leave the message out, as the model's encoders do.
  positive: p.positive.offset === 0 && p.positive.bucketCounts.length === 0 ? undefined : bucketsToObj(p.positive),
  negative: p.negative.offset === 0 && p.negative.bucketCounts.length === 0 ? undefined : bucketsToObj(p.negative),
  exemplars: p.exemplars.map(exemplarToObj),
});

const summaryToObj = (p: SummaryDataPoint): Obj => ({
  ...p,
  attributes: p.attributes.map(kvToObj),
  startTimeUnixNano: s(p.startTimeUnixNano),
  timeUnixNano: s(p.timeUnixNano),
  count: s(p.count),
});

function dataToObj(d: MetricData): Obj {
  switch (d.kind) {
    case 'none':
      return {};
    case 'gauge':
      return { gauge: { dataPoints: d.dataPoints.map(numberToObj) } };
    case 'sum':
      return { sum: { dataPoints: d.dataPoints.map(numberToObj), aggregationTemporality: d.aggregationTemporality, isMonotonic: d.isMonotonic } };
    case 'histogram':
      return { histogram: { dataPoints: d.dataPoints.map(histogramToObj), aggregationTemporality: d.aggregationTemporality } };
    case 'exponentialHistogram':
      return { exponentialHistogram: { dataPoints: d.dataPoints.map(exponentialToObj), aggregationTemporality: d.aggregationTemporality } };
    case 'summary':
      return { summary: { dataPoints: d.dataPoints.map(summaryToObj) } };
  }
}

export function metricsToObj(data: MetricsData): Obj {
  return {
    resourceMetrics: data.resourceMetrics.map((rm) => ({
      resource: { attributes: rm.resource.attributes.map(kvToObj), droppedAttributesCount: rm.resource.droppedAttributesCount },
      schemaUrl: rm.schemaUrl,
      scopeMetrics: rm.scopeMetrics.map((sm) => ({
        scope: { ...sm.scope, attributes: sm.scope.attributes.map(kvToObj) },
        schemaUrl: sm.schemaUrl,
        metrics: sm.metrics.map((m) => ({ name: m.name, description: m.description, unit: m.unit, metadata: m.metadata.map(kvToObj), ...dataToObj(m.data) })),
      })),
    })),
  };
}

// ---- protobufjs object → model (toObject with defaults and virtual oneof members) ----

function objToValue(o: Obj): NumberValue {
  if (o['value'] === 'asDouble') return { kind: 'double', value: o['asDouble'] };
  if (o['value'] === 'asInt') return { kind: 'int', value: BigInt(o['asInt']) };
  return { kind: 'none' };
}

/** A proto3 `optional` field: set when its synthetic oneof `_name` names it. */
const opt = (o: Obj, name: string): number | undefined => (o[`_${name}`] === name ? o[name] : undefined);

const objToExemplar = (o: Obj): Exemplar => ({
  filteredAttributes: (o['filteredAttributes'] as Obj[]).map(objToKv),
  timeUnixNano: BigInt(o['timeUnixNano']),
  value: objToValue(o),
  spanId: hex(o['spanId']),
  traceId: hex(o['traceId']),
});

const objToNumber = (o: Obj): NumberDataPoint => ({
  attributes: (o['attributes'] as Obj[]).map(objToKv),
  startTimeUnixNano: BigInt(o['startTimeUnixNano']),
  timeUnixNano: BigInt(o['timeUnixNano']),
  value: objToValue(o),
  exemplars: (o['exemplars'] as Obj[]).map(objToExemplar),
  flags: o['flags'],
});

const objToBuckets = (o: Obj | null | undefined): Buckets => ({ offset: o?.['offset'] ?? 0, bucketCounts: ((o?.['bucketCounts'] ?? []) as string[]).map((v) => BigInt(v)) });

function objToData(o: Obj): MetricData {
  switch (o['data']) {
    case 'gauge':
      return { kind: 'gauge', dataPoints: (o['gauge']['dataPoints'] as Obj[]).map(objToNumber) };
    case 'sum':
      return { kind: 'sum', dataPoints: (o['sum']['dataPoints'] as Obj[]).map(objToNumber), aggregationTemporality: o['sum']['aggregationTemporality'], isMonotonic: o['sum']['isMonotonic'] };
    case 'histogram':
      return {
        kind: 'histogram',
        aggregationTemporality: o['histogram']['aggregationTemporality'],
        dataPoints: (o['histogram']['dataPoints'] as Obj[]).map(
          (p): HistogramDataPoint => ({
            attributes: (p['attributes'] as Obj[]).map(objToKv),
            startTimeUnixNano: BigInt(p['startTimeUnixNano']),
            timeUnixNano: BigInt(p['timeUnixNano']),
            count: BigInt(p['count']),
            sum: opt(p, 'sum'),
            bucketCounts: (p['bucketCounts'] as string[]).map((v) => BigInt(v)),
            explicitBounds: p['explicitBounds'],
            exemplars: (p['exemplars'] as Obj[]).map(objToExemplar),
            flags: p['flags'],
            min: opt(p, 'min'),
            max: opt(p, 'max'),
          }),
        ),
      };
    case 'exponentialHistogram':
      return {
        kind: 'exponentialHistogram',
        aggregationTemporality: o['exponentialHistogram']['aggregationTemporality'],
        dataPoints: (o['exponentialHistogram']['dataPoints'] as Obj[]).map(
          (p): ExponentialHistogramDataPoint => ({
            attributes: (p['attributes'] as Obj[]).map(objToKv),
            startTimeUnixNano: BigInt(p['startTimeUnixNano']),
            timeUnixNano: BigInt(p['timeUnixNano']),
            count: BigInt(p['count']),
            sum: opt(p, 'sum'),
            scale: p['scale'],
            zeroCount: BigInt(p['zeroCount']),
            positive: objToBuckets(p['positive']),
            negative: objToBuckets(p['negative']),
            flags: p['flags'],
            exemplars: (p['exemplars'] as Obj[]).map(objToExemplar),
            min: opt(p, 'min'),
            max: opt(p, 'max'),
            zeroThreshold: p['zeroThreshold'],
          }),
        ),
      };
    case 'summary':
      return {
        kind: 'summary',
        dataPoints: (o['summary']['dataPoints'] as Obj[]).map(
          (p): SummaryDataPoint => ({
            attributes: (p['attributes'] as Obj[]).map(objToKv),
            startTimeUnixNano: BigInt(p['startTimeUnixNano']),
            timeUnixNano: BigInt(p['timeUnixNano']),
            count: BigInt(p['count']),
            sum: p['sum'],
            quantileValues: (p['quantileValues'] as Obj[]).map((q) => ({ quantile: q['quantile'], value: q['value'] })),
            flags: p['flags'],
          }),
        ),
      };
    default:
      return { kind: 'none' };
  }
}

export function objToMetrics(o: Obj): MetricsData {
  return {
    resourceMetrics: (o['resourceMetrics'] as Obj[]).map((rm) => ({
      resource: { attributes: ((rm['resource']?.['attributes'] ?? []) as Obj[]).map(objToKv), droppedAttributesCount: rm['resource']?.['droppedAttributesCount'] ?? 0 },
      scopeMetrics: (rm['scopeMetrics'] as Obj[]).map((sm) => ({
        scope: {
          name: sm['scope']?.['name'] ?? '',
          version: sm['scope']?.['version'] ?? '',
          attributes: ((sm['scope']?.['attributes'] ?? []) as Obj[]).map(objToKv),
          droppedAttributesCount: sm['scope']?.['droppedAttributesCount'] ?? 0,
        },
        metrics: (sm['metrics'] as Obj[]).map((m): Metric => ({ name: m['name'], description: m['description'], unit: m['unit'], data: objToData(m), metadata: (m['metadata'] as Obj[]).map(objToKv) })),
        schemaUrl: sm['schemaUrl'],
      })),
      schemaUrl: rm['schemaUrl'],
    })),
  };
}

export function encodeMetricsWithProtobufjs(data: MetricsData): Uint8Array {
  return MetricsRequestType.encode(MetricsRequestType.fromObject(metricsToObj(data))).finish();
}

export function decodeMetricsWithProtobufjs(body: Uint8Array): MetricsData {
  return objToMetrics(MetricsRequestType.toObject(MetricsRequestType.decode(body), { ...TO_OBJECT, oneofs: true }));
}
