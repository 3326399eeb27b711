/**
 * Decodes an OTLP/JSON ExportLogsServiceRequest into the log model, with the JSON rules of
 * json-decoder.ts. Log ids are optional (empty, or 32/16 hex digits); `severityNumber` may be given by
 * name (`SEVERITY_NUMBER_INFO`); `"body": {}` (what the JS exporter writes for a record without a
 * body) is the empty body, as is an absent one.
 */
import type { DecodeLimits } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import { enumValue, decodeJsonWith, id, int64Of, JsonDecoder, object, string, uint32, type JsonObject } from './json-decoder.js';
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from './logs-model.js';
import { newLogRecord } from './logs-model.js';
import { emptyResource, emptyScope } from './model.js';
import type { LogsDecodeResult } from './decode-logs-protobuf.js';
import { DECODED_COST, type DecodeBudget } from './limits.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from './proto-fields.js';

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeLogsJson(body: Uint8Array | string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): LogsDecodeResult {
  return decodeJsonWith(body, limits, budget, 'ExportLogsServiceRequest', (root, maxDepth, b) => new LogsJsonDecoder(maxDepth, b).logsData(root));
}

/** SeverityNumber names (logs.proto): SEVERITY_NUMBER_TRACE = 1 … SEVERITY_NUMBER_FATAL4 = 24. */
const SEVERITY_NAMES: Readonly<Record<string, number>> = (() => {
  const names: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
  ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].forEach((level, i) => {
    names[`SEVERITY_NUMBER_${level}`] = 4 * i + 1;
    for (let n = 2; n <= 4; n++) names[`SEVERITY_NUMBER_${level}${n}`] = 4 * i + n;
  });
  return names;
})();

class LogsJsonDecoder extends JsonDecoder {
  logsData(o: JsonObject): LogsData {
    let resourceLogs: ResourceLogs[] = [];
    for (const k in o) {
      if (k === 'resourceLogs' || k === 'resource_logs') resourceLogs = this.list(o[k], 'resourceLogs', DECODED_COST.resourceLogs, (v) => this.resourceLogs(v));
    }
    return { resourceLogs };
  }

  private resourceLogs(v: unknown): ResourceLogs {
    const o = object(v, 'resourceLogs entry') ?? {};
    const out: ResourceLogs = { resource: emptyResource(), scopeLogs: [], schemaUrl: '' };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'resource':
          out.resource = this.message(val, 'resource', (r) => this.resource(r)) ?? out.resource;
          break;
        case 'scopeLogs':
        case 'scope_logs':
          out.scopeLogs = this.list(val, 'scopeLogs', DECODED_COST.scopeLogs, (s) => this.scopeLogs(s));
          break;
        case 'schemaUrl':
        case 'schema_url':
          out.schemaUrl = string(val, 'schemaUrl');
          break;
      }
    }
    return out;
  }

  private scopeLogs(v: unknown): ScopeLogs {
    const o = object(v, 'scopeLogs entry') ?? {};
    const out: ScopeLogs = { scope: emptyScope(), logRecords: [], schemaUrl: '' };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'scope':
          out.scope = this.message(val, 'scope', (s) => this.scope(s)) ?? out.scope;
          break;
        case 'logRecords':
        case 'log_records':
          out.logRecords = this.list(val, 'logRecords', DECODED_COST.logRecord, (r) => this.logRecord(r));
          break;
        case 'schemaUrl':
        case 'schema_url':
          out.schemaUrl = string(val, 'schemaUrl');
          break;
      }
    }
    return out;
  }

  private logRecord(v: unknown): LogRecord {
    const o = object(v, 'log record') ?? {};
    const rec = newLogRecord();
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'timeUnixNano':
        case 'time_unix_nano':
          rec.timeUnixNano = int64Of(val, 'timeUnixNano', false);
          break;
        case 'observedTimeUnixNano':
        case 'observed_time_unix_nano':
          rec.observedTimeUnixNano = int64Of(val, 'observedTimeUnixNano', false);
          break;
        case 'severityNumber':
        case 'severity_number':
          rec.severityNumber = enumValue(val, 'severityNumber', SEVERITY_NAMES);
          break;
        case 'severityText':
        case 'severity_text':
          rec.severityText = string(val, 'severityText');
          break;
        case 'body':
          rec.body = this.message(val, 'body', (b) => this.anyValue(b, 0)) ?? { kind: 'empty' };
          break;
        case 'attributes':
          rec.attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          rec.droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
        case 'flags':
          rec.flags = uint32(val, 'flags');
          break;
        case 'traceId':
        case 'trace_id':
          rec.traceId = id(val, 'traceId', TRACE_ID_BYTES, true);
          break;
        case 'spanId':
        case 'span_id':
          rec.spanId = id(val, 'spanId', SPAN_ID_BYTES, true);
          break;
        case 'eventName':
        case 'event_name':
          rec.eventName = string(val, 'eventName');
          break;
      }
    }
    return rec;
  }
}
