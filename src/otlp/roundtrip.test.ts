/**
 * encode → decode is the identity on the model, in both encodings, for a request that sets every field
 * of every message and every AnyValue kind (int64 extremes, NaN/±Infinity/-0, empty bytes, nested
 * kvlists, unknown enum values); and the protobuf encoder's output is canonical (sized exactly,
 * defaults omitted).
 */
import { describe, expect, it } from 'vitest';
import { everyFieldRequest } from '../../test/proto/samples.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import { decodeTraces, encodeTraces } from './index.js';
import { newSpan } from './model.js';

describe('round trips', () => {
  it('protobuf: decode(encode(x)) equals x for every field and value kind', () => {
    const data = everyFieldRequest();
    expect(decodeTracesProtobuf(encodeTracesProtobuf(data))).toEqual({ ok: true, value: data });
  });

  it('JSON: decode(encode(x)) equals x for every field and value kind', () => {
    const data = everyFieldRequest();
    expect(decodeTracesJson(encodeTracesJson(data))).toEqual({ ok: true, value: data });
  });

  it('keeps -0 and NaN distinct from 0 in both encodings', () => {
    const data = everyFieldRequest();
    for (const r of [decodeTracesProtobuf(encodeTracesProtobuf(data)), decodeTracesJson(encodeTracesJson(data))]) {
      if (!r.ok) throw new Error(r.error);
      const attrs = r.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes;
      const d = (k: string) => {
        const v = attrs.find((a) => a.key === k)!.value;
        return v.kind === 'double' ? v.value : undefined;
      };
      expect(Object.is(d('d.-0'), -0)).toBe(true);
      expect(Object.is(d('d.zero'), 0)).toBe(true);
      expect(d('d.nan')).toBeNaN();
    }
  });

  it('JSON output is one compact line with 64-bit integers as strings and hex ids', () => {
    const json = encodeTracesJson(everyFieldRequest());
    expect(json).not.toMatch(/\n/);
    expect(json.endsWith('}')).toBe(true);
    expect(json).toContain('"intValue":"-9223372036854775808"');
    expect(json).toContain('"startTimeUnixNano":"18446744073709551615"');
    expect(json).toContain('"traceId":"0123456789abcdef0123456789abcdef"');
    expect(json).toContain('"doubleValue":"NaN"');
    expect(json).toContain('"doubleValue":"-Infinity"');
    expect(json).toContain('"bytesValue":""');
    expect(json).toContain('"kind":3');
  });

  it('encodes an empty request as {"resourceSpans":[]} and zero protobuf bytes', () => {
    expect(encodeTracesJson({ resourceSpans: [] })).toBe('{"resourceSpans":[]}');
    expect(encodeTracesProtobuf({ resourceSpans: [] })).toHaveLength(0);
  });

  it('omits proto3 defaults: a minimal span is just its ids (plus resource and scope headers)', () => {
    const span = newSpan({ traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef' });
    const data = { resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [span], schemaUrl: '' }], schemaUrl: '' }] };
    // span: 2+16 (trace_id) + 2+8 (span_id) = 28; scope_spans: 2 (empty scope) + 2+28; resource_spans: 2 (empty resource) + 2+32.
    expect(encodeTracesProtobuf(data)).toHaveLength(2 + 36);
    expect(encodeTracesJson(data)).toBe(
      '{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef"}]}]}]}',
    );
  });

  it('decodeTraces/encodeTraces dispatch on the encoding', () => {
    const data = everyFieldRequest();
    for (const enc of ['protobuf', 'json'] as const) {
      expect(decodeTraces(encodeTraces(data, enc), enc)).toEqual({ ok: true, value: data });
    }
  });

  it('turns unpaired surrogates into U+FFFD on the protobuf wire (UTF-8 cannot carry them)', () => {
    const span = newSpan({ traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef', name: 'a\ud800b' });
    const data = { resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [span], schemaUrl: '' }], schemaUrl: '' }] };
    const r = decodeTracesProtobuf(encodeTracesProtobuf(data));
    expect(r.ok && r.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name).toBe('a\ufffdb');
  });

  it('refuses to encode an id that is not hex (a programming error, not input)', () => {
    const span = newSpan({ traceId: 'not-hex-not-hex-not-hex-not-hex!', spanId: '0123456789abcdef' });
    const data = { resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, spans: [span], schemaUrl: '' }], schemaUrl: '' }] };
    expect(() => encodeTracesProtobuf(data)).toThrow(/invalid hex id/);
    expect(() => encodeTracesJson(data)).toThrow(/invalid hex id/);
  });
});
