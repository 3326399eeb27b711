/**
 * The in-memory model of an OTLP ExportMetricsServiceRequest (metrics/v1/metrics.proto,
 * collector/metrics/v1/metrics_service.proto), with the choices of the span model (model.ts): hex ids,
 * `bigint` for 64-bit integers (timestamps, counts, sfixed64 values), nested messages always present
 * with their defaults.
 *
 * Presence is kept where the proto has it, so a round trip is exact: a oneof (`Metric.data`, a data
 * point's `value`) is a tagged union with a `none` member, and proto3 `optional` doubles
 * (HistogramDataPoint sum/min/max) are `number | undefined`.
 */
import type { KeyValue, Resource, InstrumentationScope } from './model.js';

/** AggregationTemporality (metrics.proto); a number so unknown values survive. */
export const AggregationTemporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

/** NumberDataPoint.value and Exemplar.value: `as_double`, `as_int` (sfixed64) or neither. */
export type NumberValue = { readonly kind: 'double'; value: number } | { readonly kind: 'int'; value: bigint } | { readonly kind: 'none' };

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  value: NumberValue;
  spanId: string;
  traceId: string;
}

export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value: NumberValue;
  exemplars: Exemplar[];
  flags: number;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number | undefined;
  bucketCounts: bigint[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | undefined;
  max: number | undefined;
}

export interface Buckets {
  offset: number;
  bucketCounts: bigint[];
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number | undefined;
  scale: number;
  zeroCount: bigint;
  positive: Buckets;
  negative: Buckets;
  flags: number;
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
}

export interface ValueAtQuantile {
  quantile: number;
  value: number;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
}

/** Metric.data, the oneof. */
export type MetricData =
  | { readonly kind: 'gauge'; dataPoints: NumberDataPoint[] }
  | { readonly kind: 'sum'; dataPoints: NumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean }
  | { readonly kind: 'histogram'; dataPoints: HistogramDataPoint[]; aggregationTemporality: number }
  | { readonly kind: 'exponentialHistogram'; dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: number }
  | { readonly kind: 'summary'; dataPoints: SummaryDataPoint[] }
  | { readonly kind: 'none' };

/** Any data point: what the policy reads (its attributes and exemplars) is common to all five. */
export type DataPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

export interface Metric {
  name: string;
  description: string;
  unit: string;
  data: MetricData;
  metadata: KeyValue[];
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
  schemaUrl: string;
}

export interface ResourceMetrics {
  resource: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
}

/** ExportMetricsServiceRequest: field 1, repeated ResourceMetrics. */
export interface MetricsData {
  resourceMetrics: ResourceMetrics[];
}

export function emptyBuckets(): Buckets {
  return { offset: 0, bucketCounts: [] };
}

/** The data points of a metric, whatever its type ([] for a metric with no data). */
export function dataPointsOf(m: Metric): readonly DataPoint[] {
  return m.data.kind === 'none' ? [] : m.data.dataPoints;
}

/** Counts data points: the unit OTLP counts metrics in (ExportMetricsPartialSuccess.rejected_data_points). */
export function countDataPoints(data: MetricsData): number {
  let n = 0;
  for (const rm of data.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += dataPointsOf(m).length;
  return n;
}
