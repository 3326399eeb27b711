/**
 * The on-disk framing of the persistent queue: records in segment files, acknowledgements beside them.
 *
 * A record (all integers little-endian):
 *
 *   0   u32  magic 0x4c475231 ('LGR1')
 *   4   u32  payload length N
 *   8   u32  CRC-32 (IEEE, as zlib and gzip) of bytes 4..8 and the payload: a torn length is caught too
 *   12  N    payload: u32 meta length M, M bytes of meta (UTF-8 JSON), then the body as it is sent
 *
 * The meta holds what is needed to send the body later exactly as it was admitted: signal, class,
 * tenant, target, encoding, compression, record count, policy version, JSON split. The body is the
 * encoded, compressed request: already redacted, never the client's original.
 *
 * An acknowledgement entry (16 bytes): magic 'LGA1', the record's offset, a kind, and a CRC-32 of the
 * first 12 bytes. Entries are only ever appended, so a torn last entry is simply shorter than 16 bytes.
 */
import * as zlib from 'node:zlib';
import type { ExportClass } from '../policy/types.js';
import type { Encoding } from '../otlp/codec.js';
import type { Compression } from './options.js';
import { SIGNALS, type Signal } from '../otlp/signal.js';
import type { ExportRequest } from './types.js';

export const RECORD_MAGIC = 0x3152474c; // bytes 'L' 'G' 'R' '1'
export const ACK_MAGIC = 0x3141474c; // bytes 'L' 'G' 'A' '1'
export const RECORD_HEADER_BYTES = 12;
export const ACK_ENTRY_BYTES = 16;
/** Largest payload a record may claim: anything larger is a corrupt length, not a real request. */
export const MAX_RECORD_PAYLOAD = 1024 * 1024 * 1024;

export const AckKind = {
  /** Handed to the exporter: a replay of it may duplicate what the downstream already has. */
  dispatched: 1,
  /** Finished: delivered, or counted as failed, or its admission was cancelled. Never replayed. */
  done: 2,
  /** A corrupt region starts here and was counted once: later starts skip it without counting. */
  corrupt: 3,
} as const;
export type AckKind = (typeof AckKind)[keyof typeof AckKind];

/** CRC-32 (IEEE 802.3, the one zlib and gzip use): zlib's native one where Node has it (20.15+). */
export const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32 : crc32Js;

let table: Uint32Array | undefined;

/** Table-driven CRC-32 for Node versions without zlib.crc32. */
export function crc32Js(data: Uint8Array, value = 0): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

interface Meta {
  v: 1;
  signal: Signal;
  /** null for metrics, which are not classified. */
  class: ExportClass | null;
  tenant: string | null;
  target: string;
  encoding: Encoding;
  compression: Compression;
  records: number;
  policyVersion: string;
  jsonHead: number;
  jsonTail: number;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** One record's bytes, header included, ready to append. */
export function encodeRecord(request: ExportRequest): Buffer {
  const meta: Meta = {
    v: 1,
    signal: request.signal,
    class: request.class ?? null,
    tenant: request.tenant ?? null,
    target: request.target,
    encoding: request.encoding,
    compression: request.compression,
    records: request.records,
    policyVersion: request.policyVersion,
    jsonHead: request.jsonHead,
    jsonTail: request.jsonTail,
  };
  const metaBytes = utf8.encode(JSON.stringify(meta));
  const payload = 4 + metaBytes.byteLength + request.body.byteLength;
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload);
  out.writeUInt32LE(RECORD_MAGIC, 0);
  out.writeUInt32LE(payload, 4);
  out.writeUInt32LE(metaBytes.byteLength, 12);
  out.set(metaBytes, 16);
  out.set(request.body, 16 + metaBytes.byteLength);
  out.writeUInt32LE(crc32(out.subarray(RECORD_HEADER_BYTES), crc32(out.subarray(4, 8))), 8);
  return out;
}

export type RecordAt =
  | { ok: true; request: ExportRequest; size: number }
  /** The file ends inside this record: a write the crash cut short. */
  | { ok: false; reason: 'torn' }
  /** The bytes here are not a valid record (bad magic, length or checksum, or unreadable meta). */
  | { ok: false; reason: 'corrupt' };

