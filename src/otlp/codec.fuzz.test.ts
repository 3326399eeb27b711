/**
 * Property-based fuzzing of the codec (issue #13, "what must exist"): seeded, bounded runs of
 * fast-check over the whole span model and over hostile bytes. Properties:
 * - encode → decode is the identity, in both encodings, for any model;
 * - no input makes a decoder throw: random bytes, mutated valid bodies, random and mutated JSON text;
 * - a decode that succeeds re-encodes to something that decodes to the same model;
 * - the decode budget holds: a decode either fits its budget or is refused as 'too_large'; protobuf
 *   stops within one element of the budget (JSON charges its parse tree in one go, before JSON.parse
 *   allocates it, so it stops before anything is built).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, mutated, tracesData } from '../../test/support/otlp-arbitraries.js';
import type { DecodeResult } from './codec.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import { chargeParseTree, MAX_TREE_COST_PER_CHAR } from './json-decoder.js';
import { DecodeBudget } from './limits.js';

const LIMITS = { maxDepth: 64 };

function wellFormed(r: DecodeResult): void {
  if (r.ok) return;
  expect(typeof r.error).toBe('string');
  expect(r.error.length).toBeGreaterThan(0);
}

describe('codec fuzz: round trips', () => {
  it('protobuf: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(tracesData, (data) => {
        expect(decodeTracesProtobuf(encodeTracesProtobuf(data))).toEqual({ ok: true, value: data });
      }),
      fuzzParams(300),
    );
  });

  it('JSON: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(tracesData, (data) => {
        expect(decodeTracesJson(encodeTracesJson(data))).toEqual({ ok: true, value: data });
      }),
      fuzzParams(300),
    );
  });
});

describe('codec fuzz: hostile input never throws out of a decoder', () => {
  it('random bytes as protobuf', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        wellFormed(decodeTracesProtobuf(bytes, LIMITS));
      }),
      fuzzParams(2000),
    );
  });

  it('mutated valid protobuf bodies; what decodes re-encodes to the same model', () => {
    fc.assert(
      fc.property(
        tracesData.chain((data) => mutated(encodeTracesProtobuf(data))),
        (bytes) => {
          const r = decodeTracesProtobuf(bytes, LIMITS);
          wellFormed(r);
          if (r.ok) expect(decodeTracesProtobuf(encodeTracesProtobuf(r.value), LIMITS)).toEqual(r);
        },
      ),
      fuzzParams(1500),
    );
  });

  it('random and mutated JSON text', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      tracesData.chain((data) => mutated(Buffer.from(encodeTracesJson(data)))).map((b) => Buffer.from(b).toString('utf8')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = decodeTracesJson(t, LIMITS);
        wellFormed(r);
        if (r.ok) expect(decodeTracesJson(encodeTracesJson(r.value), LIMITS)).toEqual(r);
      }),
      fuzzParams(1500),
    );
  });

  it('deep nesting in either encoding is a 400-style failure, not a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 5000 }), (depth) => {
        const json = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(depth)}{}${']}}'.repeat(depth)}}]}]}]}]}`;
        const r = decodeTracesJson(json, LIMITS);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toMatch(/nesting exceeds 64/);
      }),
      fuzzParams(30),
    );
  });
});

describe('codec fuzz: the decode budget', () => {
  it('a decode fits its budget or is refused as too_large, in both encodings', () => {
    fc.assert(
      fc.property(tracesData, fc.integer({ min: 0, max: 20_000 }), (data, limit) => {
        const pb = encodeTracesProtobuf(data);
        const budget = new DecodeBudget(limit);
        const r = decodeTracesProtobuf(pb, LIMITS, budget);
        if (r.ok) expect(budget.charged).toBeLessThanOrEqual(limit);
        else expect(r.refusal).toBe('too_large');
        // it stopped at the budget: at most one element (a span, or one string or bytes value) past it
        expect(budget.charged).toBeLessThanOrEqual(limit + 1024 + pb.length);

        const jsonBudget = new DecodeBudget(limit);
        const j = decodeTracesJson(Buffer.from(encodeTracesJson(data)), LIMITS, jsonBudget);
        if (j.ok) expect(jsonBudget.charged).toBeLessThanOrEqual(limit);
        else expect(j.refusal).toBe('too_large');
      }),
      fuzzParams(300),
    );
  });
});

describe('codec fuzz: the JSON parse-tree estimate', () => {
  it('never charges more than MAX_TREE_COST_PER_CHAR per character of well-formed JSON (the pre-scan may be skipped on that bound)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v, null, 1)), tracesData.map(encodeTracesJson)), (text) => {
        const tree = chargeParseTree(text, new DecodeBudget(Number.MAX_SAFE_INTEGER), { at: 0 });
        expect(tree).toBeLessThanOrEqual(MAX_TREE_COST_PER_CHAR * text.length);
      }),
      fuzzParams(2000),
    );
    // the shape that reaches the bound
    const objects = `[${Array(1000).fill('{}').join(',')}]`;
    expect(chargeParseTree(objects, new DecodeBudget(Number.MAX_SAFE_INTEGER), { at: 0 }) / objects.length).toBeGreaterThan(MAX_TREE_COST_PER_CHAR * 0.7);
  });
});
