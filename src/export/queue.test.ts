import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../test/support/fake-scheduler.js';
import { RecordingMetrics } from '../../test/support/recording-metrics.js';
import { hang, request, requestFor, ScriptedExporter, type Script } from '../../test/support/scripted-exporter.js';
import { ENTRY_OVERHEAD_BYTES, ExportQueue, resolveQueueOptions } from './queue.js';
import { newLogRecord } from '../otlp/logs-model.js';
import { emptyResource, emptyScope } from '../otlp/model.js';
import { CODECS } from '../otlp/signal.js';
import { resolveRetryOptions } from './retry.js';
import type { ExportItem } from './types.js';
import { genAiTraces } from '../../test/support/spans.js';
import { decodeTracesJson } from '../otlp/decode-json.js';
import { decodeTracesProtobuf } from '../otlp/decode-protobuf.js';

const bytes = (n: number) => new Uint8Array(n);
/** Room for 1000 bytes of bodies in up to three entries. */
const CAP = 1000 + 3 * ENTRY_OVERHEAD_BYTES;

function queue(script: Script, opts: { maxBytes?: number; numConsumers?: number; retry?: object; fake?: boolean } = {}) {
  const metrics = new RecordingMetrics();
  const exporter = new ScriptedExporter('otlphttp/a', script);
  const q = new ExportQueue(
    exporter,
    { retry: resolveRetryOptions({ initialIntervalMs: 10, maxIntervalMs: 10, ...opts.retry }), queue: resolveQueueOptions({ maxBytes: opts.maxBytes ?? CAP, numConsumers: opts.numConsumers ?? 1 }) },
    { metrics, ...(opts.fake ? { scheduler: new FakeScheduler() } : {}) },
  );
  return { q, metrics, exporter };
}

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('resolveQueueOptions', () => {
  it('fills defaults and refuses nonsense naming the key', () => {
    expect(resolveQueueOptions(undefined)).toEqual({ numConsumers: 4, maxBytes: 64 * 1024 * 1024, maxBatchBytes: 8 * 1024 * 1024, storage: '', fsync: true });
    expect(() => resolveQueueOptions({ maxBatchBytes: -1 })).toThrow(/max_batch_bytes/);
    expect(() => resolveQueueOptions({ numConsumers: 0 })).toThrow(/num_consumers/);
    expect(() => resolveQueueOptions({ maxBytes: 0 })).toThrow(/max_bytes/);
  });
});

