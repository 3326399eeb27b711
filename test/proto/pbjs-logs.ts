/**
 * protobufjs as an independent logs codec for tests (the schema in test/proto/**, written from the
 * specification), with conversions between its plain objects and the log model. Not used at runtime.
 */
import { Buffer } from 'node:buffer';
import type { LogRecord, LogsData } from '../../src/otlp/logs-model.js';
import { anyToObj, b64, hex, kvToObj, objToAny, objToKv, root, TO_OBJECT, type Obj } from './pbjs.js';

export const LogsRequestType = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');

export function logsToObj(data: LogsData): Obj {
  return {
    resourceLogs: data.resourceLogs.map((rl) => ({
      resource: { attributes: rl.resource.attributes.map(kvToObj), droppedAttributesCount: rl.resource.droppedAttributesCount },
      schemaUrl: rl.schemaUrl,
      scopeLogs: rl.scopeLogs.map((sl) => ({
        scope: { ...sl.scope, attributes: sl.scope.attributes.map(kvToObj) },
        schemaUrl: sl.schemaUrl,
        logRecords: sl.logRecords.map((r) => ({
          ...r,
          // An empty body is "not set" in the model: leave the field out.
          body: r.body.kind === 'empty' ? undefined : anyToObj(r.body),
          traceId: b64(r.traceId),
          spanId: b64(r.spanId),
          timeUnixNano: r.timeUnixNano.toString(),
          observedTimeUnixNano: r.observedTimeUnixNano.toString(),
          attributes: r.attributes.map(kvToObj),
        })),
      })),
    })),
  };
}

export function objToLogs(o: Obj): LogsData {
  return {
    resourceLogs: (o['resourceLogs'] as Obj[]).map((rl) => ({
      resource: {
        attributes: ((rl['resource']?.['attributes'] ?? []) as Obj[]).map(objToKv),
        droppedAttributesCount: rl['resource']?.['droppedAttributesCount'] ?? 0,
      },
      scopeLogs: (rl['scopeLogs'] as Obj[]).map((sl) => ({
        scope: {
          name: sl['scope']?.['name'] ?? '',
          version: sl['scope']?.['version'] ?? '',
          attributes: ((sl['scope']?.['attributes'] ?? []) as Obj[]).map(objToKv),
          droppedAttributesCount: sl['scope']?.['droppedAttributesCount'] ?? 0,
        },
        logRecords: (sl['logRecords'] as Obj[]).map(
          (r): LogRecord => ({
            timeUnixNano: BigInt(r['timeUnixNano']),
            observedTimeUnixNano: BigInt(r['observedTimeUnixNano']),
            severityNumber: r['severityNumber'],
            severityText: r['severityText'],
            body: objToAny(r['body'] ?? undefined),
            attributes: (r['attributes'] as Obj[]).map(objToKv),
            droppedAttributesCount: r['droppedAttributesCount'],
            flags: r['flags'],
            traceId: hex(r['traceId']),
            spanId: hex(r['spanId']),
            eventName: r['eventName'],
          }),
        ),
        schemaUrl: sl['schemaUrl'],
      })),
      schemaUrl: rl['schemaUrl'],
    })),
  };
}

export function encodeLogsWithProtobufjs(data: LogsData): Uint8Array {
  return LogsRequestType.encode(LogsRequestType.fromObject(logsToObj(data))).finish();
}

export function decodeLogsWithProtobufjs(body: Uint8Array): LogsData {
  return objToLogs(LogsRequestType.toObject(LogsRequestType.decode(body), { ...TO_OBJECT, oneofs: true }));
}

function mapLogIds(o: Obj, f: (id: string) => string): Obj {
  for (const rl of o['resourceLogs'] ?? []) {
    for (const sl of rl['scopeLogs'] ?? []) {
      for (const r of sl['logRecords'] ?? []) for (const k of ['traceId', 'spanId']) if (typeof r[k] === 'string') r[k] = f(r[k]);
    }
  }
  return o;
}

/** protobufjs's proto3-JSON view of a logs model, ids made hex (the one OTLP/JSON difference). */
export function logsJsonViaProtobufjs(data: LogsData): string {
  const msg = LogsRequestType.fromObject(logsToObj(data));
  const o = LogsRequestType.toObject(msg, { longs: String, enums: Number, bytes: String, json: true });
  return JSON.stringify(mapLogIds(o, (b) => Buffer.from(b, 'base64').toString('hex')));
}

/** Reads OTLP/JSON logs with protobufjs, after turning hex ids into the base64 proto3 JSON expects. */
export function readLogsJsonWithProtobufjs(json: string): LogsData {
  const msg = LogsRequestType.fromObject(mapLogIds(JSON.parse(json) as Obj, b64));
  return objToLogs(LogsRequestType.toObject(msg, { ...TO_OBJECT, oneofs: true }));
}
