/**
 * Encodes the metrics model as an OTLP protobuf ExportMetricsServiceRequest, with the shared pieces of
 * proto-encode.ts (two mirrored passes, proto3 defaults omitted). Oneof members and proto3 `optional`
 * doubles are written whenever set, even to 0; plain proto3 doubles are omitted only at +0, so -0
 * survives; repeated scalars are written packed, as proto3 does by default.
 */
import type {
  Buckets,
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  NumberValue,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
  ValueAtQuantile,
} from './metrics-model.js';
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
  SummaryDataPointField as S,
  ValueAtQuantileField,
  WireType,
} from './proto-fields.js';
import {
  beginMessage,
  encodeRepeated,
  lenField,
  sizeAttributes,
  sizeFixed64,
  sizeId,
  sizeOptString,
  sizeResource,
  sizeScope,
  sizeUint32,
  writeAttributes,
  writeFixed64,
  writeId,
  writeOptString,
  writeResource,
  writeScope,
  writeUint32,
} from './proto-encode.js';
import { int64Size, tagSize, varintSize, type ProtoWriter } from './proto-writer.js';

export function encodeMetricsProtobuf(data: MetricsData): Uint8Array {
  return encodeRepeated(data.resourceMetrics, MetricsDataField.RESOURCE_METRICS, sizeResourceMetrics, writeResourceMetrics);
}

// ---- scalars metrics add ----

const zigzag32 = (n: number): number => ((n << 1) ^ (n >> 31)) >>> 0;
const isPositiveZero = (v: number): boolean => Object.is(v, 0);

/** A double or sfixed64 field that is always written (oneof member, optional with presence). */
function size8(field: number): number {
  return tagSize(field) + 8;
}

function sizeNumberValue(v: NumberValue, asDouble: number, asInt: number): number {
  return v.kind === 'none' ? 0 : size8(v.kind === 'double' ? asDouble : asInt);
}

function writeNumberValue(w: ProtoWriter, v: NumberValue, asDouble: number, asInt: number): void {
  if (v.kind === 'double') writeDouble(w, asDouble, v.value);
  else if (v.kind === 'int') {
    w.tag(asInt, WireType.I64);
    w.fixed64(v.value);
  }
}

function writeDouble(w: ProtoWriter, field: number, v: number): void {
  w.tag(field, WireType.I64);
  w.double(v);
}

function sizeOptDouble(field: number, v: number | undefined): number {
  return v === undefined ? 0 : size8(field);
}

function writeOptDouble(w: ProtoWriter, field: number, v: number | undefined): void {
  if (v !== undefined) writeDouble(w, field, v);
}

function sizeScalarDouble(field: number, v: number): number {
  return isPositiveZero(v) ? 0 : size8(field);
}

function writeScalarDouble(w: ProtoWriter, field: number, v: number): void {
  if (!isPositiveZero(v)) writeDouble(w, field, v);
}

function sizeSint32(field: number, v: number): number {
  return v === 0 ? 0 : tagSize(field) + varintSize(zigzag32(v));
}

function writeSint32(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, WireType.VARINT);
  w.varint(zigzag32(v));
}

/** Packed repeated fixed64 / double: 8 bytes per element. */
function sizePacked8(field: number, n: number): number {
  return n === 0 ? 0 : lenField(field, 8 * n);
}

function writePackedFixed64(w: ProtoWriter, field: number, values: readonly bigint[]): void {
  if (values.length === 0) return;
  w.tag(field, WireType.LEN);
  w.varint(8 * values.length);
  for (const v of values) w.fixed64(v);
}

function writePackedDouble(w: ProtoWriter, field: number, values: readonly number[]): void {
  if (values.length === 0) return;
  w.tag(field, WireType.LEN);
  w.varint(8 * values.length);
  for (const v of values) w.double(v);
}

