/**
 * Encodes the metrics model as OTLP/JSON with the shared pieces of json-encode.ts: compact, one line;
 * fixed64 and sfixed64 values as decimal strings, doubles as numbers (non-finite ones as strings);
 * defaults omitted, oneof members and optional doubles written whenever set, so
 * decodeMetricsJson(encodeMetricsJson(x)) equals x.
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
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from './metrics-model.js';
import { attributesField, countField, double, idField, listField, obj, q, requestJson, resource, scope, stringField, timeField } from './json-encode.js';

export function encodeMetricsJson(data: MetricsData): string {
  return requestJson('resourceMetrics', data.resourceMetrics, resourceMetrics);
}

function resourceMetrics(rm: ResourceMetrics): string {
  let out = '{"resource":' + resource(rm.resource) + listField('scopeMetrics', rm.scopeMetrics, scopeMetrics);
  if (rm.schemaUrl !== '') out += ',"schemaUrl":' + q(rm.schemaUrl);
  return out + '}';
}

function scopeMetrics(sm: ScopeMetrics): string {
  let out = '{"scope":' + scope(sm.scope) + listField('metrics', sm.metrics, metric);
  if (sm.schemaUrl !== '') out += ',"schemaUrl":' + q(sm.schemaUrl);
  return out + '}';
}

function metric(m: Metric): string {
  return obj(stringField('name', m.name) + stringField('description', m.description) + stringField('unit', m.unit) + data(m.data) + attributesField(m.metadata, 'metadata'));
}

function data(d: MetricData): string {
  switch (d.kind) {
    case 'none':
      return '';
    case 'gauge':
      return ',"gauge":' + obj(listField('dataPoints', d.dataPoints, numberPoint));
    case 'sum':
      return ',"sum":' + obj(listField('dataPoints', d.dataPoints, numberPoint) + countField('aggregationTemporality', d.aggregationTemporality) + (d.isMonotonic ? ',"isMonotonic":true' : ''));
    case 'histogram':
      return ',"histogram":' + obj(listField('dataPoints', d.dataPoints, histogramPoint) + countField('aggregationTemporality', d.aggregationTemporality));
    case 'exponentialHistogram':
      return ',"exponentialHistogram":' + obj(listField('dataPoints', d.dataPoints, exponentialPoint) + countField('aggregationTemporality', d.aggregationTemporality));
    case 'summary':
      return ',"summary":' + obj(listField('dataPoints', d.dataPoints, summaryPoint));
  }
}

function numberValue(v: NumberValue): string {
  if (v.kind === 'double') return ',"asDouble":' + double(v.value);
  if (v.kind === 'int') return ',"asInt":"' + v.value + '"';
  return '';
}

/** An optional double: written whenever set. */
function optDouble(name: string, v: number | undefined): string {
  return v === undefined ? '' : ',"' + name + '":' + double(v);
}

/** A plain proto3 double: omitted at +0 only, so -0 survives. */
function scalarDouble(name: string, v: number): string {
  return Object.is(v, 0) ? '' : ',"' + name + '":' + double(v);
}

/** A 64-bit count: a decimal string, omitted at 0. */
const countString = timeField;

function uint64List(name: string, values: readonly bigint[]): string {
  return values.length === 0 ? '' : ',"' + name + '":[' + values.map((v) => '"' + v + '"').join(',') + ']';
}

function exemplar(e: Exemplar): string {
  return obj(
    attributesField(e.filteredAttributes, 'filteredAttributes') +
      timeField('timeUnixNano', e.timeUnixNano) +
      numberValue(e.value) +
      idField('spanId', e.spanId) +
      idField('traceId', e.traceId),
  );
}

function numberPoint(p: NumberDataPoint): string {
  return obj(
    attributesField(p.attributes) +
      timeField('startTimeUnixNano', p.startTimeUnixNano) +
      timeField('timeUnixNano', p.timeUnixNano) +
      numberValue(p.value) +
      listField('exemplars', p.exemplars, exemplar) +
      countField('flags', p.flags),
  );
}

function histogramPoint(p: HistogramDataPoint): string {
  return obj(
    attributesField(p.attributes) +
      timeField('startTimeUnixNano', p.startTimeUnixNano) +
      timeField('timeUnixNano', p.timeUnixNano) +
      countString('count', p.count) +
      optDouble('sum', p.sum) +
      uint64List('bucketCounts', p.bucketCounts) +
      (p.explicitBounds.length === 0 ? '' : ',"explicitBounds":[' + p.explicitBounds.map(double).join(',') + ']') +
      listField('exemplars', p.exemplars, exemplar) +
      countField('flags', p.flags) +
      optDouble('min', p.min) +
      optDouble('max', p.max),
  );
}

function buckets(name: string, b: Buckets): string {
  if (b.offset === 0 && b.bucketCounts.length === 0) return '';
  return ',"' + name + '":' + obj(countField('offset', b.offset) + uint64List('bucketCounts', b.bucketCounts));
}

function exponentialPoint(p: ExponentialHistogramDataPoint): string {
  return obj(
    attributesField(p.attributes) +
      timeField('startTimeUnixNano', p.startTimeUnixNano) +
      timeField('timeUnixNano', p.timeUnixNano) +
      countString('count', p.count) +
      optDouble('sum', p.sum) +
      countField('scale', p.scale) +
      countString('zeroCount', p.zeroCount) +
      buckets('positive', p.positive) +
      buckets('negative', p.negative) +
      countField('flags', p.flags) +
      listField('exemplars', p.exemplars, exemplar) +
      optDouble('min', p.min) +
      optDouble('max', p.max) +
      scalarDouble('zeroThreshold', p.zeroThreshold),
  );
}

function summaryPoint(p: SummaryDataPoint): string {
  return obj(
    attributesField(p.attributes) +
      timeField('startTimeUnixNano', p.startTimeUnixNano) +
      timeField('timeUnixNano', p.timeUnixNano) +
      countString('count', p.count) +
      scalarDouble('sum', p.sum) +
      listField('quantileValues', p.quantileValues, (v) => obj(scalarDouble('quantile', v.quantile) + scalarDouble('value', v.value))) +
      countField('flags', p.flags),
  );
}
