/**
 * The real producer payloads (fixtures/producers) through the shipped redact-all policy: no listed PII
 * or secret value may leave, JSON-valued attributes stay valid JSON, and every span is stamped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTracesJson } from '../otlp/decode-json.js';
import { encodeTracesJson } from '../otlp/encode-json.js';
import { countSpans, type AnyValue, type TracesData } from '../otlp/model.js';
import { loadPolicy } from './load.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PRODUCERS = PRODUCERS_DIR;
const FILES = ['otel-openai.json', 'traceloop.json', 'openinference.json', 'vercel-ai.json'];

/** Every sensitive value the prompts and answers carry (fixtures/producers/README.md). */
const LISTED = [
  'priya.patel@globex.example',
  'jane.doe@example.com',
  '+44 20 7946 0958',
  '415-555-0132',
  '5555 5555 5555 4444',
  'sk_live_51H8xYzABCdefGHIjklMNOpqrSTUvwxYZ0123456789abcdefGHIJKLmnopQRSTuvwxyz',
  'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB',
  '203.0.113.42',
];

function fixture(name: string): TracesData {
  const r = decodeTracesJson(readFileSync(join(PRODUCERS, name)));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function* strings(data: TracesData): Generator<[string, string]> {
  const walk = function* (key: string, v: AnyValue): Generator<[string, string]> {
    if (v.kind === 'string') yield [key, v.value];
    else if (v.kind === 'array') for (const x of v.values) yield* walk(key, x);
    else if (v.kind === 'kvlist') for (const kv of v.values) yield* walk(`${key}.${kv.key}`, kv.value);
  };
  for (const rs of data.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) for (const kv of s.attributes) yield* walk(kv.key, kv.value);
}

describe('redact-all on real producer payloads', () => {
  const loaded = loadPolicy(join(ROOT, 'policies', 'examples', 'redact-all.yaml'));
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  const policy = loaded.policy;

  for (const file of FILES) {
    it(`${file}: no listed value survives, JSON stays JSON, every span exported and stamped`, () => {
      const input = fixture(file);
      const before = encodeTracesJson(input);
      const result = policy.process(input, {});
      expect(encodeTracesJson(input)).toBe(before); // input never mutated
      expect(result.outputs.every((o) => o.class === 'broad-use')).toBe(true);
      const exported = result.outputs.reduce((n, o) => n + o.count, 0);
      expect(exported).toBe(countSpans(input));
      for (const out of result.outputs) {
        if (out.signal !== 'traces') throw new Error('traces in, traces out');
        const text = encodeTracesJson(out.data);
        for (const v of LISTED) expect(text, `${file} leaks ${v}`).not.toContain(v);
        for (const [key, value] of strings(out.data)) {
          if (/^\s*[[{]/.test(value) && /[\]}]\s*$/.test(value)) expect(() => JSON.parse(value), key).not.toThrow();
        }
        for (const rs of out.data.resourceSpans)
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans) {
              const keys = s.attributes.map((a) => a.key);
              expect(keys).toEqual(expect.arrayContaining(['loopgate.class', 'loopgate.rule', 'loopgate.policy.version', 'loopgate.redactions']));
            }
      }
    });
  }
});
