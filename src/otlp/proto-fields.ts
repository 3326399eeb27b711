/**
 * Field numbers and wire types of the OTLP trace messages, from opentelemetry-proto:
 * trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto and
 * collector/trace/v1/trace_service.proto. Decoder and encoder share these so they cannot disagree.
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
