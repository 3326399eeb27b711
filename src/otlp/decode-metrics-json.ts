/**
 * Decodes an OTLP/JSON ExportMetricsServiceRequest into the metrics model, with the JSON rules of
 * json-decoder.ts: fixed64/sfixed64 values (counts, `asInt`, bucket counts) as decimal strings or
 * numbers, doubles as numbers or "NaN"/"Infinity", `aggregationTemporality` as an integer or its name.
 * A member that is `null` is not set, so an optional double given as null stays absent.
 */
import type { DecodeLimits } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import type { MetricsDecodeResult } from './decode-metrics-protobuf.js';
import { DecodeFailure } from './decode-failure.js';
import { array, bool, decodeJsonWith, double, enumValue, id, int32, int64Of, JsonDecoder, object, string, uint32, type JsonObject } from './json-decoder.js';
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
import { emptyResource, emptyScope } from './model.js';
import { DECODED_COST, type DecodeBudget } from './limits.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from './proto-fields.js';

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeMetricsJson(body: Uint8Array | string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): MetricsDecodeResult {
  return decodeJsonWith(body, limits, budget, 'ExportMetricsServiceRequest', (root, maxDepth, b) => new MetricsJsonDecoder(maxDepth, b).metricsData(root));
}

const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

function optDouble(v: unknown, name: string): number | undefined {
  return v === null || v === undefined ? undefined : double(v, name);
}

function scalarDouble(v: unknown, name: string): number {
  return v === null || v === undefined ? 0 : double(v, name);
}

function uint64List(v: unknown, name: string, budget: DecodeBudget): bigint[] {
  const items = array(v, name);
  budget.charge(items.length * DECODED_COST.repeatedScalar);
  return items.map((x, i) => int64Of(x, `${name}[${i}]`, false));
}

function doubleList(v: unknown, name: string, budget: DecodeBudget): number[] {
  const items = array(v, name);
  budget.charge(items.length * DECODED_COST.repeatedScalar);
  return items.map((x, i) => double(x, `${name}[${i}]`));
}

/** Member names of Metric.data's oneof, camelCase and snake_case. */
const DATA_KIND: Readonly<Record<string, MetricData['kind']>> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponentialHistogram: 'exponentialHistogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
};

class MetricsJsonDecoder extends JsonDecoder {
  metricsData(o: JsonObject): MetricsData {
    let resourceMetrics: ResourceMetrics[] = [];
    for (const k in o) {
      if (k === 'resourceMetrics' || k === 'resource_metrics') resourceMetrics = this.list(o[k], 'resourceMetrics', DECODED_COST.resourceMetrics, (v) => this.resourceMetrics(v));
    }
    return { resourceMetrics };
  }

