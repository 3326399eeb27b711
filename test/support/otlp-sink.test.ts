/** The sink is a test instrument: these pin the behaviours other tests rely on. */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../../src/otlp/encode-json.js';
import { encodeTracesProtobuf } from '../../src/otlp/encode-protobuf.js';
import { startOtlpSink, type OtlpSink } from './otlp-sink.js';
import { genAiTraces } from './spans.js';

let sink: OtlpSink;
afterEach(() => sink.close());

const post = (body: Uint8Array | string, headers: Record<string, string>) =>
  fetch(`${sink.url}/v1/traces`, { method: 'POST', body, headers });

describe('startOtlpSink', () => {
  it('decodes protobuf, JSON and gzip bodies and records them', async () => {
    sink = await startOtlpSink();
    const data = genAiTraces(3);
    expect((await post(encodeTracesProtobuf(data), { 'content-type': 'application/x-protobuf' })).status).toBe(200);
    expect((await post(gzipSync(encodeTracesJson(data)), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(200);
    expect(sink.received.map((r) => [r.encoding, r.gzip, r.spanCount, r.status])).toEqual([
      ['protobuf', false, 3, 200],
      ['json', true, 3, 200],
    ]);
    expect(sink.received[1]!.data).toEqual(data);
    expect(sink.spans()).toHaveLength(6);
  });

  it('answers 400 to undecodable bodies and 415 to unknown types', async () => {
    sink = await startOtlpSink();
    expect((await post('{not json', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(sink.spans()).toHaveLength(0);
  });

  it('answers a scripted status N times with Retry-After, then 200', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'status', status: 503, retryAfter: '7', times: 2 } });
    const body = encodeTracesProtobuf(genAiTraces(1));
    const h = { 'content-type': 'application/x-protobuf' };
    const a = await post(body, h);
    const b = await post(body, h);
    const c = await post(body, h);
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(sink.accepted()).toHaveLength(1);
    expect(sink.spans()).toHaveLength(1);
  });

  it('answers a scripted status for a while, then 200', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'status', status: 502, forMs: 50 } });
    const body = encodeTracesProtobuf(genAiTraces(1));
    expect((await post(body, { 'content-type': 'application/x-protobuf' })).status).toBe(502);
    await new Promise((r) => setTimeout(r, 60));
    expect((await post(body, { 'content-type': 'application/x-protobuf' })).status).toBe(200);
  });

  it('waitForSpans resolves on arrival and rejects on timeout', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'delay', ms: 20 } });
    const pending = sink.waitForSpans(2, 2000);
    void post(encodeTracesProtobuf(genAiTraces(2)), { 'content-type': 'application/x-protobuf' });
    await pending;
    await expect(sink.waitForSpans(10, 30)).rejects.toThrow(/2 of 10 spans/);
  });

  it('close cuts hung requests and leaves the port dead', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'hang' } });
    const hung = post(encodeTracesProtobuf(genAiTraces(1)), { 'content-type': 'application/x-protobuf' }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 30));
    await sink.close();
    expect(await hung).toBeInstanceOf(Error);
    await expect(post('x', { 'content-type': 'application/json' })).rejects.toThrow();
  });
});
