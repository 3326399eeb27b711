/**
 * Encode-only-what-changed through the engine (otlp/wire-key-value.ts): the producer fixtures sent as
 * protobuf, redacted by the shipped redact-all policy, encoded with unchanged attributes copied as
 * bytes. No planted value may survive in an export body (a redacted attribute is never spliced from
 * the original bytes), unchanged attributes are spliced, and the body decodes to the same model as
 * encoding everything again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR, REPO_ROOT } from '../../test/support/fixture-paths.js';
import { leakedValues, PRODUCERS_LOGS_PLANTED, PRODUCERS_PLANTED } from '../../test/support/planted.js';
import type { KeyValue } from '../otlp/model.js';
import { CODECS, type Signal } from '../otlp/signal.js';
import { WireKeyValue } from '../otlp/wire-key-value.js';
import { loadPolicy } from './load.js';

const loaded = loadPolicy(join(REPO_ROOT, 'policies', 'examples', 'redact-all.yaml'));
if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
const policy = loaded.policy;

/** Every attribute list in a model (resource, scope, record, event, link). */
function* attributeLists(x: unknown): Generator<KeyValue[]> {
  if (Array.isArray(x)) for (const v of x) yield* attributeLists(v);
  else if (x !== null && typeof x === 'object' && !(x instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'attributes' && Array.isArray(v)) yield v as KeyValue[];
      else yield* attributeLists(v);
    }
  }
}

/** The model with every attribute a plain object: what the full encoder writes. */
function plain(x: unknown): unknown {
  if (x instanceof WireKeyValue) return { key: x.key, value: x.value };
  if (Array.isArray(x)) return x.map(plain);
  if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
}

function protobufBody(signal: Signal, dir: string, file: string): Uint8Array {
  if (file.endsWith('.pb')) return readFileSync(join(dir, file));
  const r = CODECS[signal].decode(readFileSync(join(dir, file)), 'json');
  if (!r.ok) throw new Error(r.error);
  return (CODECS[signal].encode as (d: unknown, e: 'protobuf') => Uint8Array)(r.value, 'protobuf');
}

const CASES: [Signal, string, string, readonly string[]][] = [
  ...['otel-openai.json', 'traceloop.json', 'openinference.json', 'vercel-ai.json'].map((f): [Signal, string, string, readonly string[]] => ['traces', PRODUCERS_DIR, f, PRODUCERS_PLANTED.map((p) => p.value)]),
  ...readdirSync(PRODUCERS_LOGS_DIR)
    .filter((f) => f.endsWith('.pb'))
    .map((f): [Signal, string, string, readonly string[]] => [f.includes('.logs.') ? 'logs' : 'traces', PRODUCERS_LOGS_DIR, f, PRODUCERS_LOGS_PLANTED.map((p) => p.value)]),
];

describe('redact-all over protobuf, spliced encoding', () => {
  let plantedIn = 0;
  for (const [signal, dir, file, planted] of CASES) {
    it(`${file}: no planted value in the body, unchanged attributes spliced, same model as a full encode`, () => {
      const decoded = CODECS[signal].decode(protobufBody(signal, dir, file), 'protobuf');
      if (!decoded.ok) throw new Error(decoded.error);
      const input = JSON.stringify(plain(decoded.value), (_, v) => (typeof v === 'bigint' ? String(v) : v));
      plantedIn += leakedValues(input, planted).length;
      const result = policy.processSignal({ signal, data: decoded.value } as Parameters<typeof policy.processSignal>[0], {});
      expect(result.outputs.length).toBeGreaterThan(0);
      let spliced = 0;
      for (const out of result.outputs) {
        for (const list of attributeLists(out.data)) for (const kv of list) if (kv instanceof WireKeyValue) spliced++;
        const encode = CODECS[out.signal].encode as (d: unknown, e: 'protobuf') => Uint8Array;
        const body = Buffer.from(encode(out.data, 'protobuf'));
        expect(leakedValues(body.toString('utf8'), planted)).toEqual([]);
        const again = CODECS[out.signal].decode(body, 'protobuf');
        if (!again.ok) throw new Error(again.error);
        expect(plain(again.value)).toEqual(plain(out.data));
      }
      expect(spliced).toBeGreaterThan(0);
    });
  }
  it('the fixtures did carry planted values in', () => expect(plantedIn).toBeGreaterThan(10));
});
