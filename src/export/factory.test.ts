/**
 * The export side assembled as the gateway assembles it, against real OTLP sinks and real files.
 */
import { AssertionError } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../../test/support/otlp-sink.js';
import { RecordingMetrics } from '../../test/support/recording-metrics.js';
import { genAiTraces } from '../../test/support/spans.js';
import { decodeTracesJson } from '../otlp/decode-json.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';
import { createExporter, createRouter } from './factory.js';
import type { RetryOptions } from './options.js';
import type { Router } from './router.js';

const fast: RetryOptions = { initialIntervalMs: 10, maxIntervalMs: 20, maxElapsedTimeMs: 10_000 };
const out = (cls: ExportClass, n: number, tenant = 'acme', traceNo = 1): ClassOutput => ({ signal: 'traces', class: cls, tenant, data: genAiTraces(n, tenant, traceNo), count: n });

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

const sinks: OtlpSink[] = [];
const routers: Router[] = [];
let dir: string | undefined;
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.shutdown()));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const sink = async (...a: Parameters<typeof startOtlpSink>) => {
  const s = await startOtlpSink(...a);
  sinks.push(s);
  return s;
};
const keep = (r: Router): Router => {
  routers.push(r);
  return r;
};

describe('createRouter', () => {
  it('routes each class to its exporters: OTLP/HTTP per tenant, and a JSONL file', async () => {
    const broad = await sink();
    const tenant = await sink();
    dir = mkdtempSync(join(tmpdir(), 'loopgate-factory-'));
    const metrics = new RecordingMetrics();
    const router = keep(
      createRouter({
        exporters: {
          'otlphttp/broad': { type: 'otlphttp', endpoint: broad.url, retry: fast },
          'otlphttp/tenant': { type: 'otlphttp', endpoint: `${tenant.url}/{tenant}`, encoding: 'json', retry: fast },
          'file/eval': { type: 'file', path: join(dir, 'eval-only.jsonl'), retry: fast },
        },
        routes: { traces: { 'broad-use': ['otlphttp/broad'], 'tenant-only': ['otlphttp/tenant'], 'eval-only': ['file/eval', 'otlphttp/broad'] } },
        metrics,
      }),
    );
    const r = await router.route([out('broad-use', 2), out('tenant-only', 3, 'globex'), out('eval-only', 1)]);
    expect(r).toEqual({ status: 'accepted', routed: 6, noRoute: 0 });
    await broad.waitForSpans(3);
    await tenant.waitForSpans(3);
    expect(tenant.received.map((q) => q.path)).toEqual(['/globex/v1/traces']);
    await router.drain(Date.now() + 2000);
    const line = readFileSync(join(dir, 'eval-only.jsonl'), 'utf8').trimEnd();
    expect(decodeTracesJson(line)).toMatchObject({ ok: true });
    expect(metrics.count(metrics.exported, 'file/eval')).toBe(1);
    expect(metrics.total(metrics.exported)).toBe(7);
    expect(metrics.total(metrics.exportFailed)).toBe(0);
  });

  it('loses nothing while a downstream answers 503 for a while, then recovers', async () => {
    const flaky = await sink({ behavior: { kind: 'status', status: 503, retryAfter: '0', times: 5 } });
    const metrics = new RecordingMetrics();
    const router = keep(createRouter({ exporters: { 'otlphttp/flaky': { type: 'otlphttp', endpoint: flaky.url, retry: fast } }, routes: { traces: { 'broad-use': ['otlphttp/flaky'] } }, metrics }));
    for (let i = 1; i <= 10; i++) expect((await router.route([out('broad-use', 3, 'acme', i)])).status).toBe('accepted');
    await flaky.waitForSpans(30);
    await until(() => metrics.count(metrics.exported, 'otlphttp/flaky') === 30);
    expect(flaky.received.filter((q) => q.status === 503)).toHaveLength(5);
    const traceIds = new Set(flaky.spans().map((s) => s.traceId));
    expect(traceIds.size).toBe(10);
    expect(flaky.spans()).toHaveLength(30); // each request delivered exactly once
    expect(metrics.count(metrics.retries, 'otlphttp/flaky')).toBe(5);
    expect(metrics.total(metrics.exportFailed)).toBe(0);
  });

  it('a hung downstream neither blocks another exporter of the same class nor escapes the count', async () => {
    const hung = await sink({ behavior: { kind: 'hang' } });
    const ok = await sink();
    const metrics = new RecordingMetrics();
    const router = keep(
      createRouter({
        exporters: {
          'otlphttp/hung': { type: 'otlphttp', endpoint: hung.url, timeoutMs: 60_000, retry: fast, queue: { numConsumers: 1 } },
          'otlphttp/ok': { type: 'otlphttp', endpoint: ok.url, retry: fast },
        },
        routes: { traces: { 'broad-use': ['otlphttp/hung', 'otlphttp/ok'] } },
        metrics,
      }),
    );
    for (let i = 1; i <= 4; i++) await router.route([out('broad-use', 2, 'acme', i)]);
    await ok.waitForSpans(8);
    await until(() => metrics.count(metrics.exported, 'otlphttp/ok') === 8);
    await router.drain(Date.now() + 100);
    expect(metrics.count(metrics.exported, 'otlphttp/ok')).toBe(8);
    expect(metrics.count(metrics.exportFailed, 'otlphttp/hung|shutdown')).toBe(8);
  });

  it('refuses a request when a queue is full, and loses nothing once the downstream recovers', async () => {
    const slow = await sink({ behavior: { kind: 'hang' } });
    const metrics = new RecordingMetrics();
    const router = keep(
      createRouter({
        exporters: {
          'otlphttp/slow': { type: 'otlphttp', endpoint: slow.url, compression: 'none', timeoutMs: 200, retry: fast, queue: { numConsumers: 1, maxBytes: 4096 } },
        },
        routes: { traces: { 'tenant-only': ['otlphttp/slow'] } },
        metrics,
      }),
    );
    expect((await router.route([out('tenant-only', 2, 'acme', 1)])).status).toBe('accepted');
    await until(() => slow.received.length === 1); // in flight, hanging
    let accepted = 1;
    let result = await router.route([out('tenant-only', 2, 'acme', 2)]);
    while (result.status === 'accepted') {
      accepted++;
      result = await router.route([out('tenant-only', 2, 'acme', accepted + 1)]);
    }
    expect(accepted).toBeGreaterThan(1);
    expect(result).toEqual({ status: 'unavailable', retryAfterSeconds: 1, exporter: 'otlphttp/slow' });
    expect(metrics.count(metrics.refusedQueueFull, 'otlphttp/slow')).toBe(2);

    slow.setBehavior({ kind: 'ok' }); // the hung attempt times out and is retried
    await slow.waitForSpans(2 * accepted);
    expect(new Set(slow.spans().map((s) => s.traceId)).size).toBe(accepted);
    expect(slow.spans()).toHaveLength(2 * accepted);
    await until(() => metrics.count(metrics.exported, 'otlphttp/slow') === 2 * accepted); // the client sees the 200 just after the sink sends it
    expect(metrics.total(metrics.exportFailed)).toBe(0);
    expect((await router.route([out('tenant-only', 2, 'acme', 99)])).status).toBe('accepted');
  });

  it('asserts options the config schema refuses (a programming error, not an operator mistake)', () => {
    const metrics = new RecordingMetrics();
    expect(() => createRouter({ exporters: { 'otlphttp/a': { type: 'otlphttp', endpoint: 'http://x', retry: { initialIntervalMs: 0 } } }, routes: {}, metrics })).toThrow(AssertionError);
    expect(() => createRouter({ exporters: { 'otlphttp/a': { type: 'otlphttp', endpoint: 'http://x', retry: { randomizationFactor: 1 } } }, routes: {}, metrics })).toThrow(
      /retry_on_failure\.randomization_factor/,
    );
    expect(() => createRouter({ exporters: { 'otlphttp/a': { type: 'otlphttp', endpoint: 'http://x', queue: { maxBytes: 0 } } }, routes: {}, metrics })).toThrow(
      /sending_queue\.max_bytes/,
    );
    expect(() => createRouter({ exporters: {}, routes: { traces: { 'broad-use': ['otlphttp/missing'] } }, metrics })).toThrow(/routes\.broad-use: unknown exporter/);
    expect(() => createExporter('file/x', { type: 'otlphttp', endpoint: 'http://x' })).toThrow(AssertionError);
  });
});

