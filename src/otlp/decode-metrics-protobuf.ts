/**
 * Decodes a protobuf ExportMetricsServiceRequest (collector/metrics/v1/metrics_service.proto) into the
 * metrics model, by hand and in one pass, with the rules of proto-decoder.ts.
 *
 * Beyond the trace and log messages, metrics use: sfixed64 (`as_int`), sint32 (`scale`, `offset`,
 * zigzag-encoded), proto3 `optional` doubles (presence kept), and repeated scalars, which a parser must
 * accept packed (one length-delimited field) or not (one field per element), whichever the sender chose
 * (protobuf encoding spec, "Packed Repeated Fields"). Exemplar ids are optional: empty, or 16/8 bytes.
 * Every element is charged to the decode budget as it is built, repeated scalars included.
 */
import type { DecodeLimits } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
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
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
  ValueAtQuantile,
} from './metrics-model.js';
import { emptyBuckets } from './metrics-model.js';
import type { InstrumentationScope, KeyValue, Resource } from './model.js';
import { DECODED_COST, type DecodeBudget } from './limits.js';
import { decodeWith, ProtoDecoder, type Decoded } from './proto-decoder.js';
import {
  BucketsField,
  ExemplarField,
  ExponentialHistogramDataPointField as EH,
  HistogramDataPointField as H,
  MetricDataField,
  MetricField,
  MetricsDataField,
  NumberDataPointField as N,
  ResourceMetricsField,
  ScopeMetricsField,
  SPAN_ID_BYTES,
  SummaryDataPointField as S,
  TRACE_ID_BYTES,
  ValueAtQuantileField,
  WireType,
} from './proto-fields.js';
import { DecodeFailure } from './proto-reader.js';

export type MetricsDecodeResult = Decoded<MetricsData>;

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeMetricsProtobuf(body: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): MetricsDecodeResult {
  return decodeWith(body, limits, budget, (r, maxDepth, b) => new MetricsDecoder(r, maxDepth, b), (d) => d.metricsData());
}

/** sint32's zigzag: 0 → 0, 1 → -1, 2 → 1, … */
function zigzag32(n: number): number {
  return (n >>> 1) ^ -(n & 1);
}

type PointKind = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

