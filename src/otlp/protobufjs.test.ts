/**
 * Independent check against protobufjs, loading a schema written from the OTLP specification
 * (test/proto/**): what we encode, it decodes to the same model, and what it encodes, we decode to the
 * same model. For JSON, its proto3-JSON rendering (with ids turned from base64 into hex, the one OTLP
 * difference) is what we decode, and our JSON is what it reads.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeWithProtobufjs,
  encodeWithProtobufjs,
  otlpJsonViaProtobufjs,
  readOtlpJsonWithProtobufjs,
  RequestType,
} from '../../test/proto/pbjs.js';
import { everyFieldRequest } from '../../test/proto/samples.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import type { AnyValue, KeyValue, TracesData } from './model.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';

function fixture(name: string): TracesData {
  const r = decodeTracesProtobuf(readFileSync(`${PRODUCERS_DIR}/${name}.pb`));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** A copy with every -0 double replaced by 0. */
function withoutNegativeZero(data: TracesData): TracesData {
  const copy = structuredClone(data);
  const fix = (v: AnyValue): void => {
    if (v.kind === 'double' && Object.is(v.value, -0)) v.value = 0;
    else if (v.kind === 'array') v.values.forEach(fix);
    else if (v.kind === 'kvlist') v.values.forEach((kv) => fix(kv.value));
  };
  const fixAll = (attrs: KeyValue[]): void => attrs.forEach((kv) => fix(kv.value));
  for (const rs of copy.resourceSpans) {
    fixAll(rs.resource.attributes);
    for (const ss of rs.scopeSpans) {
      fixAll(ss.scope.attributes);
      for (const span of ss.spans) {
        fixAll(span.attributes);
        span.events.forEach((e) => fixAll(e.attributes));
        span.links.forEach((l) => fixAll(l.attributes));
      }
    }
  }
  return copy;
}

const cases: Array<[string, () => TracesData]> = [
  ['every field and value kind', everyFieldRequest],
  ['vercel-ai fixture', () => fixture('vercel-ai')],
  ['openinference fixture', () => fixture('openinference')],
];

describe('against protobufjs (independent schema from the spec)', () => {
  for (const [name, make] of cases) {
    it(`${name}: protobufjs decodes our protobuf to the same model`, () => {
      const data = make();
      expect(decodeWithProtobufjs(encodeTracesProtobuf(data))).toEqual(data);
    });

    it(`${name}: we decode protobufjs's protobuf to the same model`, () => {
      const data = make();
      expect(decodeTracesProtobuf(encodeWithProtobufjs(data))).toEqual({ ok: true, value: data });
    });

    it(`${name}: protobufjs reads our OTLP/JSON to the same model`, () => {
      const data = make();
      expect(readOtlpJsonWithProtobufjs(encodeTracesJson(data))).toEqual(data);
    });

    it(`${name}: we decode protobufjs's proto3 JSON (ids as hex) to the same model`, () => {
      const data = make();
      // protobufjs renders through JSON.stringify, which writes -0 as 0; that sign is all it loses.
      expect(decodeTracesJson(otlpJsonViaProtobufjs(data))).toEqual({ ok: true, value: withoutNegativeZero(data) });
    });
  }

  it('protobufjs verifies our encoding of a real payload: no mistyped fields', () => {
    // (everyFieldRequest carries span kinds outside the enum on purpose, which verify() flags.)
    const msg = RequestType.decode(encodeTracesProtobuf(fixture('traceloop')));
    expect(RequestType.verify(msg)).toBeNull();
  });
});