  private resourceMetrics(v: unknown): ResourceMetrics {
    const o = object(v, 'resourceMetrics entry') ?? {};
    const out: ResourceMetrics = { resource: emptyResource(), scopeMetrics: [], schemaUrl: '' };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'resource':
          out.resource = this.message(val, 'resource', (r) => this.resource(r)) ?? out.resource;
          break;
        case 'scopeMetrics':
        case 'scope_metrics':
          out.scopeMetrics = this.list(val, 'scopeMetrics', DECODED_COST.scopeMetrics, (s) => this.scopeMetrics(s));
          break;
        case 'schemaUrl':
        case 'schema_url':
          out.schemaUrl = string(val, 'schemaUrl');
          break;
      }
    }
    return out;
  }

  private scopeMetrics(v: unknown): ScopeMetrics {
    const o = object(v, 'scopeMetrics entry') ?? {};
    const out: ScopeMetrics = { scope: emptyScope(), metrics: [], schemaUrl: '' };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'scope':
          out.scope = this.message(val, 'scope', (s) => this.scope(s)) ?? out.scope;
          break;
        case 'metrics':
          out.metrics = this.list(val, 'metrics', DECODED_COST.metric, (m) => this.metric(m));
          break;
        case 'schemaUrl':
        case 'schema_url':
          out.schemaUrl = string(val, 'schemaUrl');
          break;
      }
    }
    return out;
  }

  private metric(v: unknown): Metric {
    const o = object(v, 'metric') ?? {};
    const m: Metric = { name: '', description: '', unit: '', data: { kind: 'none' }, metadata: [] };
    for (const k in o) {
      const val = o[k];
      const kind = Object.hasOwn(DATA_KIND, k) ? DATA_KIND[k] : undefined;
      if (kind !== undefined && kind !== 'none') {
        const data = this.message(val, k, (d) => this.metricData(d, kind));
        if (data !== undefined) m.data = data;
        continue;
      }
      switch (k) {
        case 'name':
          m.name = string(val, 'name');
          break;
        case 'description':
          m.description = string(val, 'description');
          break;
        case 'unit':
          m.unit = string(val, 'unit');
          break;
        case 'metadata':
          m.metadata = this.attributes(val);
          break;
      }
    }
    return m;
  }

  private metricData(o: JsonObject, kind: Exclude<MetricData['kind'], 'none'>): MetricData {
    let points: unknown = undefined;
    let temporality = 0;
    let monotonic = false;
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'dataPoints':
        case 'data_points':
          points = val;
          break;
        case 'aggregationTemporality':
        case 'aggregation_temporality':
          if (kind !== 'gauge' && kind !== 'summary') temporality = enumValue(val, 'aggregationTemporality', TEMPORALITY_NAMES);
          break;
        case 'isMonotonic':
        case 'is_monotonic':
          if (kind === 'sum') monotonic = bool(val, 'isMonotonic');
          break;
      }
    }
    switch (kind) {
      case 'gauge':
        return { kind, dataPoints: this.list(points, 'dataPoints', DECODED_COST.dataPoint, (p) => this.numberPoint(p)) };
      case 'sum':
        return { kind, dataPoints: this.list(points, 'dataPoints', DECODED_COST.dataPoint, (p) => this.numberPoint(p)), aggregationTemporality: temporality, isMonotonic: monotonic };
      case 'histogram':
        return { kind, dataPoints: this.list(points, 'dataPoints', DECODED_COST.dataPoint, (p) => this.histogramPoint(p)), aggregationTemporality: temporality };
      case 'exponentialHistogram':
        return { kind, dataPoints: this.list(points, 'dataPoints', DECODED_COST.dataPoint, (p) => this.exponentialPoint(p)), aggregationTemporality: temporality };
      case 'summary':
        return { kind, dataPoints: this.list(points, 'dataPoints', DECODED_COST.dataPoint, (p) => this.summaryPoint(p)) };
    }
  }

  /** `asDouble` / `asInt`: the last one given wins, as in protobuf. */
  private numberValue(k: string, val: unknown, current: NumberValue): NumberValue {
    if (val === null || val === undefined) return current;
    if (k === 'asDouble' || k === 'as_double') return { kind: 'double', value: double(val, 'asDouble') };
    return { kind: 'int', value: int64Of(val, 'asInt', true) };
  }

  private numberPoint(v: unknown): NumberDataPoint {
    const o = object(v, 'data point') ?? {};
    const p: NumberDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, value: { kind: 'none' }, exemplars: [], flags: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'attributes':
          p.attributes = this.attributes(val);
          break;
        case 'startTimeUnixNano':
        case 'start_time_unix_nano':
          p.startTimeUnixNano = int64Of(val, 'startTimeUnixNano', false);
          break;
        case 'timeUnixNano':
        case 'time_unix_nano':
          p.timeUnixNano = int64Of(val, 'timeUnixNano', false);
          break;
        case 'asDouble':
        case 'as_double':
        case 'asInt':
        case 'as_int':
          p.value = this.numberValue(k, val, p.value);
          break;
        case 'exemplars':
          p.exemplars = this.list(val, 'exemplars', DECODED_COST.exemplar, (e) => this.exemplar(e));
          break;
        case 'flags':
          p.flags = uint32(val, 'flags');
          break;
      }
    }
    return p;
  }

  private histogramPoint(v: unknown): HistogramDataPoint {
    const o = object(v, 'data point') ?? {};
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
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'attributes':
          p.attributes = this.attributes(val);
          break;
        case 'startTimeUnixNano':
        case 'start_time_unix_nano':
          p.startTimeUnixNano = int64Of(val, 'startTimeUnixNano', false);
          break;
        case 'timeUnixNano':
        case 'time_unix_nano':
          p.timeUnixNano = int64Of(val, 'timeUnixNano', false);
          break;
        case 'count':
          p.count = int64Of(val, 'count', false);
          break;
        case 'sum':
          p.sum = optDouble(val, 'sum');
          break;
        case 'bucketCounts':
        case 'bucket_counts':
          p.bucketCounts = uint64List(val, 'bucketCounts', this.budget);
          break;
        case 'explicitBounds':
        case 'explicit_bounds':
          p.explicitBounds = doubleList(val, 'explicitBounds', this.budget);
          break;
        case 'exemplars':
          p.exemplars = this.list(val, 'exemplars', DECODED_COST.exemplar, (e) => this.exemplar(e));
          break;
        case 'flags':
          p.flags = uint32(val, 'flags');
          break;
        case 'min':
          p.min = optDouble(val, 'min');
          break;
        case 'max':
          p.max = optDouble(val, 'max');
          break;
      }
    }
    return p;
  }

  private buckets(v: unknown, name: string): Buckets {
    const o = object(v, name);
    const b = emptyBuckets();
    if (o === undefined) return b;
    for (const k in o) {
      const val = o[k];
      if (k === 'offset') b.offset = int32(val, `${name}.offset`);
      else if (k === 'bucketCounts' || k === 'bucket_counts') b.bucketCounts = uint64List(val, `${name}.bucketCounts`, this.budget);
    }
    return b;
  }

  private exponentialPoint(v: unknown): ExponentialHistogramDataPoint {
    const o = object(v, 'data point') ?? {};
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
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'attributes':
          p.attributes = this.attributes(val);
          break;
        case 'startTimeUnixNano':
        case 'start_time_unix_nano':
          p.startTimeUnixNano = int64Of(val, 'startTimeUnixNano', false);
          break;
        case 'timeUnixNano':
        case 'time_unix_nano':
          p.timeUnixNano = int64Of(val, 'timeUnixNano', false);
          break;
        case 'count':
          p.count = int64Of(val, 'count', false);
          break;
        case 'sum':
          p.sum = optDouble(val, 'sum');
          break;
        case 'scale':
          p.scale = int32(val, 'scale');
          break;
        case 'zeroCount':
        case 'zero_count':
          p.zeroCount = int64Of(val, 'zeroCount', false);
          break;
        case 'positive':
        case 'negative':
          p[k] = this.buckets(val, k);
          break;
        case 'flags':
          p.flags = uint32(val, 'flags');
          break;
        case 'exemplars':
          p.exemplars = this.list(val, 'exemplars', DECODED_COST.exemplar, (e) => this.exemplar(e));
          break;
        case 'min':
          p.min = optDouble(val, 'min');
          break;
        case 'max':
          p.max = optDouble(val, 'max');
          break;
        case 'zeroThreshold':
        case 'zero_threshold':
          p.zeroThreshold = scalarDouble(val, 'zeroThreshold');
          break;
      }
    }
    return p;
  }

  private summaryPoint(v: unknown): SummaryDataPoint {
    const o = object(v, 'data point') ?? {};
    const p: SummaryDataPoint = { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 0n, count: 0n, sum: 0, quantileValues: [], flags: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'attributes':
          p.attributes = this.attributes(val);
          break;
        case 'startTimeUnixNano':
        case 'start_time_unix_nano':
          p.startTimeUnixNano = int64Of(val, 'startTimeUnixNano', false);
          break;
        case 'timeUnixNano':
        case 'time_unix_nano':
          p.timeUnixNano = int64Of(val, 'timeUnixNano', false);
          break;
        case 'count':
          p.count = int64Of(val, 'count', false);
          break;
        case 'sum':
          p.sum = scalarDouble(val, 'sum');
          break;
        case 'quantileValues':
        case 'quantile_values':
          p.quantileValues = this.list(val, 'quantileValues', DECODED_COST.repeatedScalar, (q) => this.quantile(q));
          break;
        case 'flags':
          p.flags = uint32(val, 'flags');
          break;
      }
    }
    return p;
  }

  private quantile(v: unknown): ValueAtQuantile {
    const o = object(v, 'quantile value');
    if (o === undefined) throw new DecodeFailure('quantile value: object expected');
    return { quantile: scalarDouble(o['quantile'], 'quantile'), value: scalarDouble(o['value'], 'value') };
  }

  private exemplar(v: unknown): Exemplar {
    const o = object(v, 'exemplar') ?? {};
    const e: Exemplar = { filteredAttributes: [], timeUnixNano: 0n, value: { kind: 'none' }, spanId: '', traceId: '' };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'filteredAttributes':
        case 'filtered_attributes':
          e.filteredAttributes = this.attributes(val);
          break;
        case 'timeUnixNano':
        case 'time_unix_nano':
          e.timeUnixNano = int64Of(val, 'timeUnixNano', false);
          break;
        case 'asDouble':
        case 'as_double':
        case 'asInt':
        case 'as_int':
          e.value = this.numberValue(k, val, e.value);
          break;
        case 'spanId':
        case 'span_id':
          e.spanId = id(val, 'spanId', SPAN_ID_BYTES, true);
          break;
        case 'traceId':
        case 'trace_id':
          e.traceId = id(val, 'traceId', TRACE_ID_BYTES, true);
          break;
      }
    }
    return e;
  }
}
