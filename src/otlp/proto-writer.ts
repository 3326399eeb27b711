/**
 * Protobuf wire-format writing into one exactly-sized buffer.
 *
 * Encoding is two passes over the model: the sizing pass computes every nested message's length and
 * every string's UTF-8 length, appending them to `lengths` in visiting order; the writing pass visits
 * the same fields in the same order and consumes them. Each byte is written once, straight to its
 * final place: no per-message buffers, no copying of children into parents.
 */
import { Buffer } from 'node:buffer';

interface NodeBufferWrites {
  utf8Write(s: string, offset: number, length: number): number;
  latin1Write(s: string, offset: number, length: number): number;
}

/** Bytes a varint takes for an unsigned 32-bit value; negative int32s take 10 (sign-extended). */
export function varintSize(v: number): number {
  if (v < 0) return 10;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Bytes of a tag for a field number (wire type fits in the low 3 bits). */
export function tagSize(field: number): number {
  return varintSize(field << 3);
}

/** UTF-8 length of a JS string as Node encodes it (an unpaired surrogate becomes 3-byte U+FFFD). */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > 64) return Buffer.byteLength(s, 'utf8');
  let len = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        len += 2; // 2 UTF-16 units → 4 bytes
        i++;
      } else len += 2;
    } else len += 2;
  }
  return len;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Low/high uint32 halves of an int64 (two's complement), through a scratch view: no BigInt math. */
function splitInt64(v: bigint): void {
  scratch.setBigInt64(0, v, true);
}

/** Bytes of an int64 as a varint (negative numbers always take 10). */
export function int64Size(v: bigint): number {
  if (v >= 0n && v < 0x80000000n) return varintSize(Number(v));
  if (v < 0n) return 10;
  splitInt64(v);
  const lo = scratch.getUint32(0, true);
  const hi = scratch.getUint32(4, true);
  const bits = hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
  return Math.ceil(bits / 7); // 7 payload bits per byte
}

export class ProtoWriter {
  readonly buf: Uint8Array;
  private readonly nodeBuf: Buffer & NodeBufferWrites;
  private readonly view: DataView;
  pos = 0;
  /** Index of the next length to consume from the sizing pass. */
  li = 0;

  constructor(
    size: number,
    readonly lengths: number[],
  ) {
    // allocUnsafeSlow: a buffer of its own (not a slice of Node's shared pool), left unzeroed because
    // every byte is written.
    const b = Buffer.allocUnsafeSlow(size);
    this.nodeBuf = b as Buffer & NodeBufferWrites;
    this.buf = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Next recorded length (message or string), in the order the sizing pass recorded them. */
  nextLength(): number {
    return this.lengths[this.li++]!;
  }

  varint(v: number): void {
    const buf = this.buf;
    let pos = this.pos;
    if (v < 0) {
      this.int64(BigInt(v));
      return;
    }
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int64(v: bigint): void {
    if (v >= 0n && v < 0x80000000n) {
      this.varint(Number(v));
      return;
    }
    splitInt64(v);
    let lo = scratch.getUint32(0, true);
    let hi = scratch.getUint32(4, true);
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  fixed32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  fixed64(v: bigint): void {
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
    this.pos += 8;
  }

  double(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** Writes a string whose UTF-8 length `len` the sizing pass computed (and the prefix already went). */
  stringBytes(s: string, len: number): void {
    if (len === s.length) {
      // Byte length equal to UTF-16 length means every char is ASCII.
      if (len < 32) {
        const buf = this.buf;
        const pos = this.pos;
        for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
      } else this.nodeBuf.latin1Write(s, this.pos, len);
    } else this.nodeBuf.utf8Write(s, this.pos, len);
    this.pos += len;
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}
