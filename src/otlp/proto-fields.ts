/**
 * Field numbers and wire types of the OTLP messages, from opentelemetry-proto:
 * trace/v1/trace.proto, logs/v1/logs.proto, metrics/v1/metrics.proto, common/v1/common.proto,
 * resource/v1/resource.proto and the three collector service protos. Decoders and encoders share these so
 * they cannot disagree.
 */

/** Protobuf wire types (protobuf encoding spec, "Message Structure"). */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;

/** ExportTraceServiceRequest / TracesData. */
export const TracesDataField = { RESOURCE_SPANS: 1 } as const;

/** ResourceSpans (field 1000 is reserved). */
export const ResourceSpansField = { RESOURCE: 1, SCOPE_SPANS: 2, SCHEMA_URL: 3 } as const;

/** Resource. Field 3, entity_refs (Development status), is not modelled and is skipped as unknown. */
export const ResourceField = { ATTRIBUTES: 1, DROPPED_ATTRIBUTES_COUNT: 2 } as const;

export const ScopeSpansField = { SCOPE: 1, SPANS: 2, SCHEMA_URL: 3 } as const;

export const ScopeField = { NAME: 1, VERSION: 2, ATTRIBUTES: 3, DROPPED_ATTRIBUTES_COUNT: 4 } as const;

/** Span: "the next available field id is 17"; flags (16) is fixed32, the timestamps fixed64. */
export const SpanField = {
  TRACE_ID: 1,
  SPAN_ID: 2,
  TRACE_STATE: 3,
  PARENT_SPAN_ID: 4,
  NAME: 5,
  KIND: 6,
  START_TIME_UNIX_NANO: 7,
  END_TIME_UNIX_NANO: 8,
  ATTRIBUTES: 9,
  DROPPED_ATTRIBUTES_COUNT: 10,
  EVENTS: 11,
  DROPPED_EVENTS_COUNT: 12,
  LINKS: 13,
  DROPPED_LINKS_COUNT: 14,
  STATUS: 15,
  FLAGS: 16,
} as const;

/** Span.Event. */
export const EventField = { TIME_UNIX_NANO: 1, NAME: 2, ATTRIBUTES: 3, DROPPED_ATTRIBUTES_COUNT: 4 } as const;

/** Span.Link: flags (6) is fixed32. */
export const LinkField = {
  TRACE_ID: 1,
  SPAN_ID: 2,
  TRACE_STATE: 3,
  ATTRIBUTES: 4,
  DROPPED_ATTRIBUTES_COUNT: 5,
  FLAGS: 6,
} as const;

/** Status: field 1 is reserved (the old deprecated_code). */
export const StatusField = { MESSAGE: 2, CODE: 3 } as const;

export const KeyValueField = { KEY: 1, VALUE: 2 } as const;

/** AnyValue's oneof `value`. */
export const AnyValueField = {
  STRING: 1,
  BOOL: 2,
  INT: 3,
  DOUBLE: 4,
  ARRAY: 5,
  KVLIST: 6,
  BYTES: 7,
} as const;

/** ArrayValue.values and KeyValueList.values are both field 1. */
export const ListField = { VALUES: 1 } as const;

/** ExportTraceServiceResponse and ExportTracePartialSuccess (trace_service.proto). */
export const ResponseField = { PARTIAL_SUCCESS: 1 } as const;
export const PartialSuccessField = { REJECTED_SPANS: 1, ERROR_MESSAGE: 2 } as const;

/** Span id lengths in bytes (trace.proto: "The ID is a 16-byte array", "an 8-byte array"). */
export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

// ---- logs/v1/logs.proto and collector/logs/v1/logs_service.proto ----

/** ExportLogsServiceRequest / LogsData. */
export const LogsDataField = { RESOURCE_LOGS: 1 } as const;

/** ResourceLogs (field 1000 is reserved). */
export const ResourceLogsField = { RESOURCE: 1, SCOPE_LOGS: 2, SCHEMA_URL: 3 } as const;

export const ScopeLogsField = { SCOPE: 1, LOG_RECORDS: 2, SCHEMA_URL: 3 } as const;

