import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RecordingMetrics } from '../../test/support/recording-metrics.js';
import { hang, ScriptedExporter, type Script } from '../../test/support/scripted-exporter.js';
import type { Encoding } from '../otlp/codec.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';
import { decodeTraces } from '../otlp/index.js';
import { encodeOutputs, type EncodedOutput } from './encode-output.js';
import { formatKey, makeBody, makeBodySync } from './request-body.js';
import { ENTRY_OVERHEAD_BYTES, ExportQueue, resolveQueueOptions } from './queue.js';
import { resolveRetryOptions } from './retry.js';
import { Router } from './router.js';

/** An output as the policy step hands it over, encoded: 100 bytes per span in either encoding. */
const out = (cls: ExportClass, count: number, tenant: string | undefined = 'acme'): EncodedOutput => ({
  signal: 'traces',
  class: cls,
  tenant,
  count,
  bodies: { json: new Uint8Array(count * 100), protobuf: new Uint8Array(count * 100) },
});

interface Spec {
  id: string;
  script?: Script;
  encoding?: Encoding;
  compression?: 'gzip' | 'none';
  maxBytes?: number;
}

function setup(specs: Spec[], routes: Partial<Record<ExportClass, string[]>>) {
  const metrics = new RecordingMetrics();
  const exporters = new Map<string, ScriptedExporter>();
  const queues = specs.map((s) => {
    const e = new ScriptedExporter(s.id, s.script ?? { status: 'success' }, s.encoding ?? 'json', 100, s.compression ?? 'none');
    exporters.set(s.id, e);
    return new ExportQueue(
      e,
      { retry: resolveRetryOptions({ initialIntervalMs: 5, maxIntervalMs: 5, maxElapsedTimeMs: 0 }), queue: resolveQueueOptions({ maxBytes: s.maxBytes ?? 10_000, numConsumers: 2 }) },
      { metrics },
    );
  });
  const router = new Router(queues, { traces: routes }, { metrics });
  return { router, metrics, exporters, queues, ex: (id: string) => exporters.get(id)! };
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('Router', () => {
  it('sends each class to its own exporters and counts what it routed', async () => {
    const { router, metrics, ex } = setup([{ id: 'otlphttp/broad' }, { id: 'otlphttp/tenant' }, { id: 'file/eval' }], {
      'broad-use': ['otlphttp/broad'],
      'tenant-only': ['otlphttp/tenant'],
      'eval-only': ['file/eval'],
    });
    const r = await router.admit([out('broad-use', 2), out('tenant-only', 3, 'globex'), out('eval-only', 1)]);
    expect(r).toEqual({ status: 'accepted', routed: 6, noRoute: 0 });
    await until(() => metrics.total(metrics.exported) === 6);
    expect(ex('otlphttp/broad').delivered.map((i) => i.class)).toEqual(['broad-use']);
    expect(ex('otlphttp/tenant').delivered).toMatchObject([{ class: 'tenant-only', tenant: 'globex', records: 3 }]);
    expect(ex('file/eval').delivered.map((i) => i.class)).toEqual(['eval-only']);
    expect(metrics.count(metrics.routed, 'tenant-only|otlphttp/tenant')).toBe(3);
    await router.shutdown();
  });

  it('encodes each output once per encoding, compresses once per format and shares the bytes', async () => {
    const { router, ex } = setup(
      [
        { id: 'otlphttp/a', encoding: 'json' },
        { id: 'file/b', encoding: 'json' },
        { id: 'otlphttp/c', encoding: 'protobuf' },
        { id: 'otlphttp/d', encoding: 'protobuf', compression: 'gzip' },
        { id: 'otlphttp/e', encoding: 'protobuf', compression: 'gzip' },
      ],
      { 'broad-use': ['otlphttp/a', 'file/b', 'otlphttp/c', 'otlphttp/d', 'otlphttp/e'] },
    );
    await router.admit([out('broad-use', 1)], { policyVersion: 'v7' });
    await until(() => ['otlphttp/a', 'file/b', 'otlphttp/c', 'otlphttp/d', 'otlphttp/e'].every((id) => ex(id).calls.length === 1));
    expect(ex('otlphttp/a').calls[0]!.body).toBe(ex('file/b').calls[0]!.body);
    // Compressed once at admission for both gzip exporters: the very same bytes, a gzip stream.
    const gz = ex('otlphttp/d').calls[0]!;
    expect(gz.body).toBe(ex('otlphttp/e').calls[0]!.body);
    expect(gz.compression).toBe('gzip');
    expect([gz.body[0], gz.body[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(gz.body)).toEqual(Buffer.from(ex('otlphttp/c').calls[0]!.body));
    expect(gz.policyVersion).toBe('v7');
    await router.shutdown();
  });

  it('exports a class with no route nowhere and counts it as discarded (no_route)', async () => {
    const { router, metrics, ex } = setup([{ id: 'otlphttp/broad' }], { 'broad-use': ['otlphttp/broad'], 'eval-only': [] });
    expect(await router.admit([out('broad-use', 1), out('tenant-only', 4), out('eval-only', 2)])).toEqual({ status: 'accepted', routed: 1, noRoute: 6 });
    expect(metrics.count(metrics.discarded, 'no_route')).toBe(6);
    await until(() => metrics.total(metrics.exported) === 1);
    expect(ex('otlphttp/broad').delivered).toHaveLength(1);
    await router.shutdown();
  });

  it('refuses unknown exporter ids in routes, naming the key', () => {
    expect(() => setup([{ id: 'otlphttp/a' }], { 'eval-only': ['file/nope'] })).toThrow(/routes\.eval-only: unknown exporter 'file\/nope'/);
  });

  it('admission is atomic: one full queue means nothing is enqueued anywhere', async () => {
    // 'slow' holds one item in flight forever (100 bytes + the entry overhead), leaving room for 800 bytes.
    const { router, metrics, ex, queues } = setup(
      [{ id: 'otlphttp/fast' }, { id: 'otlphttp/slow', script: hang, maxBytes: 100 + ENTRY_OVERHEAD_BYTES + 800 }],
      { 'broad-use': ['otlphttp/fast', 'otlphttp/slow'], 'eval-only': ['otlphttp/fast'] },
    );
    expect((await await router.admit([out('broad-use', 1)])).status).toBe('accepted');
    await until(() => ex('otlphttp/fast').delivered.length === 1);
    const before = queues.map((q) => q.stats());

    // Two outputs to the same queue: 300 + 200 bytes (each with its overhead) do not fit in the 800 left, though each would.
    const r = await router.admit([out('eval-only', 5), out('broad-use', 3), out('broad-use', 2)]);
    expect(r).toEqual({ status: 'unavailable', retryAfterSeconds: 1, exporter: 'otlphttp/slow' });
    expect(queues.map((q) => q.stats())).toEqual(before);
    await new Promise((res) => setTimeout(res, 20));
    expect(ex('otlphttp/fast').delivered).toHaveLength(1); // the eval-only output was not sent either
    expect(metrics.count(metrics.refusedQueueFull, 'otlphttp/slow')).toBe(5);
    expect(metrics.count(metrics.discarded, 'no_route')).toBe(0);

    expect(await router.admit([out('broad-use', 4)])).toEqual({ status: 'accepted', routed: 4, noRoute: 0 });
    await router.drain(Date.now() + 20);
  });

  it('a downstream answering 503 for a while loses nothing once it recovers', async () => {
    let down = true;
    const { router, metrics, ex } = setup(
      [{ id: 'otlphttp/flaky', script: () => (down ? { status: 'retryable', error: 'HTTP 503', retryAfterMs: 5 } : { status: 'success' }), maxBytes: 1_000 }],
      { 'tenant-only': ['otlphttp/flaky'] },
    );
    // A client that resends while told to retry, as OTLP exporters do.
    let sent = 0;
    let refusals = 0;
    const client = (async () => {
      for (let i = 0; i < 30; i++) {
        while ((await await router.admit([out('tenant-only', 1, `t${i}`)])).status !== 'accepted') {
          refusals++;
          await new Promise((r) => setTimeout(r, 2));
        }
        sent++;
      }
    })();
    await until(() => refusals > 0); // the queue filled while the downstream was down
    down = false;
    await client;
    await until(() => metrics.count(metrics.exported, 'otlphttp/flaky') === 30);
    expect(new Set(ex('otlphttp/flaky').delivered.map((i) => i.tenant)).size).toBe(30);
    expect(metrics.total(metrics.exportFailed)).toBe(0);
    expect(sent).toBe(30);
    await router.shutdown();
  });

  it('after drain refuses new requests and counts what could not be sent', async () => {
    const { router, metrics } = setup([{ id: 'otlphttp/dead', script: hang }], { 'broad-use': ['otlphttp/dead'] });
    await router.admit([out('broad-use', 2)]);
    await router.admit([out('broad-use', 3)]);
    await router.drain(Date.now() + 30);
    expect(await router.admit([out('broad-use', 1)])).toMatchObject({ status: 'unavailable', exporter: 'otlphttp/dead' });
    expect(metrics.count(metrics.exportFailed, 'otlphttp/dead|shutdown')).toBe(5);
    await router.shutdown();
  });

  it('counts spans it cannot encode as failed instead of throwing', async () => {
    const { router, metrics, ex } = setup([{ id: 'otlphttp/a' }, { id: 'otlphttp/b', encoding: 'protobuf' }], { 'broad-use': ['otlphttp/a', 'otlphttp/b'] });
    const unencodable: EncodedOutput = { ...out('broad-use', 2), bodies: { json: new Uint8Array(200) }, failed: { protobuf: 'RangeError' } };
    expect(await router.admit([unencodable])).toEqual({ status: 'accepted', routed: 2, noRoute: 0 });
    expect(metrics.count(metrics.exportFailed, 'otlphttp/b|failure')).toBe(2);
    await until(() => metrics.count(metrics.exported, 'otlphttp/a') === 2);
    await router.shutdown();
  });

  it('route encodes each output in the encodings its exporters want (encode-output.ts), then admits', async () => {
    const { router, ex } = setup([{ id: 'otlphttp/j', encoding: 'json' }, { id: 'otlphttp/p', encoding: 'protobuf' }], { 'broad-use': ['otlphttp/j'], 'eval-only': ['otlphttp/p'] });
    expect(router.encodingPlan()).toEqual({ traces: { 'broad-use': ['json'], 'eval-only': ['protobuf'] } });
    const data = { resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, scopeSpans: [], schemaUrl: '' }] };
    const model = (cls: ExportClass): ClassOutput => ({ signal: 'traces', class: cls, tenant: 'acme', data, count: 1 });
    expect(await router.route([model('broad-use'), model('eval-only')])).toEqual({ status: 'accepted', routed: 2, noRoute: 0 });
    await until(() => ex('otlphttp/j').calls.length === 1 && ex('otlphttp/p').calls.length === 1);
    for (const [id, enc] of [['otlphttp/j', 'json'], ['otlphttp/p', 'protobuf']] as const) {
      const sent = decodeTraces(ex(id).calls[0]!.body, enc);
      expect(sent.ok && sent.value.resourceSpans).toHaveLength(1);
    }
    await router.shutdown();
  });

  it('compressionPlan: a policy worker compresses per gzip format (the same bytes as here); admit sends them as they are', async () => {
    const { router, ex } = setup(
      [
        { id: 'otlphttp/j', encoding: 'json', compression: 'gzip' },
        { id: 'otlphttp/p', encoding: 'protobuf', compression: 'gzip' },
        { id: 'otlphttp/q', encoding: 'protobuf', compression: 'gzip' },
        { id: 'file/raw', encoding: 'protobuf' },
      ],
      { 'broad-use': ['otlphttp/j', 'otlphttp/p', 'otlphttp/q', 'file/raw'] },
    );
    const gz = (encoding: Encoding) => ({ encoding, compression: 'gzip', compressionLevel: 1 }) as const;
    // One entry per distinct compressed format; uncompressed ones are left out.
    expect(router.compressionPlan()).toEqual({ traces: { 'broad-use': [gz('json'), gz('protobuf')] } });
    const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'chat' };
    const data = decodeTraces(new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })), 'json');
    if (!data.ok) throw new Error(data.error);
    const [encoded] = encodeOutputs([{ signal: 'traces', class: 'broad-use', tenant: 'acme', data: data.value, count: 1 }], router.encodingPlan(), router.compressionPlan());
    // Made in the worker's way (gzipSync), byte for byte what the router makes (gzip on libuv's pool).
    for (const enc of ['json', 'protobuf'] as const) {
      const made = encoded!.made![formatKey(gz(enc))]!;
      expect(made).toEqual(makeBodySync(encoded!.bodies[enc]!, gz(enc)));
      expect(made).toEqual(await makeBody(encoded!.bodies[enc]!, gz(enc)));
    }
    await router.admit([encoded!], { policyVersion: 'v1' });
    await until(() => ['otlphttp/j', 'otlphttp/p', 'otlphttp/q', 'file/raw'].every((id) => ex(id).calls.length === 1));
    // The worker's bytes themselves are queued: nothing compressed again on this thread.
    expect(ex('otlphttp/j').calls[0]!.body).toBe(encoded!.made![formatKey(gz('json'))]!.body);
    expect(ex('otlphttp/p').calls[0]!.body).toBe(encoded!.made![formatKey(gz('protobuf'))]!.body);
    expect(ex('otlphttp/q').calls[0]!.body).toBe(ex('otlphttp/p').calls[0]!.body);
    expect(ex('file/raw').calls[0]!.body).toBe(encoded!.bodies.protobuf);
    const json = ex('otlphttp/j').calls[0]!;
    expect(json.jsonHead).toBeGreaterThan(0);
    expect(decodeTraces(gunzipSync(json.body), 'json').ok).toBe(true);
    await router.shutdown();
  });
});