/** Packed repeated uint64: varints; the payload length is recorded for the writing pass. */
function sizePackedUint64(field: number, values: readonly bigint[], L: number[]): number {
  if (values.length === 0) return 0;
  let n = 0;
  for (const v of values) n += int64Size(BigInt.asIntN(64, v));
  L.push(n);
  return lenField(field, n);
}

function writePackedUint64(w: ProtoWriter, field: number, values: readonly bigint[]): void {
  if (values.length === 0) return;
  w.tag(field, WireType.LEN);
  w.varint(w.nextLength());
  // A uint64 at or above 2^63 is the 10-byte varint of its two's-complement int64.
  for (const v of values) w.int64(BigInt.asIntN(64, v));
}

function sizeBool(field: number, v: boolean): number {
  return v ? tagSize(field) + 1 : 0;
}

function writeBool(w: ProtoWriter, field: number, v: boolean): void {
  if (!v) return;
  w.tag(field, WireType.VARINT);
  w.varint(1);
}

// ---- sizing pass ----

function sizeResourceMetrics(rm: ResourceMetrics, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ResourceMetricsField.RESOURCE, sizeResource(rm.resource, L));
  for (const sm of rm.scopeMetrics) n += lenField(ResourceMetricsField.SCOPE_METRICS, sizeScopeMetrics(sm, L));
  n += sizeOptString(ResourceMetricsField.SCHEMA_URL, rm.schemaUrl, L);
  return (L[slot] = n);
}

function sizeScopeMetrics(sm: ScopeMetrics, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ScopeMetricsField.SCOPE, sizeScope(sm.scope, L));
  for (const m of sm.metrics) n += lenField(ScopeMetricsField.METRICS, sizeMetric(m, L));
  n += sizeOptString(ScopeMetricsField.SCHEMA_URL, sm.schemaUrl, L);
  return (L[slot] = n);
}

function sizeMetric(m: Metric, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeOptString(MetricField.NAME, m.name, L);
  n += sizeOptString(MetricField.DESCRIPTION, m.description, L);
  n += sizeOptString(MetricField.UNIT, m.unit, L);
  const d = m.data;
  if (d.kind !== 'none') {
    const s = L.push(0) - 1;
    let b = 0;
    switch (d.kind) {
      case 'gauge':
        for (const p of d.dataPoints) b += lenField(MetricDataField.DATA_POINTS, sizeNumberPoint(p, L));
        break;
      case 'sum':
        for (const p of d.dataPoints) b += lenField(MetricDataField.DATA_POINTS, sizeNumberPoint(p, L));
        b += sizeUint32(MetricDataField.AGGREGATION_TEMPORALITY, d.aggregationTemporality);
        b += sizeBool(MetricDataField.IS_MONOTONIC, d.isMonotonic);
        break;
      case 'histogram':
        for (const p of d.dataPoints) b += lenField(MetricDataField.DATA_POINTS, sizeHistogramPoint(p, L));
        b += sizeUint32(MetricDataField.AGGREGATION_TEMPORALITY, d.aggregationTemporality);
        break;
      case 'exponentialHistogram':
        for (const p of d.dataPoints) b += lenField(MetricDataField.DATA_POINTS, sizeExponentialPoint(p, L));
        b += sizeUint32(MetricDataField.AGGREGATION_TEMPORALITY, d.aggregationTemporality);
        break;
      case 'summary':
        for (const p of d.dataPoints) b += lenField(MetricDataField.DATA_POINTS, sizeSummaryPoint(p, L));
        break;
    }
    L[s] = b;
    n += lenField(DATA_FIELD[d.kind], b);
  }
  n += sizeAttributes(MetricField.METADATA, m.metadata, L);
  return (L[slot] = n);
}

function sizeExemplars(field: number, exemplars: readonly Exemplar[], L: number[]): number {
  let n = 0;
  for (const e of exemplars) n += lenField(field, sizeExemplar(e, L));
  return n;
}

