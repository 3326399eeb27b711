/**
 * Hostile and malformed input: decoders never throw, never overflow the stack, stay linear, and say
 * what is wrong and where. Error table for protobuf, then JSON.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  cat,
  catAll,
  len,
  nestedArrayAttribute,
  request,
  spanBody,
  str,
  tag,
  u32,
  varint,
} from '../../test/proto/wire.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import type { DecodeResult } from './codec.js';

function errorOf(r: DecodeResult): string {
  if (r.ok) throw new Error('expected a decode error');
  return r.error;
}

const firstSpan = (r: DecodeResult) => {
  if (!r.ok) throw new Error(r.error);
  return r.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
};

describe('protobuf decoder: error table', () => {
  const table: Array<[string, Uint8Array, RegExp]> = [
    ['truncated tag varint', bytesOf(0x80), /^truncated varint$/],
    ['truncated length prefix', bytesOf(0x0a, 0x80), /^truncated varint$/],
    ['length past the end', bytesOf(0x0a, 0x05, 0x00), /^truncated length-delimited field$/],
    ['varint longer than 10 bytes', cat(tag(99, 0), new Uint8Array(11).fill(0xff), bytesOf(0)), /malformed varint/],
    ['field number 0', bytesOf(0x02, 0x00), /invalid field number 0/],
    ['wire type 7 on an unknown field', tag(20, 7), /invalid wire type/],
    ['unexpected end-group', tag(20, 4), /invalid wire type end-group/],
    ['unterminated group', cat(tag(20, 3), u32(1, 1)), /truncated group/],
    ['known field, wrong wire type', cat(tag(1, 0), varint(1)), /^resource_spans: wire type varint, expected length-delimited$/],
    [
      'span name sent as a varint',
      request(spanBody(u32(5, 1))),
      /^resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]: name: wire type varint, expected length-delimited$/,
    ],
    [
      'flags sent as a varint (must be fixed32)',
      request(spanBody(u32(16, 1))),
      /spans\[0\]: flags: wire type varint, expected i32$/,
    ],
    [
      'start time truncated (fixed64)',
      request(cat(spanBody(), tag(7, 1), bytesOf(1, 2, 3))),
      /spans\[0\]: truncated fixed64 field$/,
    ],
    [
      'trace_id of 5 bytes',
      request(cat(len(1, bytesOf(1, 2, 3, 4, 5)), len(2, new Uint8Array(8).fill(2)))),
      /spans\[0\]: invalid trace_id: 16 bytes expected, got 5$/,
    ],
    ['missing span_id', request(len(1, new Uint8Array(16).fill(1))), /spans\[0\]: invalid span_id: 8 bytes expected, got 0$/],
    ['parent_span_id of 3 bytes', request(spanBody(len(4, bytesOf(1, 2, 3)))), /invalid parent_span_id: 8 bytes expected, got 3$/],
    [
      'link span_id of 4 bytes',
      request(spanBody(len(13, len(2, bytesOf(1, 2, 3, 4))))),
      /spans\[0\]\.links\[0\]: invalid span_id: 8 bytes expected, got 4$/,
    ],
    [
      'attribute value runs past its KeyValue',
      request(spanBody(len(9, str(1, 'k'), tag(2, 2), varint(40)))),
      /spans\[0\]\.attributes\[0\]: truncated length-delimited field$/,
    ],
  ];

  for (const [name, body, expected] of table) {
    it(name, () => {
      expect(errorOf(decodeTracesProtobuf(body))).toMatch(expected);
    });
  }

  it('names the exact path of a bad span deep in the request', () => {
    const good = spanBody();
    // span 3 of scope_spans[1] claims a 50-byte name inside a 3-byte remainder
    const bad = cat(spanBody(), tag(5, 2), varint(50), bytesOf(0x61, 0x62, 0x63));
    const body = len(1, len(2, len(2, good)), len(2, len(2, good), len(2, good), len(2, good), len(2, bad)));
    expect(errorOf(decodeTracesProtobuf(body))).toBe(
      'resource_spans[0].scope_spans[1].spans[3]: truncated length-delimited field',
    );
  });

  it('reports a field that runs past the end of its message', () => {
    // span body ends in the middle of a varint whose continuation lies in the next sibling's bytes
    const spanBytes = cat(spanBody(), tag(6, 0), bytesOf(0x80));
    const body = len(1, len(2, len(2, spanBytes), str(3, 'x')));
    expect(errorOf(decodeTracesProtobuf(body))).toBe('resource_spans[0].scope_spans[0].spans[0]: field runs past the end of its message');
  });

  it('accepts an empty body as a request with no spans (proto3: all fields default)', () => {
    expect(decodeTracesProtobuf(new Uint8Array(0))).toEqual({ ok: true, value: { resourceSpans: [] } });
  });

  it('skips unknown fields of every wire type, including nested groups', () => {
    const unknown = cat(
      u32(100, 300),
      tag(101, 1), new Uint8Array(8),
      len(102, bytesOf(1, 2, 3)),
      tag(103, 3), u32(1, 1), tag(104, 3), tag(104, 4), tag(103, 4),
      tag(105, 5), new Uint8Array(4),
    );
    const body = cat(unknown, len(1, unknown, len(1, unknown), len(2, unknown, len(2, spanBody(unknown, str(5, 'ok'))))));
    expect(firstSpan(decodeTracesProtobuf(body)).name).toBe('ok');
  });

  it('skips Resource.entity_refs (field 3, not modelled)', () => {
    const body = len(1, len(1, len(3, str(2, 'service'), str(3, 'service.name'))), len(2, len(2, spanBody())));
    const r = decodeTracesProtobuf(body);
    expect(r.ok && r.value.resourceSpans[0]!.resource).toEqual({ attributes: [], droppedAttributesCount: 0 });
  });

  it('allows 64 nested arrays and refuses 65', () => {
    expect(decodeTracesProtobuf(request(spanBody(len(9, nestedArrayAttribute(64))))).ok).toBe(true);
    expect(errorOf(decodeTracesProtobuf(request(spanBody(len(9, nestedArrayAttribute(65))))))).toBe(
      'resource_spans[0].scope_spans[0].spans[0].attributes[0]: attribute value nesting exceeds 64',
    );
  });

  it('honours a custom maxDepth', () => {
    const body = request(spanBody(len(9, nestedArrayAttribute(4))));
    expect(decodeTracesProtobuf(body, { maxDepth: 4 }).ok).toBe(true);
    expect(errorOf(decodeTracesProtobuf(body, { maxDepth: 3 }))).toMatch(/nesting exceeds 3$/);
  });

  it('survives 100 000 levels of nesting without touching the stack limit, even with a huge maxDepth', () => {
    const body = request(spanBody(len(9, nestedArrayAttribute(100_000))));
    expect(errorOf(decodeTracesProtobuf(body))).toMatch(/attribute value nesting exceeds 64$/);
    // A configured limit above what recursion can safely take is capped.
    expect(errorOf(decodeTracesProtobuf(body, { maxDepth: 1e9 }))).toMatch(/attribute value nesting exceeds 1000$/);
  });

  it('decodes invalid UTF-8 with U+FFFD instead of failing', () => {
    const body = request(spanBody(len(5, bytesOf(0x61, 0xff, 0xfe, 0x62, 0xc3))));
    expect(firstSpan(decodeTracesProtobuf(body)).name).toBe('a\ufffd\ufffdb\ufffd');
  });

  it('decodes 100 000 attributes in linear time', () => {
    const attrs: Uint8Array[] = [];
    for (let i = 0; i < 100_000; i++) attrs.push(len(9, str(1, `k${i}`), len(2, u32(3, i))));
    const body = len(1, len(2, len(2, catAll([spanBody(), ...attrs]))));
    // quadratic behaviour would not finish within the test's timeout; the work itself is counted in linearity.test.ts
    const span = firstSpan(decodeTracesProtobuf(body));
    expect(span.attributes).toHaveLength(100_000);
    expect(span.attributes[99_999]).toEqual({ key: 'k99999', value: { kind: 'int', value: 99_999n } });
  });

  it('last oneof member on the wire wins, and a repeated message field merges', () => {
    const body = request(spanBody(len(9, str(1, 'k'), len(2, str(1, 'first'), u32(3, 5))), len(15, str(2, 'm')), len(15, u32(3, 2))));
    const span = firstSpan(decodeTracesProtobuf(body));
    expect(span.attributes[0]!.value).toEqual({ kind: 'int', value: 5n });
    expect(span.status).toEqual({ message: 'm', code: 2 });
  });

  it('reads negative enums and int64 from 10-byte varints', () => {
    const body = request(spanBody(u32(6, -1), len(9, str(1, 'k'), len(2, cat(tag(3, 0), varint(-5n))))));
    const span = firstSpan(decodeTracesProtobuf(body));
    expect(span.kind).toBe(-1);
    expect(span.attributes[0]!.value).toEqual({ kind: 'int', value: -5n });
  });
});

describe('JSON decoder: error table', () => {
  const ids = '"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef"';
  const withSpan = (span: string) => `{"resourceSpans":[{"scopeSpans":[{"spans":[${span}]}]}]}`;
  const withAttr = (value: string) => withSpan(`{${ids},"attributes":[{"key":"k","value":${value}}]}`);

  const table: Array<[string, string, RegExp]> = [
    ['not JSON', '{"resourceSpans":', /^body is not valid JSON$/],
    ['empty body', '', /^body is not valid JSON$/],
    ['an array', '[]', /must be a JSON object/],
    ['a number', '1', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['a string', '"x"', /must be a JSON object/],
    ['resourceSpans not an array', '{"resourceSpans":{}}', /^resourceSpans: array expected$/],
    ['spans entry not an object', withSpan('7'), /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: span: object expected$/],
    ['traceId a number', withSpan('{"traceId":1,"spanId":"0123456789abcdef"}'), /spans\[0\]: invalid traceId: hex string expected$/],
    ['traceId bad hex', withSpan('{"traceId":"0123456789abcdef0123456789abcdeg","spanId":"0123456789abcdef"}'), /invalid traceId: not hex$/],
    ['traceId base64', withSpan('{"traceId":"ASNFZ4mrze8BI0VniavN7w==","spanId":"0123456789abcdef"}'), /invalid traceId: 32 hex digits expected, got 24$/],
    ['spanId too short', withSpan('{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123"}'), /invalid spanId: 16 hex digits expected, got 4$/],
    ['spanId missing', withSpan('{"traceId":"0123456789abcdef0123456789abcdef"}'), /invalid spanId: 16 hex digits expected, got 0$/],
    ['parentSpanId bad hex', withSpan(`{${ids},"parentSpanId":"zzzzzzzzzzzzzzzz"}`), /invalid parentSpanId: not hex$/],
    ['link traceId wrong length', withSpan(`{${ids},"links":[{"traceId":"00"}]}`), /spans\[0\]\.links\[0\]: invalid traceId: 32 hex digits expected, got 2$/],
    ['timestamp not an integer', withSpan(`{${ids},"startTimeUnixNano":1.5}`), /startTimeUnixNano: integer expected/],
    ['timestamp negative', withSpan(`{${ids},"startTimeUnixNano":"-1"}`), /startTimeUnixNano: integer string expected/],
    ['timestamp past 2^64', withSpan(`{${ids},"startTimeUnixNano":"18446744073709551616"}`), /out of range for uint64/],
    ['intValue past int64', withAttr('{"intValue":"9223372036854775808"}'), /attributes\[0\]: intValue: out of range for int64$/],
    ['intValue garbage string', withAttr('{"intValue":"12abc"}'), /intValue: integer string expected/],
    ['intValue a boolean', withAttr('{"intValue":true}'), /intValue: integer expected/],
    ['boolValue a string', withAttr('{"boolValue":"true"}'), /boolValue: boolean expected/],
    ['doubleValue garbage', withAttr('{"doubleValue":"fast"}'), /doubleValue: number expected/],
    ['bytesValue not base64', withAttr('{"bytesValue":"***"}'), /bytesValue: base64 string expected/],
    ['unknown kind name', withSpan(`{${ids},"kind":"SPAN_KIND_SIDEWAYS"}`), /kind: unknown enum value/],
    ['flags negative', withSpan(`{${ids},"flags":-1}`), /flags: unsigned 32-bit integer expected/],
    ['droppedAttributesCount past uint32', withSpan(`{${ids},"droppedAttributesCount":4294967296}`), /unsigned 32-bit/],
    ['attributes not an array', withSpan(`{${ids},"attributes":{}}`), /attributes: array expected/],
  ];

  for (const [name, body, expected] of table) {
    it(name, () => {
      expect(errorOf(decodeTracesJson(body))).toMatch(expected);
    });
  }

  const nested = (levels: number) => '{"arrayValue":{"values":['.repeat(levels) + '{}' + ']}}'.repeat(levels);

  it('allows 64 nested arrays/kvlists and refuses 65', () => {
    expect(decodeTracesJson(withAttr(nested(64))).ok).toBe(true);
    expect(errorOf(decodeTracesJson(withAttr(nested(65))))).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0]: attribute value nesting exceeds 64',
    );
    const kv = (levels: number) => '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels) + '{}' + '}]}}'.repeat(levels);
    expect(decodeTracesJson(withAttr(kv(64))).ok).toBe(true);
    expect(errorOf(decodeTracesJson(withAttr(kv(65))))).toMatch(/nesting exceeds 64$/);
  });

  it('survives 100 000 levels of nesting', () => {
    expect(errorOf(decodeTracesJson(withAttr(nested(100_000))))).toMatch(/nesting exceeds 64$/);
    expect(errorOf(decodeTracesJson(withAttr(nested(100_000)), { maxDepth: 1e9 }))).toMatch(/nesting exceeds 1000$/);
    // Deep nesting in an ignored unknown field is never walked.
    expect(decodeTracesJson(`{"unknown":${'['.repeat(100_000)}${']'.repeat(100_000)},"resourceSpans":[]}`).ok).toBe(true);
  });

  it('accepts 64-bit integers as strings or numbers', () => {
    const r = decodeTracesJson(
      withSpan(
        `{${ids},"startTimeUnixNano":1700000000000000000,"endTimeUnixNano":"18446744073709551615",` +
          `"attributes":[{"key":"n","value":{"intValue":42}},{"key":"s","value":{"intValue":"-9223372036854775808"}}]}`,
      ),
    );
    const span = firstSpan(r);
    expect(span.startTimeUnixNano).toBe(1700000000000000000n);
    expect(span.endTimeUnixNano).toBe(18446744073709551615n);
    expect(span.attributes.map((a) => a.value)).toEqual([
      { kind: 'int', value: 42n },
      { kind: 'int', value: -9223372036854775808n },
    ]);
  });

  it('accepts snake_case names, enum names, uppercase hex, null fields, and ignores unknown fields', () => {
    const r = decodeTracesJson(
      '{"resource_spans":[{"resource":null,"scope_spans":[{"scope":{"name":"s","future":1},"spans":[{' +
        '"trace_id":"0123456789ABCDEF0123456789ABCDEF","span_id":"0123456789ABCDEF","parent_span_id":"",' +
        '"kind":"SPAN_KIND_SERVER","status":{"code":"STATUS_CODE_ERROR","message":"m"},"name":null,' +
        '"start_time_unix_nano":"5","dropped_attributes_count":"3","somethingNew":{"deep":[1,2]},' +
        '"attributes":[{"key":"d","value":{"double_value":"-Infinity"}},{"key":"b","value":{"bytes_value":"AP8"}}]}]}]}]}',
    );
    const span = firstSpan(r);
    expect(span.traceId).toBe('0123456789abcdef0123456789abcdef');
    expect(span.spanId).toBe('0123456789abcdef');
    expect(span.kind).toBe(2);
    expect(span.status).toEqual({ code: 2, message: 'm' });
    expect(span.name).toBe('');
    expect(span.startTimeUnixNano).toBe(5n);
    expect(span.droppedAttributesCount).toBe(3);
    expect(span.attributes).toEqual([
      { key: 'd', value: { kind: 'double', value: -Infinity } },
      { key: 'b', value: { kind: 'bytes', value: new Uint8Array([0, 255]) } },
    ]);
  });

  it('decodes invalid UTF-8 in the body with U+FFFD instead of failing', () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    const body = cat(utf8(`{"resourceSpans":[{"scopeSpans":[{"spans":[{${ids},"name":"a`), bytesOf(0xff, 0xfe), utf8('b"}]}]}]}'));
    expect(firstSpan(decodeTracesJson(body)).name).toBe('a\ufffd\ufffdb');
  });

  it('strips a UTF-8 byte order mark', () => {
    expect(decodeTracesJson('\ufeff{"resourceSpans":[]}')).toEqual({ ok: true, value: { resourceSpans: [] } });
  });

  it('decodes 100 000 attributes in linear time', () => {
    const attrs = Array.from({ length: 100_000 }, (_, i) => `{"key":"k${i}","value":{"intValue":"${i}"}}`).join(',');
    const body = withSpan(`{${ids},"attributes":[${attrs}]}`);
    // quadratic behaviour would not finish within the test's timeout; the work itself is counted in linearity.test.ts
    const span = firstSpan(decodeTracesJson(body));
    expect(span.attributes).toHaveLength(100_000);
  });

  it('never quotes the payload in its errors', () => {
    const secret = 'sk_live_' + 'x'.repeat(24);
    expect(errorOf(decodeTracesJson(`{"resourceSpans":[{"x":"${secret}"`))).not.toContain(secret);
    expect(errorOf(decodeTracesJson(withAttr(`{"intValue":"${secret}"}`)))).not.toContain(secret);
  });
});