describe('ExportQueue', () => {
  it('is bounded in bytes: refuses what does not fit, counting queued and in-flight bytes', async () => {
    const { q, metrics } = queue(hang);
    expect(q.tryEnqueue(request(1, bytes(400)))).toBe(true); // taken by the consumer, still counted
    expect(q.tryEnqueue(request(1, bytes(400)))).toBe(true);
    expect(q.hasRoom(200)).toBe(true);
    expect(q.hasRoom(201)).toBe(false);
    expect(q.tryEnqueue(request(1, bytes(400)))).toBe(false);
    expect(q.stats()).toEqual({ bytes: 800 + 2 * ENTRY_OVERHEAD_BYTES, items: 2, capacityBytes: CAP });
    expect(metrics.queues.get('otlphttp/a')?.()).toEqual({ bytes: 800 + 2 * ENTRY_OVERHEAD_BYTES, items: 2, capacityBytes: CAP });
    await q.drain(Date.now());
  });

  it('admits an item larger than the capacity only into an empty queue', async () => {
    const { q } = queue(hang);
    expect(q.tryEnqueue(request(1, bytes(5000)))).toBe(true);
    expect(q.tryEnqueue(request(1, bytes(1)))).toBe(false);
    await q.drain(Date.now());
  });

  it('exports in order and counts exported spans', async () => {
    const { q, metrics, exporter } = queue({ status: 'success' });
    for (let i = 1; i <= 5; i++) expect(q.tryEnqueue(request(i, bytes(10)))).toBe(true);
    await until(() => metrics.count(metrics.exported, 'otlphttp/a') === 15);
    expect(exporter.delivered.map((d) => d.records)).toEqual([1, 2, 3, 4, 5]);
    expect(q.stats()).toEqual({ bytes: 0, items: 0, capacityBytes: CAP });
  });

  it('runs up to num_consumers exports at once', async () => {
    const { q, exporter } = queue(hang, { numConsumers: 3 });
    for (let i = 0; i < 5; i++) q.tryEnqueue(request(1, bytes(10)));
    await until(() => exporter.calls.length === 3);
    await new Promise((r) => setTimeout(r, 20));
    expect(exporter.calls.length).toBe(3);
    await q.drain(Date.now());
  });

  it('counts a permanent failure with its reason and does not retry it', async () => {
    const { q, metrics, exporter } = queue({ status: 'failure', error: 'HTTP 400' });
    q.tryEnqueue(request(7, bytes(10)));
    await until(() => metrics.count(metrics.exportFailed, 'otlphttp/a|failure') === 7);
    expect(exporter.calls.length).toBe(1);
    expect(metrics.total(metrics.exported)).toBe(0);
  });

  it('counts spans a downstream rejected in a partial success as failed, the rest as exported', async () => {
    const { q, metrics, exporter } = queue({ status: 'success', rejectedSpans: 2 });
    q.tryEnqueue(request(5, bytes(10)));
    await until(() => metrics.count(metrics.exported, 'otlphttp/a') === 3);
    expect(metrics.count(metrics.exportFailed, 'otlphttp/a|failure')).toBe(2);
    expect(exporter.calls.length).toBe(1); // not retried, as the OTLP spec requires
  });

  it('counts spans whose retries ran out, and every retry', async () => {
    const { q, metrics, exporter } = queue({ status: 'retryable', error: 'HTTP 503' }, { fake: true, retry: { maxElapsedTimeMs: 35, randomizationFactor: 0 } });
    q.tryEnqueue(request(3, bytes(10)));
    await until(() => metrics.count(metrics.exportFailed, 'otlphttp/a|retries_exhausted') === 3);
    expect(exporter.calls.length).toBe(4); // sleeps 10, 10, 10; a fourth would cross 35 ms
    expect(metrics.count(metrics.retries, 'otlphttp/a')).toBe(3);
  });

  it('a dead exporter does not block another queue', async () => {
    const dead = queue(hang);
    const live = queue({ status: 'success' });
    for (let i = 0; i < 3; i++) {
      dead.q.tryEnqueue(request(1, bytes(100)));
      live.q.tryEnqueue(request(1, bytes(100)));
    }
    await until(() => live.metrics.count(live.metrics.exported, 'otlphttp/a') === 3);
    expect(dead.metrics.total(dead.metrics.exported)).toBe(0);
    await dead.q.drain(Date.now());
  });

  describe('drain', () => {
    it('refuses new items and lets queued ones finish before the deadline', async () => {
      const { q, metrics } = queue(async () => {
        await new Promise((r) => setTimeout(r, 5));
        return { status: 'success' };
      });
      for (let i = 0; i < 4; i++) q.tryEnqueue(request(2, bytes(10)));
      const drained = q.drain(Date.now() + 5000);
      expect(q.tryEnqueue(request(1, bytes(1)))).toBe(false);
      expect(q.hasRoom(0)).toBe(false);
      await drained;
      expect(metrics.count(metrics.exported, 'otlphttp/a')).toBe(8);
      expect(metrics.total(metrics.exportFailed)).toBe(0);
    });

    it('at the deadline aborts in-flight work and counts in-flight and queued spans as shutdown', async () => {
      const { q, metrics } = queue(hang, { numConsumers: 1 });
      q.tryEnqueue(request(2, bytes(10))); // in flight
      q.tryEnqueue(request(3, bytes(10))); // queued
      q.tryEnqueue(request(4, bytes(10))); // queued
      const started = Date.now();
      await q.drain(Date.now() + 50);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(metrics.count(metrics.exportFailed, 'otlphttp/a|shutdown')).toBe(9);
      expect(q.stats()).toEqual({ bytes: 0, items: 0, capacityBytes: CAP });
    });

    it('ends a retry backoff at the deadline instead of sleeping through it', async () => {
      const { q, metrics } = queue({ status: 'retryable', error: 'HTTP 503' }, { retry: { initialIntervalMs: 60_000, maxIntervalMs: 60_000, maxElapsedTimeMs: 0 } });
      q.tryEnqueue(request(5, bytes(10)));
      await until(() => q.stats().items === 1);
      await q.drain(Date.now() + 30);
      expect(metrics.count(metrics.exportFailed, 'otlphttp/a|shutdown')).toBe(5);
    });

    it('does not let an exporter that ignores its abort signal hold shutdown, and counts its spans once', async () => {
      let release: (() => void) | undefined;
      const metrics = new RecordingMetrics();
      const stubborn = new ScriptedExporter('file/stuck', () => new Promise((resolve) => (release = () => resolve({ status: 'success' }))));
      const q = new ExportQueue(stubborn, { retry: resolveRetryOptions(undefined), queue: resolveQueueOptions({ numConsumers: 1 }) }, { metrics, abortGraceMs: 20 });
      q.tryEnqueue(request(3, bytes(10)));
      q.tryEnqueue(request(4, bytes(10)));
      await until(() => release !== undefined);
      const started = Date.now();
      await q.drain(Date.now() + 20);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(metrics.count(metrics.exportFailed, 'file/stuck|shutdown')).toBe(7);
      expect(q.stats().items).toBe(0);
      release!(); // the late success is not counted a second time
      await new Promise((r) => setTimeout(r, 10));
      expect(metrics.total(metrics.exported)).toBe(0);
      expect(q.stats()).toEqual({ bytes: 0, items: 0, capacityBytes: 64 * 1024 * 1024 });
    });

    it('shutdown drains with no grace and shuts the exporter down', async () => {
      const { q, metrics, exporter } = queue(hang);
      q.tryEnqueue(request(1, bytes(10)));
      await q.shutdown();
      expect(exporter.shutdownCalled).toBe(true);
      expect(metrics.count(metrics.exportFailed, 'otlphttp/a|shutdown')).toBe(1);
    });
  });
});