function sizeExemplar(e: Exemplar, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeFixed64(ExemplarField.TIME_UNIX_NANO, e.timeUnixNano);
  n += sizeNumberValue(e.value, ExemplarField.AS_DOUBLE, ExemplarField.AS_INT);
  n += sizeId(ExemplarField.SPAN_ID, e.spanId);
  n += sizeId(ExemplarField.TRACE_ID, e.traceId);
  n += sizeAttributes(ExemplarField.FILTERED_ATTRIBUTES, e.filteredAttributes, L);
  return (L[slot] = n);
}

function sizeNumberPoint(p: NumberDataPoint, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeFixed64(N.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  n += sizeFixed64(N.TIME_UNIX_NANO, p.timeUnixNano);
  n += sizeNumberValue(p.value, N.AS_DOUBLE, N.AS_INT);
  n += sizeExemplars(N.EXEMPLARS, p.exemplars, L);
  n += sizeAttributes(N.ATTRIBUTES, p.attributes, L);
  n += sizeUint32(N.FLAGS, p.flags);
  return (L[slot] = n);
}

function sizeHistogramPoint(p: HistogramDataPoint, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeFixed64(H.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  n += sizeFixed64(H.TIME_UNIX_NANO, p.timeUnixNano);
  n += sizeFixed64(H.COUNT, p.count);
  n += sizeOptDouble(H.SUM, p.sum);
  n += sizePacked8(H.BUCKET_COUNTS, p.bucketCounts.length);
  n += sizePacked8(H.EXPLICIT_BOUNDS, p.explicitBounds.length);
  n += sizeExemplars(H.EXEMPLARS, p.exemplars, L);
  n += sizeAttributes(H.ATTRIBUTES, p.attributes, L);
  n += sizeUint32(H.FLAGS, p.flags);
  n += sizeOptDouble(H.MIN, p.min);
  n += sizeOptDouble(H.MAX, p.max);
  return (L[slot] = n);
}

function hasBuckets(b: Buckets): boolean {
  return b.offset !== 0 || b.bucketCounts.length > 0;
}

function sizeBuckets(b: Buckets, L: number[]): number {
  const slot = L.push(0) - 1;
  return (L[slot] = sizeSint32(BucketsField.OFFSET, b.offset) + sizePackedUint64(BucketsField.BUCKET_COUNTS, b.bucketCounts, L));
}

function sizeExponentialPoint(p: ExponentialHistogramDataPoint, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeAttributes(EH.ATTRIBUTES, p.attributes, L);
  n += sizeFixed64(EH.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  n += sizeFixed64(EH.TIME_UNIX_NANO, p.timeUnixNano);
  n += sizeFixed64(EH.COUNT, p.count);
  n += sizeOptDouble(EH.SUM, p.sum);
  n += sizeSint32(EH.SCALE, p.scale);
  n += sizeFixed64(EH.ZERO_COUNT, p.zeroCount);
  if (hasBuckets(p.positive)) n += lenField(EH.POSITIVE, sizeBuckets(p.positive, L));
  if (hasBuckets(p.negative)) n += lenField(EH.NEGATIVE, sizeBuckets(p.negative, L));
  n += sizeUint32(EH.FLAGS, p.flags);
  n += sizeExemplars(EH.EXEMPLARS, p.exemplars, L);
  n += sizeOptDouble(EH.MIN, p.min);
  n += sizeOptDouble(EH.MAX, p.max);
  n += sizeScalarDouble(EH.ZERO_THRESHOLD, p.zeroThreshold);
  return (L[slot] = n);
}

function sizeQuantile(q: ValueAtQuantile): number {
  return sizeScalarDouble(ValueAtQuantileField.QUANTILE, q.quantile) + sizeScalarDouble(ValueAtQuantileField.VALUE, q.value);
}

function sizeSummaryPoint(p: SummaryDataPoint, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeFixed64(S.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  n += sizeFixed64(S.TIME_UNIX_NANO, p.timeUnixNano);
  n += sizeFixed64(S.COUNT, p.count);
  n += sizeScalarDouble(S.SUM, p.sum);
  for (const q of p.quantileValues) n += lenField(S.QUANTILE_VALUES, sizeQuantile(q));
  n += sizeAttributes(S.ATTRIBUTES, p.attributes, L);
  n += sizeUint32(S.FLAGS, p.flags);
  return (L[slot] = n);
}

// ---- writing pass: mirrors the sizing pass field by field ----

function writeResourceMetrics(w: ProtoWriter, field: number, rm: ResourceMetrics): void {
  beginMessage(w, field);
  writeResource(w, ResourceMetricsField.RESOURCE, rm.resource);
  for (const sm of rm.scopeMetrics) writeScopeMetrics(w, ResourceMetricsField.SCOPE_METRICS, sm);
  writeOptString(w, ResourceMetricsField.SCHEMA_URL, rm.schemaUrl);
}

function writeScopeMetrics(w: ProtoWriter, field: number, sm: ScopeMetrics): void {
  beginMessage(w, field);
  writeScope(w, ScopeMetricsField.SCOPE, sm.scope);
  for (const m of sm.metrics) writeMetric(w, ScopeMetricsField.METRICS, m);
  writeOptString(w, ScopeMetricsField.SCHEMA_URL, sm.schemaUrl);
}

function writeMetric(w: ProtoWriter, field: number, m: Metric): void {
  beginMessage(w, field);
  writeOptString(w, MetricField.NAME, m.name);
  writeOptString(w, MetricField.DESCRIPTION, m.description);
  writeOptString(w, MetricField.UNIT, m.unit);
  const d = m.data;
  if (d.kind !== 'none') {
    beginMessage(w, DATA_FIELD[d.kind]);
    switch (d.kind) {
      case 'gauge':
        for (const p of d.dataPoints) writeNumberPoint(w, MetricDataField.DATA_POINTS, p);
        break;
      case 'sum':
        for (const p of d.dataPoints) writeNumberPoint(w, MetricDataField.DATA_POINTS, p);
        writeUint32(w, MetricDataField.AGGREGATION_TEMPORALITY, d.aggregationTemporality);
        writeBool(w, MetricDataField.IS_MONOTONIC, d.isMonotonic);
        break;
      case 'histogram':
        for (const p of d.dataPoints) writeHistogramPoint(w, MetricDataField.DATA_POINTS, p);
        writeUint32(w, MetricDataField.AGGREGATION_TEMPORALITY, d.aggregationTemporality);
        break;
      case 'exponentialHistogram':
        for (const p of d.dataPoints) writeExponentialPoint(w, MetricDataField.DATA_POINTS, p);
        writeUint32(w, MetricDataField.AGGREGATION_TEMPORALITY, d.aggregationTemporality);
        break;
      case 'summary':
        for (const p of d.dataPoints) writeSummaryPoint(w, MetricDataField.DATA_POINTS, p);
        break;
    }
  }
  writeAttributes(w, MetricField.METADATA, m.metadata);
}

function writeExemplars(w: ProtoWriter, field: number, exemplars: readonly Exemplar[]): void {
  for (const e of exemplars) {
    beginMessage(w, field);
    writeFixed64(w, ExemplarField.TIME_UNIX_NANO, e.timeUnixNano);
    writeNumberValue(w, e.value, ExemplarField.AS_DOUBLE, ExemplarField.AS_INT);
    writeId(w, ExemplarField.SPAN_ID, e.spanId);
    writeId(w, ExemplarField.TRACE_ID, e.traceId);
    writeAttributes(w, ExemplarField.FILTERED_ATTRIBUTES, e.filteredAttributes);
  }
}

function writeNumberPoint(w: ProtoWriter, field: number, p: NumberDataPoint): void {
  beginMessage(w, field);
  writeFixed64(w, N.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  writeFixed64(w, N.TIME_UNIX_NANO, p.timeUnixNano);
  writeNumberValue(w, p.value, N.AS_DOUBLE, N.AS_INT);
  writeExemplars(w, N.EXEMPLARS, p.exemplars);
  writeAttributes(w, N.ATTRIBUTES, p.attributes);
  writeUint32(w, N.FLAGS, p.flags);
}

function writeHistogramPoint(w: ProtoWriter, field: number, p: HistogramDataPoint): void {
  beginMessage(w, field);
  writeFixed64(w, H.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  writeFixed64(w, H.TIME_UNIX_NANO, p.timeUnixNano);
  writeFixed64(w, H.COUNT, p.count);
  writeOptDouble(w, H.SUM, p.sum);
  writePackedFixed64(w, H.BUCKET_COUNTS, p.bucketCounts);
  writePackedDouble(w, H.EXPLICIT_BOUNDS, p.explicitBounds);
  writeExemplars(w, H.EXEMPLARS, p.exemplars);
  writeAttributes(w, H.ATTRIBUTES, p.attributes);
  writeUint32(w, H.FLAGS, p.flags);
  writeOptDouble(w, H.MIN, p.min);
  writeOptDouble(w, H.MAX, p.max);
}

function writeBuckets(w: ProtoWriter, field: number, b: Buckets): void {
  if (!hasBuckets(b)) return;
  beginMessage(w, field);
  writeSint32(w, BucketsField.OFFSET, b.offset);
  writePackedUint64(w, BucketsField.BUCKET_COUNTS, b.bucketCounts);
}

function writeExponentialPoint(w: ProtoWriter, field: number, p: ExponentialHistogramDataPoint): void {
  beginMessage(w, field);
  writeAttributes(w, EH.ATTRIBUTES, p.attributes);
  writeFixed64(w, EH.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  writeFixed64(w, EH.TIME_UNIX_NANO, p.timeUnixNano);
  writeFixed64(w, EH.COUNT, p.count);
  writeOptDouble(w, EH.SUM, p.sum);
  writeSint32(w, EH.SCALE, p.scale);
  writeFixed64(w, EH.ZERO_COUNT, p.zeroCount);
  writeBuckets(w, EH.POSITIVE, p.positive);
  writeBuckets(w, EH.NEGATIVE, p.negative);
  writeUint32(w, EH.FLAGS, p.flags);
  writeExemplars(w, EH.EXEMPLARS, p.exemplars);
  writeOptDouble(w, EH.MIN, p.min);
  writeOptDouble(w, EH.MAX, p.max);
  writeScalarDouble(w, EH.ZERO_THRESHOLD, p.zeroThreshold);
}

function writeSummaryPoint(w: ProtoWriter, field: number, p: SummaryDataPoint): void {
  beginMessage(w, field);
  writeFixed64(w, S.START_TIME_UNIX_NANO, p.startTimeUnixNano);
  writeFixed64(w, S.TIME_UNIX_NANO, p.timeUnixNano);
  writeFixed64(w, S.COUNT, p.count);
  writeScalarDouble(w, S.SUM, p.sum);
  for (const q of p.quantileValues) {
    w.tag(S.QUANTILE_VALUES, WireType.LEN);
    w.varint(sizeQuantile(q));
    writeScalarDouble(w, ValueAtQuantileField.QUANTILE, q.quantile);
    writeScalarDouble(w, ValueAtQuantileField.VALUE, q.value);
  }
  writeAttributes(w, S.ATTRIBUTES, p.attributes);
  writeUint32(w, S.FLAGS, p.flags);
}

const DATA_FIELD = {
  gauge: MetricField.GAUGE,
  sum: MetricField.SUM,
  histogram: MetricField.HISTOGRAM,
  exponentialHistogram: MetricField.EXPONENTIAL_HISTOGRAM,
  summary: MetricField.SUMMARY,
} as const;
