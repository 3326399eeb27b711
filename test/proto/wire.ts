/**
 * A tiny protobuf wire builder for tests that need bytes no well-behaved encoder would write:
 * truncated fields, lying lengths, wrong wire types, groups, absurd nesting.
 */
export type Bytes = Uint8Array;

export function cat(...parts: Bytes[]): Bytes {
  return catAll(parts);
}

/** `cat` for arrays too long to spread into arguments. */
export function catAll(parts: readonly Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function varint(v: number | bigint): Bytes {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (n > 0x7fn) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return new Uint8Array(out);
}

export const tag = (field: number, wireType: number): Bytes => varint((field << 3) | wireType);

/** A length-delimited field holding `parts`. */
export const len = (field: number, ...parts: Bytes[]): Bytes => {
  const body = cat(...parts);
  return cat(tag(field, 2), varint(body.length), body);
};

export const str = (field: number, s: string): Bytes => len(field, new TextEncoder().encode(s));

export const u32 = (field: number, v: number): Bytes => cat(tag(field, 0), varint(v));

export const bytesOf = (...b: number[]): Bytes => new Uint8Array(b);

/** A valid span body: 16-byte trace id, 8-byte span id, plus `extra` fields. */
export function spanBody(...extra: Bytes[]): Bytes {
  return catAll([len(1, new Uint8Array(16).fill(1)), len(2, new Uint8Array(8).fill(2)), ...extra]);
}

/** A request with one resource, one scope and the given span bodies. */
export function request(...spanBodies: Bytes[]): Bytes {
  return len(1, len(2, ...spanBodies.map((b) => len(2, b))));
}

/**
 * An attribute (KeyValue body) whose value is `levels` arrays nested in each other, built from the
 * inside out as prefixes only, so 100 000 levels take linear time and memory.
 */
export function nestedArrayAttribute(levels: number): Bytes {
  const prefixes: Bytes[] = [];
  let inner = 0; // innermost AnyValue is empty
  for (let i = 0; i < levels; i++) {
    // ArrayValue { values(1): AnyValue } then AnyValue { array_value(5): ArrayValue }
    const arrayPrefix = cat(tag(1, 2), varint(inner));
    inner += arrayPrefix.length;
    const anyPrefix = cat(tag(5, 2), varint(inner));
    inner += anyPrefix.length;
    prefixes.push(arrayPrefix, anyPrefix);
  }
  prefixes.reverse();
  // KeyValue { key(1): "k", value(2): AnyValue }
  return catAll([str(1, 'k'), tag(2, 2), varint(inner), ...prefixes]);
}
