/**
 * google.rpc.Status (google/rpc/status.proto) with the one detail OTLP uses, google.rpc.RetryInfo
 * (google/rpc/error_details.proto): the body of an OTLP/HTTP failure, and what OTLP/gRPC carries in the
 * `grpc-status-details-bin` trailer so a client knows when to retry (OTLP spec, "OTLP/gRPC Throttling").
 *
 *   message Status    { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
 *   message Any       { string type_url = 1; bytes value = 2; }
 *   message RetryInfo { google.protobuf.Duration retry_delay = 1; }
 *   message Duration  { int64 seconds = 1; int32 nanos = 2; }
 *
 * The decoder (for what downstream Collectors answer our gRPC exporter) reads the code, the message and
 * a RetryInfo detail, skips any other detail, and never throws.
 */
import { ProtoReader } from './proto-reader.js';
import { WireType } from './proto-fields.js';
import { int64Size, ProtoWriter, tagSize, utf8Length, varintSize } from './proto-writer.js';

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

export interface RpcStatus {
  /** A gRPC status code (google/rpc/code.proto). */
  code: number;
  message: string;
  /** RetryInfo.retry_delay, in milliseconds, when the status carries one. */
  retryDelayMs?: number;
  /** Decoded only: the status carried a RetryInfo detail (with or without a delay). */
  retryInfo?: boolean;
}

const lenField = (field: number, n: number): number => tagSize(field) + varintSize(n) + n;

/** Duration { seconds = 1; nanos = 2 } for a delay in milliseconds. */
function durationParts(ms: number): { seconds: bigint; nanos: number } {
  const whole = Math.max(0, Math.floor(ms));
  return { seconds: BigInt(Math.floor(whole / 1000)), nanos: (whole % 1000) * 1_000_000 };
}

export function encodeRpcStatus(status: RpcStatus): Uint8Array {
  const msgLen = utf8Length(status.message);
  let retry: { seconds: bigint; nanos: number; duration: number; info: number; any: number; typeUrl: number } | undefined;
  if (status.retryDelayMs !== undefined) {
    const { seconds, nanos } = durationParts(status.retryDelayMs);
    const duration = (seconds !== 0n ? tagSize(1) + int64Size(seconds) : 0) + (nanos !== 0 ? tagSize(2) + varintSize(nanos) : 0);
    const info = lenField(1, duration);
    const typeUrl = RETRY_INFO_TYPE_URL.length;
    const any = lenField(1, typeUrl) + lenField(2, info);
    retry = { seconds, nanos, duration, info, any, typeUrl };
  }
  const size = (status.code !== 0 ? tagSize(1) + varintSize(status.code) : 0) + (msgLen > 0 ? lenField(2, msgLen) : 0) + (retry ? lenField(3, retry.any) : 0);
  const w = new ProtoWriter(size, []);
  if (status.code !== 0) {
    w.tag(1, WireType.VARINT);
    w.varint(status.code);
  }
  if (msgLen > 0) {
    w.tag(2, WireType.LEN);
    w.varint(msgLen);
    w.stringBytes(status.message, msgLen);
  }
  if (retry) {
    w.tag(3, WireType.LEN);
    w.varint(retry.any);
    w.tag(1, WireType.LEN);
    w.varint(retry.typeUrl);
    w.stringBytes(RETRY_INFO_TYPE_URL, retry.typeUrl);
    w.tag(2, WireType.LEN);
    w.varint(retry.info);
    w.tag(1, WireType.LEN);
    w.varint(retry.duration);
    if (retry.seconds !== 0n) {
      w.tag(1, WireType.VARINT);
      w.int64(retry.seconds);
    }
    if (retry.nanos !== 0) {
      w.tag(2, WireType.VARINT);
      w.varint(retry.nanos);
    }
  }
  if (w.pos !== size) throw new Error(`rpc status encoder wrote ${w.pos} bytes, sized ${size}`);
  return w.buf;
}

/** Reads a google.rpc.Status; undefined when the bytes are not one. */
export function decodeRpcStatus(bytes: Uint8Array): RpcStatus | undefined {
  try {
    const r = new ProtoReader(bytes);
    const out: RpcStatus = { code: 0, message: '' };
    while (r.pos < bytes.length) {
      const tag = r.tag();
      const field = tag >>> 3;
      const wt = tag & 7;
      if (field === 1 && wt === WireType.VARINT) out.code = r.uint32() | 0;
      else if (field === 2 && wt === WireType.LEN) out.message = r.string(r.lengthEnd(bytes.length));
      else if (field === 3 && wt === WireType.LEN) {
        const delay = retryDelayOf(r, r.lengthEnd(bytes.length));
        if (delay !== undefined) out.retryInfo = true;
        if (delay !== undefined && delay >= 0) out.retryDelayMs = delay;
      } else r.skip(wt, bytes.length);
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * The delay of an Any holding a RetryInfo, in ms (-1: a RetryInfo without retry_delay); undefined for
 * any other detail. Leaves r at `end`.
 */
function retryDelayOf(r: ProtoReader, end: number): number | undefined {
  let typeUrl = '';
  let value: [number, number] | undefined;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.LEN) typeUrl = r.string(r.lengthEnd(end));
    else if (tag >>> 3 === 2 && (tag & 7) === WireType.LEN) {
      const e = r.lengthEnd(end);
      value = [r.pos, e];
      r.pos = e;
    } else r.skip(tag & 7, end);
  }
  if (typeUrl !== RETRY_INFO_TYPE_URL || value === undefined) return undefined;
  const [start, stop] = value;
  r.pos = start;
  let ms = -1;
  while (r.pos < stop) {
    const tag = r.tag();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.LEN) {
      const e = r.lengthEnd(stop);
      let seconds = 0n;
      let nanos = 0;
      while (r.pos < e) {
        const t = r.tag();
        if (t >>> 3 === 1 && (t & 7) === WireType.VARINT) seconds = r.int64();
        else if (t >>> 3 === 2 && (t & 7) === WireType.VARINT) nanos = r.uint32() | 0;
        else r.skip(t & 7, e);
      }
      ms = Math.max(0, Number(seconds) * 1000 + Math.floor(nanos / 1_000_000));
    } else r.skip(tag & 7, stop);
  }
  r.pos = end;
  return ms;
}
