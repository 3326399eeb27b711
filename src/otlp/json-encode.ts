/**
 * The OTLP/JSON encoding pieces every signal's encoder shares
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase names, hex ids,
 * 64-bit integers as decimal strings, enums as integers, bytes as base64, non-finite doubles as
 * "NaN"/"Infinity"/"-Infinity"; proto3 defaults omitted; the common/v1 and resource/v1 messages.
 * Members are built as `,"name":value` strings and joined by `obj`, so nothing is allocated per
 * absent field.
 */
import { Buffer } from 'node:buffer';
import { isHex } from './hex.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model.js';

/** A JSON string literal; JSON.stringify is the native, fast and correct escaper. */
export const q = JSON.stringify as (s: string) => string;

/** `,"attributes":[...]` (or another KeyValue list's name) for a non-empty list, '' otherwise. */
export function attributesField(attrs: readonly KeyValue[], name = 'attributes'): string {
  return attrs.length === 0 ? '' : ',"' + name + '":' + keyValues(attrs);
}

export function countField(name: string, n: number): string {
  return n === 0 ? '' : ',"' + name + '":' + n;
}

export function stringField(name: string, s: string): string {
  return s === '' ? '' : ',"' + name + '":' + q(s);
}

/** Removes the leading comma of the first member written into an object. */
export function obj(members: string): string {
  return '{' + (members.length > 0 ? members.slice(1) : '') + '}';
}

export function resource(r: Resource): string {
  return obj(attributesField(r.attributes) + countField('droppedAttributesCount', r.droppedAttributesCount));
}

export function scope(s: InstrumentationScope): string {
  return obj(
    stringField('name', s.name) +
      stringField('version', s.version) +
      attributesField(s.attributes) +
      countField('droppedAttributesCount', s.droppedAttributesCount),
  );
}

/**
 * Ids are written without escaping, so they are checked to be hex first: the model's ids always are
 * (the decoders guarantee it), and a bad one is a programming error that must not produce broken JSON.
 */
export function idField(name: string, hex: string): string {
  if (hex === '') return '';
  if (!isHex(hex)) throw new TypeError(`invalid hex id in ${name}`);
  return ',"' + name + '":"' + hex + '"';
}

export function timeField(name: string, t: bigint): string {
  return t === 0n ? '' : ',"' + name + '":"' + t + '"';
}

export function keyValues(list: readonly KeyValue[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out += ',';
    const kv = list[i]!;
    out += '{"key":' + q(kv.key) + ',"value":' + anyValue(kv.value) + '}';
  }
  return out + ']';
}

export function double(v: number): string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

export function anyValue(v: AnyValue): string {
  switch (v.kind) {
    case 'string':
      return '{"stringValue":' + q(v.value) + '}';
    case 'bool':
      return v.value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'int':
      return '{"intValue":"' + v.value + '"}';
    case 'double':
      return '{"doubleValue":' + double(v.value) + '}';
    case 'bytes':
      return '{"bytesValue":"' + Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64') + '"}';
    case 'array': {
      let out = '{"arrayValue":{"values":[';
      for (let i = 0; i < v.values.length; i++) {
        if (i > 0) out += ',';
        out += anyValue(v.values[i]!);
      }
      return out + ']}}';
    }
    case 'kvlist':
      return '{"kvlistValue":{"values":' + keyValues(v.values) + '}}';
    case 'empty':
      return '{}';
  }
}

/** `,"name":[…]` for a non-empty list, each item written by `encode`; '' for an empty one. */
export function listField<T>(name: string, items: readonly T[], encode: (item: T) => string): string {
  if (items.length === 0) return '';
  let out = ',"' + name + '":[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += encode(items[i]!);
  }
  return out + ']';
}

/** `{"<name>":[…]}`, the shape of every Export*ServiceRequest: one repeated field. */
export function requestJson<T>(name: string, items: readonly T[], encode: (item: T) => string): string {
  let out = '{"' + name + '":[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += encode(items[i]!);
  }
  return out + ']}';
}