/** Reads and checks the record starting at `at`. Never throws. */
export function decodeRecordAt(buf: Uint8Array, at: number): RecordAt {
  const left = buf.byteLength - at;
  if (left < RECORD_HEADER_BYTES) return { ok: false, reason: 'torn' };
  const view = new DataView(buf.buffer, buf.byteOffset + at, left);
  if (view.getUint32(0, true) !== RECORD_MAGIC) return { ok: false, reason: 'corrupt' };
  const payload = view.getUint32(4, true);
  if (payload < 4 || payload > MAX_RECORD_PAYLOAD) return { ok: false, reason: 'corrupt' };
  if (left < RECORD_HEADER_BYTES + payload) return { ok: false, reason: 'torn' };
  const body = buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + payload);
  if (crc32(body, crc32(buf.subarray(at + 4, at + 8))) !== view.getUint32(8, true)) return { ok: false, reason: 'corrupt' };
  const metaLength = view.getUint32(12, true);
  if (metaLength > payload - 4) return { ok: false, reason: 'corrupt' };
  const meta = parseMeta(body.subarray(4, 4 + metaLength));
  if (meta === undefined) return { ok: false, reason: 'corrupt' };
  const request: ExportRequest = {
    signal: meta.signal,
    class: meta.class ?? undefined,
    tenant: meta.tenant ?? undefined,
    target: meta.target,
    encoding: meta.encoding,
    compression: meta.compression,
    records: meta.records,
    policyVersion: meta.policyVersion,
    body: body.subarray(4 + metaLength),
    jsonHead: meta.jsonHead,
    jsonTail: meta.jsonTail,
  };
  return { ok: true, request, size: RECORD_HEADER_BYTES + payload };
}

/** The meta, checked field by field: a record passing its checksum was still written by some version. */
function parseMeta(bytes: Uint8Array): Meta | undefined {
  let m: Partial<Meta>;
  try {
    m = JSON.parse(utf8Decoder.decode(bytes)) as Partial<Meta>;
  } catch {
    return undefined;
  }
  if (m === null || typeof m !== 'object' || m.v !== 1) return undefined;
  if (!SIGNALS.includes(m.signal as Signal) || !(m.class === null || typeof m.class === 'string') || typeof m.target !== 'string') return undefined;
  if (!(m.tenant === null || typeof m.tenant === 'string')) return undefined;
  if (m.encoding !== 'protobuf' && m.encoding !== 'json') return undefined;
  if (m.compression !== 'gzip' && m.compression !== 'none') return undefined;
  if (!Number.isSafeInteger(m.records) || !Number.isSafeInteger(m.jsonHead) || !Number.isSafeInteger(m.jsonTail)) return undefined;
  if (typeof m.policyVersion !== 'string') return undefined;
  return m as Meta;
}

/** The next offset after `from` where a valid record starts (resynchronising past corruption), or -1. */
export function nextValidRecord(buf: Uint8Array, from: number): number {
  const m0 = RECORD_MAGIC & 0xff;
  for (let i = buf.indexOf(m0, from); i !== -1 && i + RECORD_HEADER_BYTES <= buf.byteLength; i = buf.indexOf(m0, i + 1)) {
    if (decodeRecordAt(buf, i).ok) return i;
  }
  return -1;
}

export function encodeAck(offset: number, kind: AckKind): Buffer {
  const out = Buffer.allocUnsafe(ACK_ENTRY_BYTES);
  out.writeUInt32LE(ACK_MAGIC, 0);
  out.writeUInt32LE(offset, 4);
  out.writeUInt32LE(kind, 8);
  out.writeUInt32LE(crc32(out.subarray(0, 12)), 12);
  return out;
}

/**
 * Every valid entry of an ack file, in order. A torn or corrupt entry is skipped by looking for the next
 * valid one byte by byte: a write cut short leaves a partial entry, and the next run's marks are
 * appended after it, no longer at multiples of 16.
 */
export function decodeAcks(buf: Uint8Array): { offset: number; kind: AckKind }[] {
  const out: { offset: number; kind: AckKind }[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  while (at + ACK_ENTRY_BYTES <= buf.byteLength) {
    const kind = view.getUint32(at + 8, true);
    const valid =
      view.getUint32(at, true) === ACK_MAGIC &&
      crc32(buf.subarray(at, at + 12)) === view.getUint32(at + 12, true) &&
      (kind === AckKind.dispatched || kind === AckKind.done || kind === AckKind.corrupt);
    if (!valid) {
      at++;
      continue;
    }
    out.push({ offset: view.getUint32(at + 4, true), kind: kind as AckKind });
    at += ACK_ENTRY_BYTES;
  }
  return out;
}
