/**
 * The in-memory model of an OTLP ExportTraceServiceRequest.
 *
 * Mirrors opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto, with three choices made
 * for the hot path and for exact round trips:
 * - trace and span ids are lowercase hex strings ('' when absent), the form OTLP/JSON uses and the one
 *   sampling and logging want;
 * - 64-bit integers (timestamps, int attributes) are `bigint`, so no value above 2^53 is ever rounded;
 * - optional messages (resource, scope, status) are always present with their proto3 defaults, so
 *   consumers never branch on absence. Encoders omit default-valued fields, so decode(encode(x)) == x.
 */

export type AnyValue =
  | { readonly kind: 'string'; value: string }
  | { readonly kind: 'bool'; value: boolean }
  | { readonly kind: 'int'; value: bigint }
  | { readonly kind: 'double'; value: number }
  | { readonly kind: 'bytes'; value: Uint8Array }
  | { readonly kind: 'array'; values: AnyValue[] }
  | { readonly kind: 'kvlist'; values: KeyValue[] }
  /** AnyValue with no field set (an empty value). */
  | { readonly kind: 'empty' };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

/** Span.SpanKind enum values, trace.proto. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** Status.StatusCode enum values, trace.proto. */
export const StatusCode = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const;

export interface Status {
  message: string;
  /** StatusCode; kept as a number so unknown future values survive a round trip. */
  code: number;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  traceId: string;
  spanId: string;
  traceState: string;
  parentSpanId: string;
  flags: number;
  name: string;
  /** SpanKind; a number so unknown values survive. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: Status;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  spans: Span[];
  schemaUrl: string;
}

export interface ResourceSpans {
  resource: Resource;
  scopeSpans: ScopeSpans[];
  schemaUrl: string;
}

/** ExportTraceServiceRequest (collector/trace/v1/trace_service.proto): field 1, repeated ResourceSpans. */
export interface TracesData {
  resourceSpans: ResourceSpans[];
}

/**
 * ExportTraceServiceResponse.partial_success (trace_service.proto, field 1), and its logs and metrics
 * twins: `rejectedSpans` is field 1 of all three (rejected_spans, rejected_log_records,
 * rejected_data_points).
 */
export interface PartialSuccess {
  rejectedSpans: bigint;
  errorMessage: string;
}

export interface ExportTraceServiceResponse {
  /** Absent when everything was accepted: the spec says the field must be left unset then. */
  partialSuccess?: PartialSuccess;
}

// ---- small constructors and helpers shared by codecs, engine and tests ----

export function emptyResource(): Resource {
  return { attributes: [], droppedAttributesCount: 0 };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
}

export function emptyStatus(): Status {
  return { message: '', code: StatusCode.UNSET };
}

export function newSpan(fields: Partial<Span> = {}): Span {
  return {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: SpanKind.UNSPECIFIED,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: emptyStatus(),
    ...fields,
  };
}

export function str(value: string): AnyValue {
  return { kind: 'string', value };
}

export function int(value: bigint | number): AnyValue {
  return { kind: 'int', value: BigInt(value) };
}

/** Finds an attribute by key; the last occurrence wins, as in most SDKs' attribute maps. */
export function getAttribute(attrs: readonly KeyValue[], key: string): AnyValue | undefined {
  for (let i = attrs.length - 1; i >= 0; i--) {
    const kv = attrs[i]!;
    if (kv.key === key) return kv.value;
  }
  return undefined;
}

export function getStringAttribute(attrs: readonly KeyValue[], key: string): string | undefined {
  const v = getAttribute(attrs, key);
  return v?.kind === 'string' ? v.value : undefined;
}

/** Counts the spans in a request. */
export function countSpans(data: TracesData): number {
  let n = 0;
  for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