class MetricsDecoder extends ProtoDecoder {
  metricsData(): MetricsData {
    const r = this.r;
    const end = r.length;
    const resourceMetrics: ResourceMetrics[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag >>> 3 === MetricsDataField.RESOURCE_METRICS) {
        this.expect(tag, WireType.LEN, 'resource_metrics');
        this.budget.charge(DECODED_COST.resourceMetrics);
        resourceMetrics.push(this.within(r.lengthEnd(end), 'resource_metrics', resourceMetrics.length, (e) => this.resourceMetrics(e)));
      } else r.skip(tag & 7, end);
    }
    this.end(end);
    return { resourceMetrics };
  }

  private resourceMetrics(end: number): ResourceMetrics {
    const r = this.r;
    const resource: Resource = { attributes: [], droppedAttributesCount: 0 };
    const scopeMetrics: ScopeMetrics[] = [];
    let schemaUrl = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ResourceMetricsField.RESOURCE:
          this.expect(tag, WireType.LEN, 'resource');
          this.within(r.lengthEnd(end), 'resource', -1, (e) => this.resource(e, resource));
          break;
        case ResourceMetricsField.SCOPE_METRICS:
          this.expect(tag, WireType.LEN, 'scope_metrics');
          this.budget.charge(DECODED_COST.scopeMetrics);
          scopeMetrics.push(this.within(r.lengthEnd(end), 'scope_metrics', scopeMetrics.length, (e) => this.scopeMetrics(e)));
          break;
        case ResourceMetricsField.SCHEMA_URL:
          this.expect(tag, WireType.LEN, 'schema_url');
          schemaUrl = this.str(r.lengthEnd(end));
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { resource, scopeMetrics, schemaUrl };
  }

  private scopeMetrics(end: number): ScopeMetrics {
    const r = this.r;
    const scope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
    const metrics: Metric[] = [];
    let schemaUrl = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ScopeMetricsField.SCOPE:
          this.expect(tag, WireType.LEN, 'scope');
          this.within(r.lengthEnd(end), 'scope', -1, (e) => this.scope(e, scope));
          break;
        case ScopeMetricsField.METRICS:
          this.expect(tag, WireType.LEN, 'metrics');
          this.budget.charge(DECODED_COST.metric);
          metrics.push(this.within(r.lengthEnd(end), 'metrics', metrics.length, (e) => this.metric(e)));
          break;
        case ScopeMetricsField.SCHEMA_URL:
          this.expect(tag, WireType.LEN, 'schema_url');
          schemaUrl = this.str(r.lengthEnd(end));
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { scope, metrics, schemaUrl };
  }

  private metric(end: number): Metric {
    const r = this.r;
    const m: Metric = { name: '', description: '', unit: '', data: { kind: 'none' }, metadata: [] };
    while (r.pos < end) {
      const tag = r.tag();
      const field = tag >>> 3;
      switch (field) {
        case MetricField.NAME:
          this.expect(tag, WireType.LEN, 'name');
          m.name = this.str(r.lengthEnd(end));
          break;
        case MetricField.DESCRIPTION:
          this.expect(tag, WireType.LEN, 'description');
          m.description = this.str(r.lengthEnd(end));
          break;
        case MetricField.UNIT:
          this.expect(tag, WireType.LEN, 'unit');
          m.unit = this.str(r.lengthEnd(end));
          break;
        case MetricField.GAUGE:
        case MetricField.SUM:
        case MetricField.HISTOGRAM:
        case MetricField.EXPONENTIAL_HISTOGRAM:
        case MetricField.SUMMARY: {
          const kind = KIND_OF_FIELD[field]!;
          this.expect(tag, WireType.LEN, NAME_OF_KIND[kind]);
          // The oneof's last member on the wire wins; the same member twice merges (its points append).
          const previous = m.data.kind === kind ? m.data : undefined;
          m.data = this.within(r.lengthEnd(end), NAME_OF_KIND[kind], -1, (e) => this.metricData(e, kind, previous));
          break;
        }
        case MetricField.METADATA:
          this.expect(tag, WireType.LEN, 'metadata');
          this.attribute(r.lengthEnd(end), m.metadata, 'metadata');
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return m;
  }

  /** Gauge, Sum, Histogram, ExponentialHistogram or Summary: they share their field numbers. */
  private metricData(end: number, kind: PointKind, into: MetricData | undefined): MetricData {
    const r = this.r;
    const points: unknown[] = into !== undefined && into.kind !== 'none' ? into.dataPoints : [];
    let temporality = into !== undefined && 'aggregationTemporality' in into ? into.aggregationTemporality : 0;
    let monotonic = into?.kind === 'sum' ? into.isMonotonic : false;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case MetricDataField.DATA_POINTS: {
          this.expect(tag, WireType.LEN, 'data_points');
          this.budget.charge(DECODED_COST.dataPoint);
          points.push(this.within(r.lengthEnd(end), 'data_points', points.length, (e) => this.dataPoint(e, kind)));
          break;
        }
        case MetricDataField.AGGREGATION_TEMPORALITY:
          if (kind === 'gauge' || kind === 'summary') r.skip(tag & 7, end);
          else {
            this.expect(tag, WireType.VARINT, 'aggregation_temporality');
            temporality = r.uint32() | 0;
          }
          break;
        case MetricDataField.IS_MONOTONIC:
          if (kind !== 'sum') r.skip(tag & 7, end);
          else {
            this.expect(tag, WireType.VARINT, 'is_monotonic');
            monotonic = r.bool();
          }
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    switch (kind) {
      case 'gauge':
        return { kind, dataPoints: points as NumberDataPoint[] };
      case 'sum':
        return { kind, dataPoints: points as NumberDataPoint[], aggregationTemporality: temporality, isMonotonic: monotonic };
      case 'histogram':
        return { kind, dataPoints: points as HistogramDataPoint[], aggregationTemporality: temporality };
      case 'exponentialHistogram':
        return { kind, dataPoints: points as ExponentialHistogramDataPoint[], aggregationTemporality: temporality };
      case 'summary':
        return { kind, dataPoints: points as SummaryDataPoint[] };
    }
  }

  private dataPoint(end: number, kind: PointKind): unknown {
    switch (kind) {
      case 'gauge':
      case 'sum':
        return this.numberDataPoint(end);
      case 'histogram':
        return this.histogramDataPoint(end);
      case 'exponentialHistogram':
        return this.exponentialDataPoint(end);
      case 'summary':
        return this.summaryDataPoint(end);
    }
  }

  private fixed64Field(tag: number, name: string): bigint {
    this.expect(tag, WireType.I64, name);
    return this.r.fixed64();
  }

  private doubleField(tag: number, name: string): number {
    this.expect(tag, WireType.I64, name);
    return this.r.double();
  }

  private sfixed64Field(tag: number, name: string): bigint {
    this.expect(tag, WireType.I64, name);
    return BigInt.asIntN(64, this.r.fixed64());
  }

  private uint32Field(tag: number, name: string): number {
    this.expect(tag, WireType.VARINT, name);
    return this.r.uint32();
  }

  /** A repeated fixed64 or double: packed (one LEN field of 8-byte values) or one I64 field each. */
  private repeated8<T>(tag: number, end: number, name: string, read: () => T, into: T[]): void {
    const r = this.r;
    if ((tag & 7) === WireType.I64) {
      this.budget.charge(DECODED_COST.repeatedScalar);
      into.push(read());
      return;
    }
    this.expect(tag, WireType.LEN, name);
    const e = r.lengthEnd(end);
    if ((e - r.pos) % 8 !== 0) throw new DecodeFailure(`${name}: packed length ${e - r.pos} is not a multiple of 8`);
    this.budget.charge(((e - r.pos) / 8) * DECODED_COST.repeatedScalar);
    while (r.pos < e) into.push(read());
  }

  /** A repeated uint64: packed (one LEN field of varints) or one VARINT field each. */
  private repeatedUint64(tag: number, end: number, name: string, into: bigint[]): void {
    const r = this.r;
    if ((tag & 7) === WireType.VARINT) {
      this.budget.charge(DECODED_COST.repeatedScalar);
      into.push(BigInt.asUintN(64, r.int64()));
      return;
    }
    this.expect(tag, WireType.LEN, name);
    const e = r.lengthEnd(end);
    while (r.pos < e) {
      this.budget.charge(DECODED_COST.repeatedScalar);
      into.push(BigInt.asUintN(64, r.int64()));
    }
    if (r.pos !== e) throw new DecodeFailure(`${name}: packed varint runs past its field`);
  }

  private numberDataPoint(end: number): NumberDataPoint {
    const r = this.r;
    const p: NumberDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, value: { kind: 'none' }, exemplars: [], flags: 0 };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case N.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), p.attributes);
          break;
        case N.START_TIME_UNIX_NANO:
          p.startTimeUnixNano = this.fixed64Field(tag, 'start_time_unix_nano');
          break;
        case N.TIME_UNIX_NANO:
          p.timeUnixNano = this.fixed64Field(tag, 'time_unix_nano');
          break;
        case N.AS_DOUBLE:
          p.value = { kind: 'double', value: this.doubleField(tag, 'as_double') };
          break;
        case N.AS_INT:
          p.value = { kind: 'int', value: this.sfixed64Field(tag, 'as_int') };
          break;
        case N.EXEMPLARS:
          this.exemplar(tag, end, p.exemplars);
          break;
        case N.FLAGS:
          p.flags = this.uint32Field(tag, 'flags');
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return p;
  }

  private histogramDataPoint(end: number): HistogramDataPoint {
    const r = this.r;
    const p: HistogramDataPoint = {
      attributes: [],
      startTimeUnixNano: 0n,
      timeUnixNano: 0n,
      count: 0n,
      sum: undefined,
      bucketCounts: [],
      explicitBounds: [],
      exemplars: [],
      flags: 0,
      min: undefined,
      max: undefined,
    };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case H.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), p.attributes);
          break;
        case H.START_TIME_UNIX_NANO:
          p.startTimeUnixNano = this.fixed64Field(tag, 'start_time_unix_nano');
          break;
        case H.TIME_UNIX_NANO:
          p.timeUnixNano = this.fixed64Field(tag, 'time_unix_nano');
          break;
        case H.COUNT:
          p.count = this.fixed64Field(tag, 'count');
          break;
        case H.SUM:
          p.sum = this.doubleField(tag, 'sum');
          break;
        case H.BUCKET_COUNTS:
          this.repeated8(tag, end, 'bucket_counts', () => r.fixed64(), p.bucketCounts);
          break;
        case H.EXPLICIT_BOUNDS:
          this.repeated8(tag, end, 'explicit_bounds', () => r.double(), p.explicitBounds);
          break;
        case H.EXEMPLARS:
          this.exemplar(tag, end, p.exemplars);
          break;
        case H.FLAGS:
          p.flags = this.uint32Field(tag, 'flags');
          break;
        case H.MIN:
          p.min = this.doubleField(tag, 'min');
          break;
        case H.MAX:
          p.max = this.doubleField(tag, 'max');
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return p;
  }

  private exponentialDataPoint(end: number): ExponentialHistogramDataPoint {
    const r = this.r;
    const p: ExponentialHistogramDataPoint = {
      attributes: [],
      startTimeUnixNano: 0n,
      timeUnixNano: 0n,
      count: 0n,
      sum: undefined,
      scale: 0,
      zeroCount: 0n,
      positive: emptyBuckets(),
      negative: emptyBuckets(),
      flags: 0,
      exemplars: [],
      min: undefined,
      max: undefined,
      zeroThreshold: 0,
    };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case EH.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), p.attributes);
          break;
        case EH.START_TIME_UNIX_NANO:
          p.startTimeUnixNano = this.fixed64Field(tag, 'start_time_unix_nano');
          break;
        case EH.TIME_UNIX_NANO:
          p.timeUnixNano = this.fixed64Field(tag, 'time_unix_nano');
          break;
        case EH.COUNT:
          p.count = this.fixed64Field(tag, 'count');
          break;
        case EH.SUM:
          p.sum = this.doubleField(tag, 'sum');
          break;
        case EH.SCALE:
          p.scale = zigzag32(this.uint32Field(tag, 'scale'));
          break;
        case EH.ZERO_COUNT:
          p.zeroCount = this.fixed64Field(tag, 'zero_count');
          break;
        case EH.POSITIVE:
          this.expect(tag, WireType.LEN, 'positive');
          this.within(r.lengthEnd(end), 'positive', -1, (e) => this.buckets(e, p.positive));
          break;
        case EH.NEGATIVE:
          this.expect(tag, WireType.LEN, 'negative');
          this.within(r.lengthEnd(end), 'negative', -1, (e) => this.buckets(e, p.negative));
          break;
        case EH.FLAGS:
          p.flags = this.uint32Field(tag, 'flags');
          break;
        case EH.EXEMPLARS:
          this.exemplar(tag, end, p.exemplars);
          break;
        case EH.MIN:
          p.min = this.doubleField(tag, 'min');
          break;
        case EH.MAX:
          p.max = this.doubleField(tag, 'max');
          break;
        case EH.ZERO_THRESHOLD:
          p.zeroThreshold = this.doubleField(tag, 'zero_threshold');
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return p;
  }

  private buckets(end: number, into: Buckets): void {
    const r = this.r;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case BucketsField.OFFSET:
          into.offset = zigzag32(this.uint32Field(tag, 'offset'));
          break;
        case BucketsField.BUCKET_COUNTS:
          this.repeatedUint64(tag, end, 'bucket_counts', into.bucketCounts);
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
  }

  private summaryDataPoint(end: number): SummaryDataPoint {
    const r = this.r;
    const p: SummaryDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: 0, quantileValues: [], flags: 0 };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case S.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), p.attributes);
          break;
        case S.START_TIME_UNIX_NANO:
          p.startTimeUnixNano = this.fixed64Field(tag, 'start_time_unix_nano');
          break;
        case S.TIME_UNIX_NANO:
          p.timeUnixNano = this.fixed64Field(tag, 'time_unix_nano');
          break;
        case S.COUNT:
          p.count = this.fixed64Field(tag, 'count');
          break;
        case S.SUM:
          p.sum = this.doubleField(tag, 'sum');
          break;
        case S.QUANTILE_VALUES:
          this.expect(tag, WireType.LEN, 'quantile_values');
          this.budget.charge(DECODED_COST.repeatedScalar);
          p.quantileValues.push(this.within(r.lengthEnd(end), 'quantile_values', p.quantileValues.length, (e) => this.quantile(e)));
          break;
        case S.FLAGS:
          p.flags = this.uint32Field(tag, 'flags');
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return p;
  }

  private quantile(end: number): ValueAtQuantile {
    const r = this.r;
    const q: ValueAtQuantile = { quantile: 0, value: 0 };
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ValueAtQuantileField.QUANTILE:
          q.quantile = this.doubleField(tag, 'quantile');
          break;
        case ValueAtQuantileField.VALUE:
          q.value = this.doubleField(tag, 'value');
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return q;
  }

  private exemplar(tag: number, end: number, into: Exemplar[]): void {
    this.expect(tag, WireType.LEN, 'exemplars');
    this.budget.charge(DECODED_COST.exemplar);
    into.push(this.within(this.r.lengthEnd(end), 'exemplars', into.length, (e) => this.exemplarBody(e)));
  }

  private exemplarBody(end: number): Exemplar {
    const r = this.r;
    const filteredAttributes: KeyValue[] = [];
    let timeUnixNano = 0n;
    let value: NumberValue = { kind: 'none' };
    let spanId = '';
    let traceId = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ExemplarField.FILTERED_ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'filtered_attributes');
          this.attribute(r.lengthEnd(end), filteredAttributes, 'filtered_attributes');
          break;
        case ExemplarField.TIME_UNIX_NANO:
          timeUnixNano = this.fixed64Field(tag, 'time_unix_nano');
          break;
        case ExemplarField.AS_DOUBLE:
          value = { kind: 'double', value: this.doubleField(tag, 'as_double') };
          break;
        case ExemplarField.AS_INT:
          value = { kind: 'int', value: this.sfixed64Field(tag, 'as_int') };
          break;
        case ExemplarField.SPAN_ID:
          this.expect(tag, WireType.LEN, 'span_id');
          spanId = this.id(r.lengthEnd(end), 'span_id', SPAN_ID_BYTES, true);
          break;
        case ExemplarField.TRACE_ID:
          this.expect(tag, WireType.LEN, 'trace_id');
          traceId = this.id(r.lengthEnd(end), 'trace_id', TRACE_ID_BYTES, true);
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { filteredAttributes, timeUnixNano, value, spanId, traceId };
  }
}

const KIND_OF_FIELD: Partial<Record<number, PointKind>> = {
  [MetricField.GAUGE]: 'gauge',
  [MetricField.SUM]: 'sum',
  [MetricField.HISTOGRAM]: 'histogram',
  [MetricField.EXPONENTIAL_HISTOGRAM]: 'exponentialHistogram',
  [MetricField.SUMMARY]: 'summary',
};

const NAME_OF_KIND: Record<PointKind, string> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponentialHistogram: 'exponential_histogram',
  summary: 'summary',
};