/** LogRecord: field 4 is reserved (the old `name`); timestamps are fixed64, flags fixed32. */
export const LogRecordField = {
  TIME_UNIX_NANO: 1,
  SEVERITY_NUMBER: 2,
  SEVERITY_TEXT: 3,
  BODY: 5,
  ATTRIBUTES: 6,
  DROPPED_ATTRIBUTES_COUNT: 7,
  FLAGS: 8,
  TRACE_ID: 9,
  SPAN_ID: 10,
  OBSERVED_TIME_UNIX_NANO: 11,
  EVENT_NAME: 12,
} as const;

// ---- metrics/v1/metrics.proto and collector/metrics/v1/metrics_service.proto ----

/** ExportMetricsServiceRequest / MetricsData. */
export const MetricsDataField = { RESOURCE_METRICS: 1 } as const;

/** ResourceMetrics (field 1000 is reserved). */
export const ResourceMetricsField = { RESOURCE: 1, SCOPE_METRICS: 2, SCHEMA_URL: 3 } as const;

export const ScopeMetricsField = { SCOPE: 1, METRICS: 2, SCHEMA_URL: 3 } as const;

/** Metric: fields 4, 6 and 8 are reserved; 5, 7, 9, 10, 11 are the `data` oneof. */
export const MetricField = {
  NAME: 1,
  DESCRIPTION: 2,
  UNIT: 3,
  GAUGE: 5,
  SUM: 7,
  HISTOGRAM: 9,
  EXPONENTIAL_HISTOGRAM: 10,
  SUMMARY: 11,
  METADATA: 12,
} as const;

/** Gauge, Sum, Histogram, ExponentialHistogram and Summary share these numbers. */
export const MetricDataField = { DATA_POINTS: 1, AGGREGATION_TEMPORALITY: 2, IS_MONOTONIC: 3 } as const;

/** NumberDataPoint: field 1 is reserved; as_double (4) and as_int (6, sfixed64) are the `value` oneof. */
export const NumberDataPointField = {
  START_TIME_UNIX_NANO: 2,
  TIME_UNIX_NANO: 3,
  AS_DOUBLE: 4,
  EXEMPLARS: 5,
  AS_INT: 6,
  ATTRIBUTES: 7,
  FLAGS: 8,
} as const;

/** HistogramDataPoint: field 1 is reserved; bucket_counts (fixed64) and explicit_bounds are packed. */
export const HistogramDataPointField = {
  START_TIME_UNIX_NANO: 2,
  TIME_UNIX_NANO: 3,
  COUNT: 4,
  SUM: 5,
  BUCKET_COUNTS: 6,
  EXPLICIT_BOUNDS: 7,
  EXEMPLARS: 8,
  ATTRIBUTES: 9,
  FLAGS: 10,
  MIN: 11,
  MAX: 12,
} as const;

/** ExponentialHistogramDataPoint: scale is sint32 (zigzag). */
export const ExponentialHistogramDataPointField = {
  ATTRIBUTES: 1,
  START_TIME_UNIX_NANO: 2,
  TIME_UNIX_NANO: 3,
  COUNT: 4,
  SUM: 5,
  SCALE: 6,
  ZERO_COUNT: 7,
  POSITIVE: 8,
  NEGATIVE: 9,
  FLAGS: 10,
  EXEMPLARS: 11,
  MIN: 12,
  MAX: 13,
  ZERO_THRESHOLD: 14,
} as const;

/** ExponentialHistogramDataPoint.Buckets: offset is sint32, bucket_counts packed uint64. */
export const BucketsField = { OFFSET: 1, BUCKET_COUNTS: 2 } as const;

/** SummaryDataPoint: field 1 is reserved. */
export const SummaryDataPointField = {
  START_TIME_UNIX_NANO: 2,
  TIME_UNIX_NANO: 3,
  COUNT: 4,
  SUM: 5,
  QUANTILE_VALUES: 6,
  ATTRIBUTES: 7,
  FLAGS: 8,
} as const;

export const ValueAtQuantileField = { QUANTILE: 1, VALUE: 2 } as const;

/** Exemplar: field 1 is reserved; as_double (3) and as_int (6, sfixed64) are the `value` oneof. */
export const ExemplarField = {
  TIME_UNIX_NANO: 2,
  AS_DOUBLE: 3,
  SPAN_ID: 4,
  TRACE_ID: 5,
  AS_INT: 6,
  FILTERED_ATTRIBUTES: 7,
} as const;
