/**
 * The in-memory model of an OTLP ExportLogsServiceRequest (logs/v1/logs.proto,
 * collector/logs/v1/logs_service.proto), with the choices of the span model (model.ts): hex ids ('' when
 * absent), `bigint` timestamps, resource and scope always present with their defaults.
 *
 * The body is an AnyValue whose `empty` kind stands for "not set": protobuf's absent body, a present body
 * with no value set (`"body": {}` in OTLP/JSON, as the JS exporter writes) and the proto3 default are
 * one state, and encoders write none of them, so decode(encode(x)) == x holds on the model.
 */
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model.js';

/** LogRecord.SeverityNumber (logs.proto); kept as a number so unknown values survive a round trip. */
export const SeverityNumber = {
  UNSPECIFIED: 0,
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
} as const;

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  /** W3C trace flags in the low 8 bits (LogRecordFlags). */
  flags: number;
  /** 16 bytes as hex, or '' (optional for log records). */
  traceId: string;
  /** 8 bytes as hex, or ''. */
  spanId: string;
  /** Field 12: the event's name, e.g. `gen_ai.client.inference.operation.details`; '' for plain logs. */
  eventName: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl: string;
}

export interface ResourceLogs {
  resource: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

/** ExportLogsServiceRequest: field 1, repeated ResourceLogs. */
export interface LogsData {
  resourceLogs: ResourceLogs[];
}

export function newLogRecord(fields: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: SeverityNumber.UNSPECIFIED,
    severityText: '',
    body: { kind: 'empty' },
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    ...fields,
  };
}

export function countLogRecords(data: LogsData): number {
  let n = 0;
  for (const rl of data.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}
