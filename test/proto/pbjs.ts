/**
 * An independent OTLP codec for tests: protobufjs loading the .proto files beside this module (written
 * from the OTLP specification), plus conversions between protobufjs objects and the span model.
 * Nothing here is used at runtime.
 */
import { Buffer } from 'node:buffer';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { AnyValue, KeyValue, Span, SpanEvent, SpanLink, TracesData } from '../../src/otlp/model.js';

const here = dirname(fileURLToPath(import.meta.url));

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(here, target);
  for (const signal of ['trace', 'logs', 'metrics']) {
    root.loadSync(`opentelemetry/proto/collector/${signal}/v1/${signal === 'trace' ? 'trace' : signal}_service.proto`, { keepCase: false });
  }
  root.resolveAll();
  return root;
}

export const root = loadRoot();
export const RequestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
export const ResponseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

export type Obj = Record<string, any>; // protobufjs plain objects are untyped by nature

// ---- model → protobufjs plain object (for fromObject/encode) ----

export const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

export function anyToObj(v: AnyValue): Obj {
  switch (v.kind) {
    case 'string':
      return { stringValue: v.value };
    case 'bool':
      return { boolValue: v.value };
    case 'int':
      return { intValue: v.value.toString() };
    case 'double':
      return { doubleValue: v.value };
    case 'bytes':
      return { bytesValue: v.value };
    case 'array':
      return { arrayValue: { values: v.values.map(anyToObj) } };
    case 'kvlist':
      return { kvlistValue: { values: v.values.map(kvToObj) } };
    case 'empty':
      return {};
  }
}

export const kvToObj = (kv: KeyValue): Obj => ({ key: kv.key, value: anyToObj(kv.value) });

/** Ids are passed as base64 strings, which fromObject accepts for bytes fields. */
export function modelToObj(data: TracesData): Obj {
  return {
    resourceSpans: data.resourceSpans.map((rs) => ({
      resource: { attributes: rs.resource.attributes.map(kvToObj), droppedAttributesCount: rs.resource.droppedAttributesCount },
      schemaUrl: rs.schemaUrl,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        scope: { ...ss.scope, attributes: ss.scope.attributes.map(kvToObj) },
        schemaUrl: ss.schemaUrl,
        spans: ss.spans.map((s) => ({
          ...s,
          traceId: b64(s.traceId),
          spanId: b64(s.spanId),
          parentSpanId: b64(s.parentSpanId),
          startTimeUnixNano: s.startTimeUnixNano.toString(),
          endTimeUnixNano: s.endTimeUnixNano.toString(),
          attributes: s.attributes.map(kvToObj),
          events: s.events.map((e) => ({ ...e, timeUnixNano: e.timeUnixNano.toString(), attributes: e.attributes.map(kvToObj) })),
          links: s.links.map((l) => ({ ...l, traceId: b64(l.traceId), spanId: b64(l.spanId), attributes: l.attributes.map(kvToObj) })),
        })),
      })),
    })),
  };
}

export function encodeWithProtobufjs(data: TracesData): Uint8Array {
  const msg = RequestType.fromObject(modelToObj(data));
  return RequestType.encode(msg).finish();
}

// ---- protobufjs message → model ----

export const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: Array, defaults: true, arrays: true };

export const hex = (b: number[] | undefined): string => Buffer.from(b ?? []).toString('hex');

export function objToAny(o: Obj | undefined): AnyValue {
  if (!o) return { kind: 'empty' };
  // With defaults on, every oneof member appears; the `value` virtual oneof field names the set one.
  switch (o['value']) {
    case 'stringValue':
      return { kind: 'string', value: o['stringValue'] };
    case 'boolValue':
      return { kind: 'bool', value: o['boolValue'] };
    case 'intValue':
      return { kind: 'int', value: BigInt(o['intValue']) };
    case 'doubleValue':
      return { kind: 'double', value: o['doubleValue'] };
    case 'bytesValue':
      return { kind: 'bytes', value: new Uint8Array(o['bytesValue']) };
    case 'arrayValue':
      return { kind: 'array', values: (o['arrayValue']['values'] as Obj[]).map(objToAny) };
    case 'kvlistValue':
      return { kind: 'kvlist', values: (o['kvlistValue']['values'] as Obj[]).map(objToKv) };
    default:
      return { kind: 'empty' };
  }
}

