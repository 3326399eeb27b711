/**
 * The real producer payloads (fixtures/producers, see its README) decode in both encodings, the .pb
 * and .json twins describe the same spans, and both round-trip through our encoders exactly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import type { AnyValue, KeyValue, TracesData } from './model.js';
import { countSpans, getStringAttribute } from './model.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';

const DIR = PRODUCERS_DIR;
const producers = readdirSync(DIR)
  .filter((f) => f.endsWith('.pb'))
  .map((f) => f.slice(0, -3));

function decoded(name: string, ext: 'pb' | 'json'): TracesData {
  const body = readFileSync(join(DIR, `${name}.${ext}`));
  const r = ext === 'pb' ? decodeTracesProtobuf(body) : decodeTracesJson(body);
  if (!r.ok) throw new Error(`${name}.${ext}: ${r.error}`);
  return r.value;
}

/**
 * The twins were exported by separate runs, so ids, timestamps, the process id and the stub's
 * completion ids (`chatcmpl-N`, also inside JSON-valued attributes) differ; everything else must not.
 */
function normalise(data: TracesData): TracesData {
  const value = (v: AnyValue): AnyValue => {
    switch (v.kind) {
      case 'string':
        return { kind: 'string', value: v.value.replace(/chatcmpl-\d+/g, 'chatcmpl-N') };
      case 'array':
        return { kind: 'array', values: v.values.map(value) };
      case 'kvlist':
        return { kind: 'kvlist', values: v.values.map(attr) };
      default:
        return v;
    }
  };
  const attr = (kv: KeyValue): KeyValue => (kv.key === 'process.pid' ? { key: kv.key, value: { kind: 'int', value: 0n } } : { key: kv.key, value: value(kv.value) });
  return {
    resourceSpans: data.resourceSpans.map((rs) => ({
      ...rs,
      resource: { ...rs.resource, attributes: rs.resource.attributes.map(attr) },
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((s) => ({
          ...s,
          traceId: 'T',
          spanId: 'S',
          parentSpanId: s.parentSpanId === '' ? '' : 'P',
          startTimeUnixNano: 0n,
          endTimeUnixNano: 0n,
          attributes: s.attributes.map(attr),
          events: s.events.map((e) => ({ ...e, timeUnixNano: 0n, attributes: e.attributes.map(attr) })),
        })),
      })),
    })),
  };
}

describe('producer fixtures', () => {
  it('finds the four producers', () => {
    expect(producers.sort()).toEqual(['openinference', 'otel-openai', 'traceloop', 'vercel-ai']);
  });

  for (const name of producers) {
    describe(name, () => {
      it('decodes the protobuf body with valid ids and a tenant', () => {
        const data = decoded(name, 'pb');
        expect(countSpans(data)).toBeGreaterThan(0);
        const rs = data.resourceSpans[0]!;
        expect(getStringAttribute(rs.resource.attributes, 'tenant.id')).toMatch(/^(acme|globex)$/);
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
            expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
            expect(s.startTimeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
          }
        }
      });

      it('decodes the JSON body', () => {
        expect(countSpans(decoded(name, 'json'))).toBeGreaterThan(0);
      });

      it('.pb and .json twins give the same structure, ids and timestamps aside', () => {
        expect(normalise(decoded(name, 'json'))).toEqual(normalise(decoded(name, 'pb')));
      });

      for (const ext of ['pb', 'json'] as const) {
        it(`round-trips the ${ext} fixture through both encoders exactly`, () => {
          const data = decoded(name, ext);
          const viaPb = decodeTracesProtobuf(encodeTracesProtobuf(data));
          const viaJson = decodeTracesJson(encodeTracesJson(data));
          expect(viaPb).toEqual({ ok: true, value: data });
          expect(viaJson).toEqual({ ok: true, value: data });
        });
      }
    });
  }
});
