/**
 * The logs and metrics codecs held to the traces codec's fuzz standard (codec.fuzz.test.ts; issue #8:
 * "held to the same standards as traces"): seeded, bounded fast-check runs over every field of the
 * log record and metric models and over hostile bytes. For each signal:
 * - encode → decode is the identity, in both encodings, for any model;
 * - no input makes a decoder throw: random bytes, mutated valid bodies, random and mutated JSON text;
 * - what decodes re-encodes to something that decodes to the same model;
 * - AnyValue nesting past the limit (a log body, a data point attribute) is refused, never recursed on;
 * - the decode budget holds: a decode fits it or is refused as 'too_large'.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, logsData, metricsData, mutated } from '../../test/support/otlp-arbitraries.js';
import { decodeLogsJson } from './decode-logs-json.js';
import { decodeLogsProtobuf } from './decode-logs-protobuf.js';
import { decodeMetricsJson } from './decode-metrics-json.js';
import { decodeMetricsProtobuf } from './decode-metrics-protobuf.js';
import { encodeLogsJson } from './encode-logs-json.js';
import { encodeLogsProtobuf } from './encode-logs-protobuf.js';
import { encodeMetricsJson } from './encode-metrics-json.js';
import { encodeMetricsProtobuf } from './encode-metrics-protobuf.js';
import type { DecodeLimits } from './codec.js';
import { DecodeBudget } from './limits.js';
import { newLogRecord } from './logs-model.js';
import type { AnyValue } from './model.js';

const LIMITS: DecodeLimits = { maxDepth: 64 };

type Result = { ok: true; value: unknown } | { ok: false; error: string; refusal?: string };

interface SignalCodec<D> {
  name: string;
  data: fc.Arbitrary<D>;
  encodePb(d: D): Uint8Array;
  decodePb(b: Uint8Array, limits?: DecodeLimits, budget?: DecodeBudget): Result;
  encodeJson(d: D): string;
  decodeJson(b: Uint8Array | string, limits?: DecodeLimits, budget?: DecodeBudget): Result;
  /** A request whose one AnyValue is `inner` (an `{"arrayValue":…}` JSON text). */
  nestJson(inner: string): string;
  /** The same request as a model, its one AnyValue `v`. */
  nestModel(v: AnyValue): D;
}

