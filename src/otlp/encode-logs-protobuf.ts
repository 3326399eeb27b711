/**
 * Encodes the log model as an OTLP protobuf ExportLogsServiceRequest, with the shared pieces of
 * proto-encode.ts (two mirrored passes, proto3 defaults omitted). An `empty` body is not written
 * (logs-model.ts). Resource and scope are always written, as in the trace encoder.
 */
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from './logs-model.js';
import { LogRecordField, LogsDataField, ResourceLogsField, ScopeLogsField } from './proto-fields.js';
import {
  beginMessage,
  encodeRepeated,
  lenField,
  sizeAnyValue,
  sizeAttributes,
  sizeFixed32,
  sizeFixed64,
  sizeId,
  sizeOptString,
  sizeResource,
  sizeScope,
  sizeUint32,
  writeAnyValue,
  writeAttributes,
  writeFixed32,
  writeFixed64,
  writeId,
  writeOptString,
  writeResource,
  writeScope,
  writeUint32,
} from './proto-encode.js';
import type { ProtoWriter } from './proto-writer.js';

export function encodeLogsProtobuf(data: LogsData): Uint8Array {
  return encodeRepeated(data.resourceLogs, LogsDataField.RESOURCE_LOGS, sizeResourceLogs, writeResourceLogs);
}

function sizeResourceLogs(rl: ResourceLogs, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ResourceLogsField.RESOURCE, sizeResource(rl.resource, L));
  for (const sl of rl.scopeLogs) n += lenField(ResourceLogsField.SCOPE_LOGS, sizeScopeLogs(sl, L));
  n += sizeOptString(ResourceLogsField.SCHEMA_URL, rl.schemaUrl, L);
  return (L[slot] = n);
}

function sizeScopeLogs(sl: ScopeLogs, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = lenField(ScopeLogsField.SCOPE, sizeScope(sl.scope, L));
  for (const rec of sl.logRecords) n += lenField(ScopeLogsField.LOG_RECORDS, sizeLogRecord(rec, L));
  n += sizeOptString(ScopeLogsField.SCHEMA_URL, sl.schemaUrl, L);
  return (L[slot] = n);
}

/** Fields in field-number order, as protobuf serialisers write them. */
function sizeLogRecord(rec: LogRecord, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeFixed64(LogRecordField.TIME_UNIX_NANO, rec.timeUnixNano);
  n += sizeUint32(LogRecordField.SEVERITY_NUMBER, rec.severityNumber);
  n += sizeOptString(LogRecordField.SEVERITY_TEXT, rec.severityText, L);
  if (rec.body.kind !== 'empty') n += lenField(LogRecordField.BODY, sizeAnyValue(rec.body, L));
  n += sizeAttributes(LogRecordField.ATTRIBUTES, rec.attributes, L);
  n += sizeUint32(LogRecordField.DROPPED_ATTRIBUTES_COUNT, rec.droppedAttributesCount);
  n += sizeFixed32(LogRecordField.FLAGS, rec.flags);
  n += sizeId(LogRecordField.TRACE_ID, rec.traceId);
  n += sizeId(LogRecordField.SPAN_ID, rec.spanId);
  n += sizeFixed64(LogRecordField.OBSERVED_TIME_UNIX_NANO, rec.observedTimeUnixNano);
  n += sizeOptString(LogRecordField.EVENT_NAME, rec.eventName, L);
  return (L[slot] = n);
}

function writeResourceLogs(w: ProtoWriter, field: number, rl: ResourceLogs): void {
  beginMessage(w, field);
  writeResource(w, ResourceLogsField.RESOURCE, rl.resource);
  for (const sl of rl.scopeLogs) writeScopeLogs(w, ResourceLogsField.SCOPE_LOGS, sl);
  writeOptString(w, ResourceLogsField.SCHEMA_URL, rl.schemaUrl);
}

function writeScopeLogs(w: ProtoWriter, field: number, sl: ScopeLogs): void {
  beginMessage(w, field);
  writeScope(w, ScopeLogsField.SCOPE, sl.scope);
  for (const rec of sl.logRecords) writeLogRecord(w, ScopeLogsField.LOG_RECORDS, rec);
  writeOptString(w, ScopeLogsField.SCHEMA_URL, sl.schemaUrl);
}

function writeLogRecord(w: ProtoWriter, field: number, rec: LogRecord): void {
  beginMessage(w, field);
  writeFixed64(w, LogRecordField.TIME_UNIX_NANO, rec.timeUnixNano);
  writeUint32(w, LogRecordField.SEVERITY_NUMBER, rec.severityNumber);
  writeOptString(w, LogRecordField.SEVERITY_TEXT, rec.severityText);
  if (rec.body.kind !== 'empty') writeAnyValue(w, LogRecordField.BODY, rec.body);
  writeAttributes(w, LogRecordField.ATTRIBUTES, rec.attributes);
  writeUint32(w, LogRecordField.DROPPED_ATTRIBUTES_COUNT, rec.droppedAttributesCount);
  writeFixed32(w, LogRecordField.FLAGS, rec.flags);
  writeId(w, LogRecordField.TRACE_ID, rec.traceId);
  writeId(w, LogRecordField.SPAN_ID, rec.spanId);
  writeFixed64(w, LogRecordField.OBSERVED_TIME_UNIX_NANO, rec.observedTimeUnixNano);
  writeOptString(w, LogRecordField.EVENT_NAME, rec.eventName);
}
