/**
 * A bounds-checked protobuf wire-format reader over one request body (protobuf encoding spec,
 * https://protobuf.dev/programming-guides/encoding/).
 *
 * Malformed input raises a `DecodeFailure` (decode-failure.ts), which never leaves the codec.
 *
 * Strings are decoded as UTF-8 with replacement: an invalid sequence becomes U+FFFD instead of failing
 * the request. proto3 says string fields must hold valid UTF-8, but rejecting a whole batch for one bad
 * byte in one attribute loses more than it protects, and the replacement is visible to whoever reads it.
 */
import { Buffer } from 'node:buffer';
import { DecodeFailure } from './decode-failure.js';
import { WireType } from './proto-fields.js';

export { DecodeFailure, failWithin } from './decode-failure.js';

const WIRE_NAMES = ['varint', 'i64', 'length-delimited', 'start-group', 'end-group', 'i32', '6', '7'];

/** Node's native UTF-8 slice (replacement on invalid input); typed here as @types/node omits it. */
interface NodeBufferSlices {
  utf8Slice(start: number, end: number): string;
}

export class ProtoReader {
  readonly buf: Uint8Array;
  private readonly nodeBuf: Buffer & NodeBufferSlices;
  private readonly view: DataView;
  pos = 0;
  /** Low and high 32 bits of the last 64-bit varint read by `varint64`, as uint32. */
  lo = 0;
  hi = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.nodeBuf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) as Buffer & NodeBufferSlices;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get length(): number {
    return this.buf.length;
  }

  /** Reads a varint and keeps its low 32 bits, unsigned (how uint32/int32/enum fields are read). */
  uint32(): number {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    let result = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= len) throw new DecodeFailure('truncated varint');
      const b = buf[pos++]!;
      if (i < 5) result |= (b & 0x7f) << (7 * i);
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    throw new DecodeFailure('malformed varint: longer than 10 bytes');
  }

  /** Reads a 64-bit varint into `lo`/`hi`. */
  varint64(): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= len) throw new DecodeFailure('truncated varint');
      const b = buf[pos++]!;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * (i - 5) + 3);
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new DecodeFailure('malformed varint: longer than 10 bytes');
  }

  /** A 64-bit varint as a signed int64 (AnyValue.int_value, ExportTracePartialSuccess.rejected_spans). */
  int64(): bigint {
    this.varint64();
    const { lo, hi } = this;
    // Below 2^53 a double holds the value exactly: one BigInt from a number, no shifts.
    if (hi < 0x200000) return BigInt(hi * 0x100000000 + lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** True when the varint just read (bool field) is non-zero. */
  bool(): boolean {
    this.varint64();
    return (this.lo | this.hi) !== 0;
  }

  fixed32(): number {
    if (this.pos + 4 > this.buf.length) throw new DecodeFailure('truncated fixed32 field');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.buf.length) throw new DecodeFailure('truncated fixed64 field');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw new DecodeFailure('truncated double field');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the field's bytes, checked against `limit`. */
  lengthEnd(limit: number): number {
    const n = this.uint32();
    const end = this.pos + n;
    if (end > limit) throw new DecodeFailure('truncated length-delimited field');
    return end;
  }

  /** A string field's bytes [pos, end) as UTF-8 with replacement; moves pos to end. */
  string(end: number): string {
    const start = this.pos;
    this.pos = end;
    if (start === end) return '';
    return this.nodeBuf.utf8Slice(start, end);
  }

  /** A copy of a bytes field, so the model never pins the request body in memory. */
  bytes(end: number): Uint8Array {
    const out = new Uint8Array(end - this.pos);
    out.set(this.buf.subarray(this.pos, end));
    this.pos = end;
    return out;
  }

  /** Reads a tag and returns it; field number 0 is invalid in every message. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw new DecodeFailure('invalid field number 0');
    return tag;
  }

  /** Skips an unknown field of the given wire type (unknown fields are ignored, proto3 semantics). */
  skip(wireType: number, limit: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varint64();
        return;
      case WireType.I64:
        this.advance(8, limit, 'truncated i64 field');
        return;
      case WireType.LEN:
        this.pos = this.lengthEnd(limit);
        return;
      case WireType.I32:
        this.advance(4, limit, 'truncated i32 field');
        return;
      case WireType.SGROUP:
        this.skipGroup(limit);
        return;
      default:
        throw new DecodeFailure(`invalid wire type ${WIRE_NAMES[wireType & 7]}`);
    }
  }

  /**
   * Skips a deprecated proto2 group up to its matching end tag. Iterative with a counter, so nested
   * groups in hostile input cannot grow the call stack.
   */
  private skipGroup(limit: number): void {
    let depth = 1;
    while (depth > 0) {
      if (this.pos >= limit) throw new DecodeFailure('truncated group');
      const wt = this.tag() & 7;
      if (wt === WireType.SGROUP) depth++;
      else if (wt === WireType.EGROUP) depth--;
      else this.skip(wt, limit);
    }
  }

  private advance(n: number, limit: number, reason: string): void {
    if (this.pos + n > limit) throw new DecodeFailure(reason);
    this.pos += n;
  }
}

/** Failure for a known field sent with the wrong wire type. */
export function wrongWireType(field: string, got: number, expected: number): DecodeFailure {
  return new DecodeFailure(
    `${field}: wire type ${WIRE_NAMES[got & 7]}, expected ${WIRE_NAMES[expected]}`,
  );
}

/** Failure for a message whose last field runs past the message's declared length. */
export function overrun(): DecodeFailure {
  return new DecodeFailure('field runs past the end of its message');
}
