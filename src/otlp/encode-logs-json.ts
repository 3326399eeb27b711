/**
 * Encodes the log model as OTLP/JSON with the shared pieces of json-encode.ts: compact, one line, no
 * trailing newline; proto3 defaults and the empty body omitted, so decodeLogsJson(encodeLogsJson(x))
 * equals x.
 */
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from './logs-model.js';
import { anyValue, attributesField, countField, idField, listField, obj, q, requestJson, resource, scope, stringField, timeField } from './json-encode.js';

export function encodeLogsJson(data: LogsData): string {
  return requestJson('resourceLogs', data.resourceLogs, resourceLogs);
}

function resourceLogs(rl: ResourceLogs): string {
  let out = '{"resource":' + resource(rl.resource) + listField('scopeLogs', rl.scopeLogs, scopeLogs);
  if (rl.schemaUrl !== '') out += ',"schemaUrl":' + q(rl.schemaUrl);
  return out + '}';
}

function scopeLogs(sl: ScopeLogs): string {
  let out = '{"scope":' + scope(sl.scope) + listField('logRecords', sl.logRecords, logRecord);
  if (sl.schemaUrl !== '') out += ',"schemaUrl":' + q(sl.schemaUrl);
  return out + '}';
}

function logRecord(rec: LogRecord): string {
  return obj(
    timeField('timeUnixNano', rec.timeUnixNano) +
      timeField('observedTimeUnixNano', rec.observedTimeUnixNano) +
      countField('severityNumber', rec.severityNumber) +
      stringField('severityText', rec.severityText) +
      (rec.body.kind === 'empty' ? '' : ',"body":' + anyValue(rec.body)) +
      attributesField(rec.attributes) +
      countField('droppedAttributesCount', rec.droppedAttributesCount) +
      countField('flags', rec.flags) +
      idField('traceId', rec.traceId) +
      idField('spanId', rec.spanId) +
      stringField('eventName', rec.eventName),
  );
}