export const objToKv = (o: Obj): KeyValue => ({ key: o['key'], value: objToAny(o['value']) });

export function objToModel(o: Obj): TracesData {
  return {
    resourceSpans: (o['resourceSpans'] as Obj[]).map((rs) => ({
      resource: {
        attributes: ((rs['resource']?.['attributes'] ?? []) as Obj[]).map(objToKv),
        droppedAttributesCount: rs['resource']?.['droppedAttributesCount'] ?? 0,
      },
      scopeSpans: (rs['scopeSpans'] as Obj[]).map((ss) => ({
        scope: {
          name: ss['scope']?.['name'] ?? '',
          version: ss['scope']?.['version'] ?? '',
          attributes: ((ss['scope']?.['attributes'] ?? []) as Obj[]).map(objToKv),
          droppedAttributesCount: ss['scope']?.['droppedAttributesCount'] ?? 0,
        },
        spans: (ss['spans'] as Obj[]).map(
          (s): Span => ({
            traceId: hex(s['traceId']),
            spanId: hex(s['spanId']),
            traceState: s['traceState'],
            parentSpanId: hex(s['parentSpanId']),
            flags: s['flags'],
            name: s['name'],
            kind: s['kind'],
            startTimeUnixNano: BigInt(s['startTimeUnixNano']),
            endTimeUnixNano: BigInt(s['endTimeUnixNano']),
            attributes: (s['attributes'] as Obj[]).map(objToKv),
            droppedAttributesCount: s['droppedAttributesCount'],
            events: (s['events'] as Obj[]).map(
              (e): SpanEvent => ({
                timeUnixNano: BigInt(e['timeUnixNano']),
                name: e['name'],
                attributes: (e['attributes'] as Obj[]).map(objToKv),
                droppedAttributesCount: e['droppedAttributesCount'],
              }),
            ),
            droppedEventsCount: s['droppedEventsCount'],
            links: (s['links'] as Obj[]).map(
              (l): SpanLink => ({
                traceId: hex(l['traceId']),
                spanId: hex(l['spanId']),
                traceState: l['traceState'],
                attributes: (l['attributes'] as Obj[]).map(objToKv),
                droppedAttributesCount: l['droppedAttributesCount'],
                flags: l['flags'],
              }),
            ),
            droppedLinksCount: s['droppedLinksCount'],
            status: { message: s['status']?.['message'] ?? '', code: s['status']?.['code'] ?? 0 },
          }),
        ),
        schemaUrl: ss['schemaUrl'],
      })),
      schemaUrl: rs['schemaUrl'],
    })),
  };
}

export function decodeWithProtobufjs(body: Uint8Array): TracesData {
  const msg = RequestType.decode(body);
  return objToModel(RequestType.toObject(msg, { ...TO_OBJECT, oneofs: true }));
}

// ---- proto3 JSON as protobufjs sees it: base64 ids. Converting ids to hex gives OTLP/JSON. ----

function mapIds(o: Obj, f: (id: string) => string): Obj {
  for (const rs of o['resourceSpans'] ?? []) {
    for (const ss of rs['scopeSpans'] ?? []) {
      for (const s of ss['spans'] ?? []) {
        for (const k of ['traceId', 'spanId', 'parentSpanId']) if (typeof s[k] === 'string') s[k] = f(s[k]);
        for (const l of s['links'] ?? []) for (const k of ['traceId', 'spanId']) if (typeof l[k] === 'string') l[k] = f(l[k]);
      }
    }
  }
  return o;
}

/** protobufjs's proto3-JSON view of a model (base64 bytes, string longs, "NaN"), with ids made hex. */
export function otlpJsonViaProtobufjs(data: TracesData): string {
  const msg = RequestType.fromObject(modelToObj(data));
  const o = RequestType.toObject(msg, { longs: String, enums: Number, bytes: String, json: true });
  return JSON.stringify(mapIds(o, (b) => Buffer.from(b, 'base64').toString('hex')));
}

/** Reads OTLP/JSON with protobufjs, after turning its hex ids into the base64 proto3 JSON expects. */
export function readOtlpJsonWithProtobufjs(json: string): TracesData {
  const o = mapIds(JSON.parse(json) as Obj, b64);
  const msg = RequestType.fromObject(o);
  return objToModel(RequestType.toObject(msg, { ...TO_OBJECT, oneofs: true }));
}
