/**
 * Issue #13 item 1: a small body must not decode to unbounded memory. Both decoders charge a
 * DecodeBudget while they build the model and stop at its limit (limits.ts).
 */
import { describe, expect, it } from 'vitest';
import { cat, len, request, spanBody, str, tag, varint } from '../../test/proto/wire.js';
import type { DecodeResult } from './codec.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { DECODE_SLACK_BYTES, DECODED_COST, DecodeBudget } from './limits.js';

const LIMITS = { maxDepth: 64 };
const MiB = 1024 * 1024;

/** `count` copies of the two bytes `field-tag 00` (an empty message in that field), inside one span. */
function emptyRepeated(field: number, count: number): Uint8Array {
  const unit = cat(tag(field, 2), varint(0));
  const body = new Uint8Array(unit.length * count);
  for (let i = 0; i < count; i++) body.set(unit, i * unit.length);
  return request(cat(spanBody(), body));
}

function refusal(r: DecodeResult): { refusal: string | undefined; error: string } {
  if (r.ok) throw new Error('expected a refusal');
  return { refusal: r.refusal, error: r.error };
}

describe('#13.1 decoded size is bounded while decoding (protobuf)', () => {
  const shapes: [string, number][] = [
    ['links', 13],
    ['events', 11],
    ['attributes', 9],
  ];
  for (const [name, field] of shapes) {
    it(`20 MiB of empty ${name} stops at the budget with 'too_large'`, () => {
      const body = emptyRepeated(field, 10 * MiB); // 20 MiB: `xx 00` ten million times
      const budget = new DecodeBudget(256 * MiB);
      const r = refusal(decodeTracesProtobuf(body, LIMITS, budget));
      expect(r.refusal).toBe('too_large');
      // refused for decoding to far more than its size, long before the 256 MiB limit: about 16 × the
      // few hundred KB read by then plus DECODE_SLACK_BYTES, not ten million elements
      expect(r.error).toMatch(/decodes to more than 16 times its size in memory/);
      expect(budget.charged).toBeLessThan(DECODE_SLACK_BYTES + 8 * MiB);
    });
  }

  it('array and kvlist elements are charged too', () => {
    // ArrayValue.values / KeyValueList.values (field 1): empty AnyValues / KeyValues
    const listOf = (anyValueField: number, n: number): Uint8Array => {
      const unit = cat(tag(1, 2), varint(0));
      const values = new Uint8Array(unit.length * n);
      for (let i = 0; i < n; i++) values.set(unit, i * unit.length);
      return request(spanBody(len(9, str(1, 'k'), len(2, len(anyValueField, values)))));
    };
    for (const field of [5, 6]) {
      expect(refusal(decodeTracesProtobuf(listOf(field, 1_000_000), LIMITS, new DecodeBudget(MiB))).refusal).toBe('too_large');
      expect(decodeTracesProtobuf(listOf(field, 1000), LIMITS, new DecodeBudget(MiB)).ok).toBe(true);
    }
  });

  it('strings are charged by their length; a request over the absolute limit is refused at it', () => {
    const body = request(spanBody(str(5, 'x'.repeat(2 * MiB))));
    const small = refusal(decodeTracesProtobuf(body, LIMITS, new DecodeBudget(MiB)));
    expect(small.refusal).toBe('too_large');
    expect(small.error).toMatch(/decodes to more than 1048576 bytes of memory/);
    const budget = new DecodeBudget(4 * MiB);
    expect(decodeTracesProtobuf(body, LIMITS, budget).ok).toBe(true);
    expect(budget.charged).toBeGreaterThanOrEqual(2 * MiB + DECODED_COST.span);
  });

  it('a pool that has no room answers busy; the budget takes from it in chunks and gives back what it did not use', () => {
    let pool = 3 * MiB;
    const grant = (n: number): boolean => {
      if (n > pool) return false;
      pool -= n;
      return true;
    };
    const small = new DecodeBudget(64 * MiB, grant);
    expect(decodeTracesProtobuf(emptyRepeated(13, 1000), LIMITS, small).ok).toBe(true);
    const held = small.charged;
    pool += small.release();
    expect(small.pooled).toBe(held);
    expect(pool).toBe(3 * MiB - held);
    const big = new DecodeBudget(64 * MiB, grant);
    expect(refusal(decodeTracesProtobuf(emptyRepeated(13, 100_000), LIMITS, big)).refusal).toBe('busy');
  });
});

describe('#13.1 decoded size is bounded while decoding (JSON)', () => {
  const span = (extra: string): string =>
    `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"${extra}}]}]}]}`;

  it('a body of empty objects is refused before JSON.parse builds them', () => {
    const body = span(`,"links":[${'{},'.repeat(3 * MiB)}{}]`);
    const budget = new DecodeBudget(64 * MiB);
    expect(refusal(decodeTracesJson(body, LIMITS, budget)).refusal).toBe('too_large');
  });

  it('a body of distinct keys is charged for its members', () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `"k${i}":1`).join(',');
    expect(refusal(decodeTracesJson(`{${keys}}`, LIMITS, new DecodeBudget(8 * MiB))).refusal).toBe('too_large');
  });

  it('a real request fits a budget of 16 × its size', () => {
    const body = span(`,"name":"chat","attributes":[{"key":"gen_ai.prompt","value":{"stringValue":"${'hello '.repeat(1000)}"}}]`);
    const budget = new DecodeBudget(16 * body.length);
    expect(decodeTracesJson(body, LIMITS, budget).ok).toBe(true);
  });
});
