/**
 * The protobuf encoding pieces every signal's encoder shares: scalar fields, common/v1 and resource/v1
 * messages, and the two-pass driver.
 *
 * Two mirrored passes (see proto-writer.ts): `size*` functions record lengths, `write*` functions
 * consume them in the same order. Any change to which fields one side emits must be made to the other.
 * proto3 defaults (empty strings and ids, zero counts and flags) are omitted, except inside AnyValue's
 * oneof, where a set field is written even when it holds its default (`int_value: 0`).
 *
 * Ids must be valid hex (the decoders guarantee it); an invalid id throws, as a programming error.
 */
import { writeHex } from './hex.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model.js';
import { AnyValueField, KeyValueField, ListField, ResourceField, ScopeField, WireType } from './proto-fields.js';
import { int64Size, ProtoWriter, tagSize, utf8Length, varintSize } from './proto-writer.js';
import { WireKeyValue } from './wire-key-value.js';

/**
 * Encodes a request whose only field is `field`, repeated once per item: `size` is the sizing pass of
 * one item's message body, `write` its writing pass (which starts with the item's own tag and length).
 */
export function encodeRepeated<T>(
  items: readonly T[],
  field: number,
  size: (item: T, L: number[]) => number,
  write: (w: ProtoWriter, field: number, item: T) => void,
): Uint8Array {
  const lengths: number[] = [];
  let total = 0;
  for (const item of items) total += lenField(field, size(item, lengths));
  const w = new ProtoWriter(total, lengths);
  for (const item of items) write(w, field, item);
  if (w.pos !== total) throw new Error(`protobuf encoder wrote ${w.pos} bytes, sized ${total}`);
  return w.buf;
}

/**
 * A KeyValue encoded once and copied wherever it is written: for attributes that are the same on
 * many records (the custody stamps of one rule and policy version, policy/stamp.ts).
 */
export function preEncodedKeyValue(key: string, value: AnyValue): WireKeyValue {
  const L: number[] = [];
  const body = sizeKeyValue({ key, value }, L);
  const w = new ProtoWriter(lenField(KeyValueField.KEY, body), L);
  writeKeyValue(w, KeyValueField.KEY, { key, value });
  const start = w.buf.length - body;
  return new WireKeyValue(key, value, w.buf, start, w.buf.length);
}

// ---- sizing pass: returns a message's body length and records lengths in visiting order ----

/** Tag + length prefix + body of a length-delimited field. */
export function lenField(field: number, n: number): number {
  return tagSize(field) + varintSize(n) + n;
}

export function sizeString(field: number, s: string, L: number[]): number {
  const n = utf8Length(s);
  L.push(n);
  return lenField(field, n);
}

export function sizeOptString(field: number, s: string, L: number[]): number {
  return s === '' ? 0 : sizeString(field, s, L);
}

export function sizeId(field: number, hex: string): number {
  return hex === '' ? 0 : lenField(field, hex.length >>> 1);
}

export function sizeUint32(field: number, v: number): number {
  return v === 0 ? 0 : tagSize(field) + varintSize(v);
}

export function sizeFixed32(field: number, v: number): number {
  return v === 0 ? 0 : tagSize(field) + 4;
}

export function sizeFixed64(field: number, v: bigint): number {
  return v === 0n ? 0 : tagSize(field) + 8;
}

/**
 * An attribute still holding the bytes it was decoded from is copied, not encoded (wire-key-value.ts):
 * it records no lengths, and writeAttributes makes the same test, so the passes stay mirrored.
 */
export function sizeAttributes(field: number, attrs: readonly KeyValue[], L: number[]): number {
  let n = 0;
  for (const kv of attrs) n += lenField(field, kv instanceof WireKeyValue ? kv.wireLength : sizeKeyValue(kv, L));
  return n;
}

export function sizeResource(r: Resource, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeAttributes(ResourceField.ATTRIBUTES, r.attributes, L);
  n += sizeUint32(ResourceField.DROPPED_ATTRIBUTES_COUNT, r.droppedAttributesCount);
  return (L[slot] = n);
}

export function sizeScope(s: InstrumentationScope, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeOptString(ScopeField.NAME, s.name, L);
  n += sizeOptString(ScopeField.VERSION, s.version, L);
  n += sizeAttributes(ScopeField.ATTRIBUTES, s.attributes, L);
  n += sizeUint32(ScopeField.DROPPED_ATTRIBUTES_COUNT, s.droppedAttributesCount);
  return (L[slot] = n);
}

export function sizeKeyValue(kv: KeyValue, L: number[]): number {
  const slot = L.push(0) - 1;
  let n = sizeOptString(KeyValueField.KEY, kv.key, L);
  n += lenField(KeyValueField.VALUE, sizeAnyValue(kv.value, L));
  return (L[slot] = n);
}