describe('createQueue for the otlp (gRPC) exporter', () => {
  it('merges queued items into messages under a Collector’s 4 MiB default (after decompression), unless configured', async () => {
    const { createQueue } = await import('./factory.js');
    const metrics = new RecordingMetrics();
    const q = createQueue('otlp/a', { type: 'otlp', endpoint: '127.0.0.1:9', tls: { insecure: true } }, { metrics });
    const q2 = createQueue('otlp/b', { type: 'otlp', endpoint: '127.0.0.1:9', tls: { insecure: true }, queue: { maxBatchBytes: 0 } }, { metrics });
    const plain = createQueue('otlp/p', { type: 'otlp', endpoint: '127.0.0.1:9', tls: { insecure: true }, compression: 'none' }, { metrics });
    const h = createQueue('otlphttp/c', { type: 'otlphttp', endpoint: 'http://127.0.0.1:9' }, { metrics });
    try {
      expect(q.options.queue.maxBatchBytes).toBe(128 * 1024); // gzip: inflates 5–20× at the downstream
      expect(q2.options.queue.maxBatchBytes).toBe(0);
      expect(plain.options.queue.maxBatchBytes).toBe(3 * 1024 * 1024);
      expect(h.options.queue.maxBatchBytes).toBe(8 * 1024 * 1024);
      expect(q.exporter.format.encoding).toBe('protobuf');
    } finally {
      await Promise.all([q, q2, plain, h].map((x) => x.shutdown()));
    }
  });
});
