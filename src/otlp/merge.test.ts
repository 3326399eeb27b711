import { describe, expect, it } from 'vitest';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeTracesJson } from './encode-json.js';
import { encodeTracesProtobuf } from './encode-protobuf.js';
import { mergeEncodedRequests } from './merge.js';
import { newSpan, str, type TracesData } from './model.js';

function request(tenant: string, ...names: string[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'tenant.id', value: str(tenant) }], droppedAttributesCount: 0 },
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            spans: names.map((name, i) => newSpan({ name, traceId: 'ab'.repeat(16), spanId: `${i}`.padStart(16, '0') })),
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

const parts = [request('acme', 'a', 'b'), { resourceSpans: [] }, request('globex', 'c')];
const merged: TracesData = { resourceSpans: parts.flatMap((p) => p.resourceSpans) };

describe('mergeEncodedRequests', () => {
  it('protobuf: concatenation decodes as one request holding every resource_spans, in order', () => {
    const body = mergeEncodedRequests(parts.map(encodeTracesProtobuf), 'protobuf')!;
    expect(decodeTracesProtobuf(body)).toEqual({ ok: true, value: merged });
  });

  it('json: the resourceSpans arrays are joined into one valid request', () => {
    const utf8 = new TextEncoder();
    const body = mergeEncodedRequests(parts.map((p) => utf8.encode(encodeTracesJson(p))), 'json')!;
    expect(decodeTracesJson(body)).toEqual({ ok: true, value: merged });
  });

  it('returns a single body unchanged and refuses JSON of another shape', () => {
    const one = encodeTracesProtobuf(parts[0]!);
    expect(mergeEncodedRequests([one], 'protobuf')).toBe(one);
    const odd = new TextEncoder().encode('{ "resourceSpans": [] }');
    expect(mergeEncodedRequests([odd, odd], 'json')).toBeUndefined();
  });
});