export function sizeAnyValue(v: AnyValue, L: number[]): number {
  const slot = L.push(0) - 1;
  let n: number;
  switch (v.kind) {
    case 'string':
      n = sizeString(AnyValueField.STRING, v.value, L);
      break;
    case 'bool':
      n = 2;
      break;
    case 'int':
      n = 1 + int64Size(v.value);
      break;
    case 'double':
      n = 9;
      break;
    case 'bytes':
      n = lenField(AnyValueField.BYTES, v.value.length);
      break;
    case 'array': {
      const s = L.push(0) - 1;
      let m = 0;
      for (const item of v.values) m += lenField(ListField.VALUES, sizeAnyValue(item, L));
      L[s] = m;
      n = lenField(AnyValueField.ARRAY, m);
      break;
    }
    case 'kvlist': {
      const s = L.push(0) - 1;
      let m = 0;
      for (const kv of v.values) m += lenField(ListField.VALUES, sizeKeyValue(kv, L));
      L[s] = m;
      n = lenField(AnyValueField.KVLIST, m);
      break;
    }
    case 'empty':
      n = 0;
      break;
  }
  return (L[slot] = n);
}

// ---- writing pass: mirrors the sizing pass field by field ----

/** Tag and length prefix of an embedded message, whose length is the next one recorded. */
export function beginMessage(w: ProtoWriter, field: number): void {
  w.tag(field, WireType.LEN);
  w.varint(w.nextLength());
}

export function writeString(w: ProtoWriter, field: number, s: string): void {
  w.tag(field, WireType.LEN);
  const n = w.nextLength();
  w.varint(n);
  w.stringBytes(s, n);
}

export function writeOptString(w: ProtoWriter, field: number, s: string): void {
  if (s !== '') writeString(w, field, s);
}

export function writeId(w: ProtoWriter, field: number, hex: string): void {
  if (hex === '') return;
  w.tag(field, WireType.LEN);
  w.varint(hex.length >>> 1);
  w.pos += writeHex(hex, w.buf, w.pos);
}

export function writeUint32(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, WireType.VARINT);
  w.varint(v);
}

export function writeFixed32(w: ProtoWriter, field: number, v: number): void {
  if (v === 0) return;
  w.tag(field, WireType.I32);
  w.fixed32(v);
}

export function writeFixed64(w: ProtoWriter, field: number, v: bigint): void {
  if (v === 0n) return;
  w.tag(field, WireType.I64);
  w.fixed64(v);
}

export function writeAttributes(w: ProtoWriter, field: number, attrs: readonly KeyValue[]): void {
  for (const kv of attrs) {
    if (kv instanceof WireKeyValue) {
      w.tag(field, WireType.LEN);
      w.varint(kv.wireLength);
      w.pos = kv.copyTo(w.buf, w.pos);
    } else writeKeyValue(w, field, kv);
  }
}

export function writeResource(w: ProtoWriter, field: number, r: Resource): void {
  beginMessage(w, field);
  writeAttributes(w, ResourceField.ATTRIBUTES, r.attributes);
  writeUint32(w, ResourceField.DROPPED_ATTRIBUTES_COUNT, r.droppedAttributesCount);
}

export function writeScope(w: ProtoWriter, field: number, s: InstrumentationScope): void {
  beginMessage(w, field);
  writeOptString(w, ScopeField.NAME, s.name);
  writeOptString(w, ScopeField.VERSION, s.version);
  writeAttributes(w, ScopeField.ATTRIBUTES, s.attributes);
  writeUint32(w, ScopeField.DROPPED_ATTRIBUTES_COUNT, s.droppedAttributesCount);
}

export function writeKeyValue(w: ProtoWriter, field: number, kv: KeyValue): void {
  beginMessage(w, field);
  writeOptString(w, KeyValueField.KEY, kv.key);
  writeAnyValue(w, KeyValueField.VALUE, kv.value);
}

export function writeAnyValue(w: ProtoWriter, field: number, v: AnyValue): void {
  beginMessage(w, field);
  switch (v.kind) {
    case 'string':
      writeString(w, AnyValueField.STRING, v.value);
      break;
    case 'bool':
      w.tag(AnyValueField.BOOL, WireType.VARINT);
      w.varint(v.value ? 1 : 0);
      break;
    case 'int':
      w.tag(AnyValueField.INT, WireType.VARINT);
      w.int64(v.value);
      break;
    case 'double':
      w.tag(AnyValueField.DOUBLE, WireType.I64);
      w.double(v.value);
      break;
    case 'bytes':
      w.tag(AnyValueField.BYTES, WireType.LEN);
      w.varint(v.value.length);
      w.bytes(v.value);
      break;
    case 'array':
      beginMessage(w, AnyValueField.ARRAY);
      for (const item of v.values) writeAnyValue(w, ListField.VALUES, item);
      break;
    case 'kvlist':
      beginMessage(w, AnyValueField.KVLIST);
      for (const kv of v.values) writeKeyValue(w, ListField.VALUES, kv);
      break;
    case 'empty':
      break;
  }
}