describe('ExportQueue batching', () => {
  const spansOf = (tenant: string, names: string[]): ExportItem => ({
    signal: 'traces',
    class: 'tenant-only',
    tenant,
    spanCount: names.length,
    data: genAiTracesNamed(tenant, names),
  });
  function genAiTracesNamed(tenant: string, names: string[]) {
    const data = genAiTraces(names.length, tenant);
    data.resourceSpans[0]!.scopeSpans[0]!.spans.forEach((s, i) => (s.name = names[i]!));
    return data;
  }
  const spanNames = (body: Uint8Array, encoding: 'protobuf' | 'json'): string[] => {
    const r = encoding === 'protobuf' ? decodeTracesProtobuf(body) : decodeTracesJson(body);
    if (!r.ok) throw new Error(r.error);
    return r.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)));
  };

  it.each([
    ['protobuf', 'none'],
    ['json', 'none'],
    ['protobuf', 'gzip'],
    ['json', 'gzip'],
  ] as const)('merges %s/%s items queued for the same tenant into one request, in order, without compressing again', async (encoding, compression) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const metrics = new RecordingMetrics();
    const exporter = new ScriptedExporter('otlphttp/a', async (call) => {
      if (call === 1) await gate; // keep the consumer busy while the rest queues up
      return { status: 'success' };
    }, encoding, 100, compression);
    exporter.encode = (i: ExportItem) => CODECS[i.signal].encode(i.data as never, encoding);
    const q = new ExportQueue(exporter, { retry: resolveRetryOptions({}), queue: resolveQueueOptions({ numConsumers: 1 }) }, { metrics });
    const items = [spansOf('acme', ['a0']), spansOf('acme', ['a1', 'a2']), spansOf('globex', ['g0']), spansOf('acme', ['a3'])];
    for (const it of items) q.admit(await requestFor(exporter, it));
    release();
    await until(() => q.stats().items === 0);

    expect(exporter.calls).toHaveLength(3);
    const plain = (body: Uint8Array) => (compression === 'gzip' ? new Uint8Array(gunzipSync(body)) : body);
    expect(spanNames(plain(exporter.calls[0]!.body), encoding)).toEqual(['a0']);
    // Everything waiting for acme went together, the globex item in between was left for its own request.
    expect(exporter.calls[1]).toMatchObject({ tenant: 'acme', records: 3, compression });
    expect(spanNames(plain(exporter.calls[1]!.body), encoding)).toEqual(['a1', 'a2', 'a3']);
    expect(exporter.calls[2]).toMatchObject({ tenant: 'globex', records: 1 });
    expect(metrics.exported.get('otlphttp/a')).toBe(5);
    await q.drain(Date.now());
  });

  it.each([
    ['protobuf', 'none'],
    ['json', 'gzip'],
  ] as const)('merges %s/%s log requests with log requests only, never with spans of the same tenant', async (encoding, compression) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const metrics = new RecordingMetrics();
    const exporter = new ScriptedExporter('otlphttp/a', async (call) => {
      if (call === 1) await gate;
      return { status: 'success' };
    }, encoding, 100, compression);
    exporter.encode = (i: ExportItem) => CODECS[i.signal].encode(i.data as never, encoding);
    const logsOf = (names: string[]): ExportItem => ({
      signal: 'logs',
      class: 'tenant-only',
      tenant: 'acme',
      spanCount: names.length,
      data: { resourceLogs: [{ resource: emptyResource(), schemaUrl: '', scopeLogs: [{ scope: emptyScope(), schemaUrl: '', logRecords: names.map((eventName) => newLogRecord({ eventName })) }] }] },
    });
    const q = new ExportQueue(exporter, { retry: resolveRetryOptions({}), queue: resolveQueueOptions({ numConsumers: 1 }) }, { metrics });
    const items = [spansOf('acme', ['s0']), logsOf(['l0']), spansOf('acme', ['s1']), logsOf(['l1', 'l2'])];
    for (const it of items) q.admit(await requestFor(exporter, it));
    release();
    await until(() => q.stats().items === 0);

    expect(exporter.calls.map((c) => [c.signal, c.records])).toEqual([['traces', 1], ['logs', 3], ['traces', 1]]);
    expect(exporter.calls[1]!.target).toBe('scripted://acme/logs');
    const plain = (body: Uint8Array) => (compression === 'gzip' ? new Uint8Array(gunzipSync(body)) : body);
    const merged = CODECS.logs.decode(plain(exporter.calls[1]!.body), encoding);
    expect(merged.ok && merged.value.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => r.eventName)))).toEqual(['l0', 'l1', 'l2']);
    expect(metrics.exported.get('otlphttp/a')).toBe(2);
    expect(metrics.exported.get('logs:otlphttp/a')).toBe(3);
    await q.drain(Date.now());
  });

  it('stops a batch at max_batch_bytes and never merges when it is 0', async () => {
    for (const [maxBatchBytes, calls] of [[0, 4], [2, 3]] as const) {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const exporter = new ScriptedExporter('otlphttp/a', async (call) => {
        if (call === 1) await gate;
        return { status: 'success' };
      }, 'protobuf');
      const q = new ExportQueue(exporter, { retry: resolveRetryOptions({}), queue: resolveQueueOptions({ numConsumers: 1, maxBatchBytes }) }, { metrics: new RecordingMetrics() });
      for (let i = 0; i < 4; i++) q.admit(request(1, new Uint8Array([8 + i]), { encoding: 'protobuf' }));
      release();
      await until(() => q.stats().items === 0);
      expect(exporter.calls, `max_batch_bytes ${maxBatchBytes}`).toHaveLength(calls);
      await q.drain(Date.now());
    }
  });

  it('counts a merged request\'s outcome against every entry: retried together, failures and partial rejections exact', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const metrics = new RecordingMetrics();
    const exporter = new ScriptedExporter('otlphttp/a', async (call) => {
      if (call === 1) {
        await gate;
        return { status: 'success' };
      }
      return { status: 'success', rejectedSpans: 3 };
    }, 'protobuf');
    const q = new ExportQueue(exporter, { retry: resolveRetryOptions({}), queue: resolveQueueOptions({ numConsumers: 1 }) }, { metrics });
    q.admit(request(1, new Uint8Array([1]), { encoding: 'protobuf' }));
    q.admit(request(2, new Uint8Array([2]), { encoding: 'protobuf' }));
    q.admit(request(2, new Uint8Array([3]), { encoding: 'protobuf' }));
    release();
    await until(() => q.stats().items === 0);
    expect(exporter.calls).toHaveLength(2);
    expect(metrics.exported.get('otlphttp/a')).toBe(2);
    expect(metrics.exportFailed.get('otlphttp/a|failure')).toBe(3);
    await q.drain(Date.now());
  });
});
