/**
 * Decodes a protobuf ExportLogsServiceRequest (collector/logs/v1/logs_service.proto) into the log model,
 * by hand and in one pass, with the rules of proto-decoder.ts. Log records' trace_id and span_id are
 * optional (logs.proto: "[Optional]"): empty, or 16 and 8 bytes. A body with no value set, or none, is
 * the `empty` AnyValue (logs-model.ts). Every element is charged to the decode budget as it is built.
 */
import type { DecodeLimits } from './codec.js';
import { DEFAULT_DECODE_LIMITS } from './codec.js';
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from './logs-model.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model.js';
import { DECODED_COST, type DecodeBudget } from './limits.js';
import { decodeWith, ProtoDecoder, type Decoded } from './proto-decoder.js';
import {
  LogRecordField,
  LogsDataField,
  ResourceLogsField,
  ScopeLogsField,
  SPAN_ID_BYTES,
  TRACE_ID_BYTES,
  WireType,
} from './proto-fields.js';
import { failWithin } from './proto-reader.js';

export type LogsDecodeResult = Decoded<LogsData>;

/** `budget`: what the decoded model may cost (default: one of `limits.maxDecodedBytes`). */
export function decodeLogsProtobuf(body: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, budget?: DecodeBudget): LogsDecodeResult {
  return decodeWith(body, limits, budget, (r, maxDepth, b) => new LogsDecoder(r, maxDepth, b), (d) => d.logsData());
}

class LogsDecoder extends ProtoDecoder {
  logsData(): LogsData {
    const r = this.r;
    const end = r.length;
    const resourceLogs: ResourceLogs[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag >>> 3 === LogsDataField.RESOURCE_LOGS) {
        this.expect(tag, WireType.LEN, 'resource_logs');
        const e = r.lengthEnd(end);
        this.budget.charge(DECODED_COST.resourceLogs);
        try {
          resourceLogs.push(this.resourceLogs(e));
        } catch (err) {
          failWithin(err, `resource_logs[${resourceLogs.length}]`);
        }
      } else r.skip(tag & 7, end);
    }
    this.end(end);
    return { resourceLogs };
  }

  private resourceLogs(end: number): ResourceLogs {
    const r = this.r;
    const resource: Resource = { attributes: [], droppedAttributesCount: 0 };
    const scopeLogs: ScopeLogs[] = [];
    let schemaUrl = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ResourceLogsField.RESOURCE:
          this.expect(tag, WireType.LEN, 'resource');
          this.within(r.lengthEnd(end), 'resource', -1, (e) => this.resource(e, resource));
          break;
        case ResourceLogsField.SCOPE_LOGS: {
          this.expect(tag, WireType.LEN, 'scope_logs');
          const e = r.lengthEnd(end);
          this.budget.charge(DECODED_COST.scopeLogs);
          try {
            scopeLogs.push(this.scopeLogs(e));
          } catch (err) {
            failWithin(err, `scope_logs[${scopeLogs.length}]`);
          }
          break;
        }
        case ResourceLogsField.SCHEMA_URL:
          this.expect(tag, WireType.LEN, 'schema_url');
          schemaUrl = this.str(r.lengthEnd(end));
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { resource, scopeLogs, schemaUrl };
  }

  private scopeLogs(end: number): ScopeLogs {
    const r = this.r;
    const scope: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
    const logRecords: LogRecord[] = [];
    let schemaUrl = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ScopeLogsField.SCOPE:
          this.expect(tag, WireType.LEN, 'scope');
          this.within(r.lengthEnd(end), 'scope', -1, (e) => this.scope(e, scope));
          break;
        case ScopeLogsField.LOG_RECORDS: {
          this.expect(tag, WireType.LEN, 'log_records');
          const e = r.lengthEnd(end);
          this.budget.charge(DECODED_COST.logRecord);
          try {
            logRecords.push(this.logRecord(e));
          } catch (err) {
            failWithin(err, `log_records[${logRecords.length}]`);
          }
          break;
        }
        case ScopeLogsField.SCHEMA_URL:
          this.expect(tag, WireType.LEN, 'schema_url');
          schemaUrl = this.str(r.lengthEnd(end));
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return { scope, logRecords, schemaUrl };
  }

  private logRecord(end: number): LogRecord {
    const r = this.r;
    let timeUnixNano = 0n;
    let observedTimeUnixNano = 0n;
    let severityNumber = 0;
    let severityText = '';
    let body: AnyValue = { kind: 'empty' };
    const attributes: KeyValue[] = [];
    let droppedAttributesCount = 0;
    let flags = 0;
    let traceId = '';
    let spanId = '';
    let eventName = '';
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case LogRecordField.TIME_UNIX_NANO:
          this.expect(tag, WireType.I64, 'time_unix_nano');
          timeUnixNano = r.fixed64();
          break;
        case LogRecordField.OBSERVED_TIME_UNIX_NANO:
          this.expect(tag, WireType.I64, 'observed_time_unix_nano');
          observedTimeUnixNano = r.fixed64();
          break;
        case LogRecordField.SEVERITY_NUMBER:
          this.expect(tag, WireType.VARINT, 'severity_number');
          // Enums are int32 on the wire: the low 32 bits, signed.
          severityNumber = r.uint32() | 0;
          break;
        case LogRecordField.SEVERITY_TEXT:
          this.expect(tag, WireType.LEN, 'severity_text');
          severityText = this.str(r.lengthEnd(end));
          break;
        case LogRecordField.BODY:
          this.expect(tag, WireType.LEN, 'body');
          body = this.within(r.lengthEnd(end), 'body', -1, (e) => this.anyValue(e, 0));
          break;
        case LogRecordField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), attributes);
          break;
        case LogRecordField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          droppedAttributesCount = r.uint32();
          break;
        case LogRecordField.FLAGS:
          this.expect(tag, WireType.I32, 'flags');
          flags = r.fixed32();
          break;
        case LogRecordField.TRACE_ID:
          this.expect(tag, WireType.LEN, 'trace_id');
          traceId = this.id(r.lengthEnd(end), 'trace_id', TRACE_ID_BYTES, true);
          break;
        case LogRecordField.SPAN_ID:
          this.expect(tag, WireType.LEN, 'span_id');
          spanId = this.id(r.lengthEnd(end), 'span_id', SPAN_ID_BYTES, true);
          break;
        case LogRecordField.EVENT_NAME:
          this.expect(tag, WireType.LEN, 'event_name');
          eventName = this.str(r.lengthEnd(end));
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return {
      timeUnixNano,
      observedTimeUnixNano,
      severityNumber,
      severityText,
      body,
      attributes,
      droppedAttributesCount,
      flags,
      traceId,
      spanId,
      eventName,
    };
  }
}
