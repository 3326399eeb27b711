/**
 * ExportTraceServiceResponse in both encodings (trace_service.proto; OTLP spec "Full Success" and
 * "Partial Success"), checked against protobufjs with the spec schema too.
 */
import { describe, expect, it } from 'vitest';
import { ResponseType } from '../../test/proto/pbjs.js';
import { decodeResponse, encodeResponse } from './response.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('export response', () => {
  it('full success is zero bytes in protobuf and {} in JSON', () => {
    expect(encodeResponse({}, 'protobuf')).toHaveLength(0);
    expect(text(encodeResponse({}, 'json'))).toBe('{}');
    expect(decodeResponse(new Uint8Array(0), 'protobuf')).toEqual({});
    expect(decodeResponse(new TextEncoder().encode('{}'), 'json')).toEqual({});
    expect(decodeResponse(new Uint8Array(0), 'json')).toEqual({});
  });

  it('partial success in JSON: rejectedSpans as an int64 string, errorMessage escaped', () => {
    const resp = { partialSuccess: { rejectedSpans: 3n, errorMessage: 'tenant "x" mismatch' } };
    const body = encodeResponse(resp, 'json');
    expect(text(body)).toBe('{"partialSuccess":{"rejectedSpans":"3","errorMessage":"tenant \\"x\\" mismatch"}}');
    expect(decodeResponse(body, 'json')).toEqual(resp);
  });

  it('partial success round-trips in protobuf, including int64 extremes', () => {
    for (const rejectedSpans of [0n, 1n, 300n, 9223372036854775807n, -1n]) {
      const resp = { partialSuccess: { rejectedSpans, errorMessage: rejectedSpans === 0n ? 'warning only' : 'rejected ✓' } };
      expect(decodeResponse(encodeResponse(resp, 'protobuf'), 'protobuf')).toEqual(resp);
      expect(decodeResponse(encodeResponse(resp, 'json'), 'json')).toEqual(resp);
    }
  });

  it('an empty partial_success (set but all defaults) survives both encodings', () => {
    const resp = { partialSuccess: { rejectedSpans: 0n, errorMessage: '' } };
    expect(text(encodeResponse(resp, 'json'))).toBe('{"partialSuccess":{}}');
    expect(decodeResponse(encodeResponse(resp, 'protobuf'), 'protobuf')).toEqual(resp);
    expect(decodeResponse(encodeResponse(resp, 'json'), 'json')).toEqual(resp);
  });

  it('agrees with protobufjs in both directions', () => {
    const ours = encodeResponse({ partialSuccess: { rejectedSpans: 42n, errorMessage: 'no' } }, 'protobuf');
    const theirs = ResponseType.toObject(ResponseType.decode(ours), { longs: String });
    expect(theirs).toEqual({ partialSuccess: { rejectedSpans: '42', errorMessage: 'no' } });
    const encoded = ResponseType.encode(ResponseType.fromObject({ partialSuccess: { rejectedSpans: '7', errorMessage: 'e' } })).finish();
    expect(decodeResponse(encoded, 'protobuf')).toEqual({ partialSuccess: { rejectedSpans: 7n, errorMessage: 'e' } });
  });

  it('reads numbers and snake_case from other servers, and returns undefined for garbage', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(decodeResponse(enc('{"partial_success":{"rejected_spans":2}}'), 'json')).toEqual({ partialSuccess: { rejectedSpans: 2n, errorMessage: '' } });
    expect(decodeResponse(enc('<html>'), 'json')).toBeUndefined();
    expect(decodeResponse(enc('[1]'), 'json')).toBeUndefined();
    expect(decodeResponse(enc('{"partialSuccess":{"rejectedSpans":"x"}}'), 'json')).toBeUndefined();
    expect(decodeResponse(new Uint8Array([0x0a, 0x05, 0x08]), 'protobuf')).toBeUndefined();
    expect(decodeResponse(new Uint8Array([0x0a, 0x02, 0x0a, 0x00]), 'protobuf')).toBeUndefined(); // rejected_spans sent length-delimited
  });
});
