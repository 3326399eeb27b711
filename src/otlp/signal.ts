/**
 * The three OTLP signals and, for each, its request model, codec and names: one table the receivers,
 * the pipeline and the exporters read, so a signal's path, counts and encoders are chosen in one place.
 */
import type { DecodeLimits, Encoding } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import { decodeLogsJson } from './decode-logs-json.js';
import { decodeLogsProtobuf } from './decode-logs-protobuf.js';
import { decodeMetricsJson } from './decode-metrics-json.js';
import { decodeMetricsProtobuf } from './decode-metrics-protobuf.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeLogsJson } from './encode-logs-json.js';
import { encodeLogsProtobuf } from './encode-logs-protobuf.js';
import { encodeMetricsJson } from './encode-metrics-json.js';
import { encodeMetricsProtobuf } from './encode-metrics-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import { countLogRecords, type LogsData } from './logs-model.js';
import { countDataPoints, type MetricsData } from './metrics-model.js';
import { countSpans, type TracesData } from './model.js';
import type { DecodeBudget } from './limits.js';
import type { Decoded } from './proto-decoder.js';

export const SIGNALS = ['traces', 'logs', 'metrics'] as const;
export type Signal = (typeof SIGNALS)[number];

export interface SignalDataMap {
  traces: TracesData;
  logs: LogsData;
  metrics: MetricsData;
}

/** A decoded request of any signal, tagged with its signal. */
export type SignalRequest = { [S in Signal]: { signal: S; data: SignalDataMap[S] } }[Signal];

export interface SignalCodec<D> {
  readonly signal: Signal;
  /** OTLP/HTTP path (specification: /v1/traces, /v1/logs, /v1/metrics). */
  readonly path: string;
  /** OTLP/gRPC method (collector/<signal>/v1/<signal>_service.proto). */
  readonly grpcMethod: string;
  /** The request message, for error messages: `ExportLogsServiceRequest`. */
  readonly request: string;
  /** What one item is called in counts and messages: span(s), log record(s), data point(s). */
  readonly unit: { one: string; many: string };
  /** The top-level JSON member of the request, `{"resourceLogs":[…]}`, which merging splices. */
  readonly jsonRoot: string;
  /** `budget`: what the decoded model may cost (limits.ts); default one of `limits.maxDecodedBytes`. */
  decode(body: Uint8Array, encoding: Encoding, limits?: DecodeLimits, budget?: DecodeBudget): Decoded<D>;
  encode(data: D, encoding: Encoding): Uint8Array;
  count(data: D): number;
}

const utf8 = new TextEncoder();

function codec<D>(
  signal: Signal,
  request: string,
  service: string,
  unit: SignalCodec<D>['unit'],
  jsonRoot: string,
  pb: { decode: (b: Uint8Array, l: DecodeLimits, budget?: DecodeBudget) => Decoded<D>; encode: (d: D) => Uint8Array },
  json: { decode: (b: Uint8Array, l: DecodeLimits, budget?: DecodeBudget) => Decoded<D>; encode: (d: D) => string },
  count: (d: D) => number,
): SignalCodec<D> {
  return Object.freeze({
    signal,
    path: `/v1/${signal}`,
    grpcMethod: `/opentelemetry.proto.collector.${signal === 'traces' ? 'trace' : signal}.v1.${service}/Export`,
    request,
    unit,
    jsonRoot,
    decode: (body: Uint8Array, encoding: Encoding, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget) =>
      encoding === 'json' ? json.decode(body, limits, budget) : pb.decode(body, limits, budget),
    encode: (data: D, encoding: Encoding) => (encoding === 'json' ? utf8.encode(json.encode(data)) : pb.encode(data)),
    count,
  });
}

export const CODECS: { readonly [S in Signal]: SignalCodec<SignalDataMap[S]> } = {
  traces: codec(
    'traces',
    'ExportTraceServiceRequest',
    'TraceService',
    { one: 'span', many: 'spans' },
    'resourceSpans',
    { decode: decodeTracesProtobuf, encode: encodeTracesProtobuf },
    { decode: decodeTracesJson, encode: encodeTracesJson },
    countSpans,
  ),
  logs: codec(
    'logs',
    'ExportLogsServiceRequest',
    'LogsService',
    { one: 'log record', many: 'log records' },
    'resourceLogs',
    { decode: decodeLogsProtobuf, encode: encodeLogsProtobuf },
    { decode: decodeLogsJson, encode: encodeLogsJson },
    countLogRecords,
  ),
  metrics: codec(
    'metrics',
    'ExportMetricsServiceRequest',
    'MetricsService',
    { one: 'data point', many: 'data points' },
    'resourceMetrics',
    { decode: decodeMetricsProtobuf, encode: encodeMetricsProtobuf },
    { decode: decodeMetricsJson, encode: encodeMetricsJson },
    countDataPoints,
  ),
};

/** Decodes a request of `signal`, tagged with its signal. */
export function decodeRequest(signal: Signal, body: Uint8Array, encoding: Encoding, limits?: DecodeLimits, budget?: DecodeBudget): Decoded<SignalRequest> {
  const r = CODECS[signal].decode(body, encoding, limits, budget);
  return r.ok ? { ok: true, value: { signal, data: r.value } as SignalRequest } : r;
}

/** Encodes a request of any signal. */
export function encodeRequest(request: SignalRequest, encoding: Encoding): Uint8Array {
  return (CODECS[request.signal] as SignalCodec<typeof request.data>).encode(request.data, encoding);
}

/** Items (spans, log records, data points) in a request. */
export function countItems(request: SignalRequest): number {
  return (CODECS[request.signal] as SignalCodec<typeof request.data>).count(request.data);
}

/**
 * The signal an OTLP/JSON request is for, from its one top-level member (`resourceSpans`,
 * `resourceLogs`, `resourceMetrics`, or their snake_case names); undefined when it names none. For
 * files, which carry no Content-Type path to say it: explain, test and replay read any of them.
 */
export function signalOfJson(root: unknown): Signal | undefined {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return undefined;
  for (const k of Object.keys(root)) {
    if (k === 'resourceSpans' || k === 'resource_spans') return 'traces';
    if (k === 'resourceLogs' || k === 'resource_logs') return 'logs';
    if (k === 'resourceMetrics' || k === 'resource_metrics') return 'metrics';
  }
  return undefined;
}

/** One request holding the resources of several of the same signal, in order. */
export function joinRequests<S extends Signal>(signal: S, parts: readonly SignalDataMap[S][]): SignalDataMap[S] {
  switch (signal) {
    case 'traces':
      return { resourceSpans: (parts as readonly unknown[] as TracesData[]).flatMap((p) => p.resourceSpans) } as SignalDataMap[S];
    case 'logs':
      return { resourceLogs: (parts as readonly unknown[] as LogsData[]).flatMap((p) => p.resourceLogs) } as SignalDataMap[S];
    default:
      return { resourceMetrics: (parts as readonly unknown[] as MetricsData[]).flatMap((p) => p.resourceMetrics) } as SignalDataMap[S];
  }
}