const CODECS: [SignalCodec<never>, SignalCodec<never>] = [
  {
    name: 'logs',
    data: logsData,
    encodePb: encodeLogsProtobuf,
    decodePb: decodeLogsProtobuf,
    encodeJson: encodeLogsJson,
    decodeJson: decodeLogsJson,
    nestJson: (inner) => `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"eventName":"gen_ai.choice","body":${inner}}]}]}]}`,
    nestModel: (v) => ({ resourceLogs: [{ resource: { attributes: [], droppedAttributesCount: 0 }, scopeLogs: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, logRecords: [newLogRecord({ eventName: 'gen_ai.choice', body: v })], schemaUrl: '' }], schemaUrl: '' }] }),
  } satisfies SignalCodec<Parameters<typeof encodeLogsJson>[0]> as unknown as SignalCodec<never>,
  {
    name: 'metrics',
    data: metricsData,
    encodePb: encodeMetricsProtobuf,
    decodePb: decodeMetricsProtobuf,
    encodeJson: encodeMetricsJson,
    decodeJson: decodeMetricsJson,
    nestJson: (inner) => `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asInt":"1","attributes":[{"key":"k","value":${inner}}]}]}}]}]}]}`,
    nestModel: (v) => ({
      resourceMetrics: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          scopeMetrics: [
            {
              scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
              metrics: [{ name: 'm', description: '', unit: '', metadata: [], data: { kind: 'gauge', dataPoints: [{ attributes: [{ key: 'k', value: v }], startTimeUnixNano: 0n, timeUnixNano: 0n, value: { kind: 'int', value: 1n }, exemplars: [], flags: 0 }] } }],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    }),
  } satisfies SignalCodec<Parameters<typeof encodeMetricsJson>[0]> as unknown as SignalCodec<never>,
];

/** An AnyValue `depth` levels deep: arrays inside arrays around an empty value. */
function nested(depth: number): AnyValue {
  let v: AnyValue = { kind: 'empty' };
  for (let i = 0; i < depth; i++) v = { kind: 'array', values: [v] };
  return v;
}

function wellFormed(r: Result): void {
  if (r.ok) return;
  expect(typeof r.error).toBe('string');
  expect(r.error.length).toBeGreaterThan(0);
}

describe.each(CODECS)('$name codec fuzz', (c) => {
  it('protobuf: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(c.data, (data) => {
        expect(c.decodePb(c.encodePb(data))).toEqual({ ok: true, value: data });
      }),
      fuzzParams(300),
    );
  });

  it('JSON: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(c.data, (data) => {
        expect(c.decodeJson(c.encodeJson(data))).toEqual({ ok: true, value: data });
      }),
      fuzzParams(300),
    );
  });

  it('random bytes as protobuf never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => wellFormed(c.decodePb(bytes, LIMITS))),
      fuzzParams(2000),
    );
  });

  it('mutated valid protobuf bodies never throw; what decodes re-encodes to the same model', () => {
    fc.assert(
      fc.property(
        c.data.chain((data) => mutated(c.encodePb(data))),
        (bytes) => {
          const r = c.decodePb(bytes, LIMITS);
          wellFormed(r);
          if (r.ok) expect(c.decodePb(c.encodePb(r.value as never), LIMITS)).toEqual(r);
        },
      ),
      fuzzParams(1500),
    );
  });

  it('random and mutated JSON text never throws; what decodes re-encodes to the same model', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      c.data.chain((data) => mutated(Buffer.from(c.encodeJson(data)))).map((b) => Buffer.from(b).toString('utf8')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const r = c.decodeJson(t, LIMITS);
        wellFormed(r);
        if (r.ok) expect(c.decodeJson(c.encodeJson(r.value as never), LIMITS)).toEqual(r);
      }),
      fuzzParams(1500),
    );
  });

  it('AnyValue nesting of exactly 64 decodes in both encodings', () => {
    const model = c.nestModel(nested(63));
    expect(c.decodePb(c.encodePb(model), LIMITS)).toEqual({ ok: true, value: model });
    expect(c.decodeJson(c.encodeJson(model), LIMITS)).toEqual({ ok: true, value: model });
  });

  it('AnyValue nesting past 64 is refused in JSON and protobuf, at any depth, without a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 5000 }), (depth) => {
        const json = c.nestJson(`${'{"arrayValue":{"values":['.repeat(depth)}{}${']}}'.repeat(depth)}`);
        const j = c.decodeJson(json, LIMITS);
        expect(j.ok).toBe(false);
        if (!j.ok) expect(j.error).toMatch(/nesting exceeds 64/);
        // The same structure in protobuf (our encoder writes it; depth kept where the encoder's own stack is safe).
        const pb = c.decodePb(c.encodePb(c.nestModel(nested(Math.min(depth, 400)))), LIMITS);
        expect(pb.ok).toBe(false);
        if (!pb.ok) expect(pb.error).toMatch(/nesting exceeds 64/);
      }),
      fuzzParams(30),
    );
  });

  it('a decode fits its budget or is refused as too_large, in both encodings', () => {
    fc.assert(
      fc.property(c.data, fc.integer({ min: 0, max: 20_000 }), (data, limit) => {
        const pb = c.encodePb(data);
        const budget = new DecodeBudget(limit);
        const r = c.decodePb(pb, LIMITS, budget);
        if (r.ok) expect(budget.charged).toBeLessThanOrEqual(limit);
        else expect(r.refusal).toBe('too_large');
        expect(budget.charged).toBeLessThanOrEqual(limit + 1024 + pb.length);

        const jsonBudget = new DecodeBudget(limit);
        const j = c.decodeJson(Buffer.from(c.encodeJson(data)), LIMITS, jsonBudget);
        if (j.ok) expect(jsonBudget.charged).toBeLessThanOrEqual(limit);
        else expect(j.refusal).toBe('too_large');
      }),
      fuzzParams(300),
    );
  });
});
