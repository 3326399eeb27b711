/**
 * The persistent queue through the router: written before admission completes, kept on disk over a
 * shutdown, replayed in order on the next start, bounded on disk, and never sent to another target.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingMetrics } from '../../test/support/recording-metrics.js';
import { hang, ScriptedExporter, type Script } from '../../test/support/scripted-exporter.js';
import type { ClassOutput } from '../policy/types.js';
import { ExportQueue, resolveQueueOptions } from './queue.js';
import { resolveRetryOptions } from './retry.js';
import { Router } from './router.js';
import type { ExportItem, Signal, TargetResult } from './types.js';

const out = (count: number, tenant = 'acme'): ClassOutput => ({ signal: 'traces', class: 'tenant-only', tenant, data: { resourceSpans: [] }, count });

function gateway(storage: string, script: Script, opts: { maxBytes?: number; target?: (signal: Signal, tenant: string | undefined) => TargetResult; fsync?: boolean } = {}) {
  const metrics = new RecordingMetrics();
  const exporter = new ScriptedExporter('otlphttp/store', script, 'protobuf', 100);
  if (opts.target) exporter.target = opts.target;
  // Each request's bytes say which request it was, so replays can be checked byte for byte.
  let n = 0;
  exporter.encode = (item) => new Uint8Array(item.spanCount * 10).fill(++n);
  const queue = new ExportQueue(
    exporter,
    {
      retry: resolveRetryOptions({ initialIntervalMs: 5, maxIntervalMs: 5, maxElapsedTimeMs: 0 }),
      queue: resolveQueueOptions({ storage, maxBytes: opts.maxBytes ?? 1 << 20, numConsumers: 1, maxBatchBytes: 0, fsync: opts.fsync ?? true }),
    },
    { metrics, abortGraceMs: 20 },
  );
  const router = new Router([queue], { traces: { 'tenant-only': ['otlphttp/store'] }, logs: { 'tenant-only': ['otlphttp/store'] }, metrics: ['otlphttp/store'] }, { metrics });
  // The policy step encodes (encode-output.ts); here the scripted exporter's bytes stand in for it.
  router.route = (outputs, ctx) =>
    router.admit(
      outputs.map((o) => ({ signal: o.signal, class: o.class, tenant: o.tenant, count: o.count, bodies: { [exporter.format.encoding]: exporter.encode({ ...o, spanCount: o.count } as ExportItem) } })),
      ctx,
    );
  return { router, metrics, exporter, queue };
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('persistent queue', () => {
  it('keeps what was not exported on disk over a shutdown (not counted lost) and replays it in order', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'loopgate-pq-'));
    const down = gateway(storage, hang);
    await down.router.start();
    for (const [spans, tenant] of [[1, 'acme'], [2, 'globex'], [3, 'acme'], [4, 'globex']] as const) {
      expect(await down.router.route([out(spans, tenant)], { policyVersion: 'A' })).toMatchObject({ status: 'accepted' });
    }
    expect(readdirSync(join(storage, 'otlphttp-store')).some((f) => f.endsWith('.seg'))).toBe(true);
    await until(() => down.exporter.calls.length === 1); // one in flight, hanging
    const report = await down.router.drain(Date.now() + 30);
    await down.router.shutdown();
    expect(report).toEqual({ lostSpans: 0, keptSpans: 10 });
    expect(down.metrics.total(down.metrics.exportFailed)).toBe(0);

    const up = gateway(storage, { status: 'success' });
    await up.router.start();
    await until(() => up.metrics.count(up.metrics.exported, 'otlphttp/store') === 10);
    expect(up.exporter.delivered.map((r) => [r.records, r.tenant, r.target, r.policyVersion])).toEqual([
      [1, 'acme', 'scripted://acme', 'A'],
      [2, 'globex', 'scripted://globex', 'A'],
      [3, 'acme', 'scripted://acme', 'A'],
      [4, 'globex', 'scripted://globex', 'A'],
    ]);
    // The bytes admitted in the first run, unchanged: nothing was encoded or compressed again.
    expect(up.exporter.delivered.map((r) => [r.body.byteLength, r.body[0]])).toEqual([[10, 1], [20, 2], [30, 3], [40, 4]]);
    expect(up.exporter.encodeCalls).toBe(0);
    expect(up.metrics.count(up.metrics.replayed, 'otlphttp/store|records')).toBe(4);
    expect(up.metrics.count(up.metrics.replayed, 'otlphttp/store|spans')).toBe(10);
    expect(up.metrics.count(up.metrics.replayed, 'otlphttp/store|duplicates')).toBe(1); // the one in flight at the deadline
    expect(await up.router.drain(Date.now())).toEqual({ lostSpans: 0, keptSpans: 0 });
    await up.router.shutdown();
    // Everything acknowledged: the next start has nothing to replay and the folder holds no segment.
    const again = gateway(storage, { status: 'success' });
    await again.router.start();
    expect(again.metrics.total(again.metrics.replayed)).toBe(0);
    await again.router.shutdown();
  });

  it('carries each signal as it was admitted: logs and metrics replay to their own paths, never merged with spans', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'loopgate-pq-'));
    const down = gateway(storage, hang);
    await down.router.start();
    const logs: ClassOutput = { signal: 'logs', class: 'tenant-only', tenant: 'acme', data: { resourceLogs: [] }, count: 2 };
    const metrics: ClassOutput = { signal: 'metrics', class: undefined, tenant: 'acme', data: { resourceMetrics: [] }, count: 5 };
    for (const o of [out(1), logs, metrics, out(3)]) expect((await down.router.route([o], { policyVersion: 'A' })).status).toBe('accepted');
    await down.router.shutdown();

    const up = gateway(storage, { status: 'success' });
    await up.router.start();
    await until(() => up.exporter.delivered.length === 4);
    expect(up.exporter.delivered.map((r) => [r.signal, r.class, r.records, r.target])).toEqual([
      ['traces', 'tenant-only', 1, 'scripted://acme'],
      ['logs', 'tenant-only', 2, 'scripted://acme/logs'],
      ['metrics', undefined, 5, 'scripted://acme/metrics'],
      ['traces', 'tenant-only', 3, 'scripted://acme'],
    ]);
    expect(up.metrics.count(up.metrics.exported, 'logs:otlphttp/store')).toBe(2);
    expect(up.metrics.count(up.metrics.exported, 'metrics:otlphttp/store')).toBe(5);
    await up.router.shutdown();
  });

  it('never sends a stored request to a destination other than the one it was admitted for', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'loopgate-pq-'));
    const first = gateway(storage, hang);
    await first.router.start();
    await first.router.route([out(2, 'acme')]);
    await first.router.shutdown();
    // The endpoint template changed between runs: acme's data now resolves elsewhere.
    const moved = gateway(storage, { status: 'success' }, { target: (_signal, t) => ({ ok: true, value: `scripted://shared/${t ?? ''}` }) });
    // The real exporters refuse such a request themselves (see otlphttp-exporter.test.ts); here the
    // scripted one records what it was asked: the stored target, never the new one.
    await moved.router.start();
    await until(() => moved.exporter.calls.length === 1);
    expect(moved.exporter.calls[0]!.target).toBe('scripted://acme');
    await moved.router.shutdown();
  });

  it('bounds the bytes on disk: a full queue refuses (503) and admits again once records are done', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'loopgate-pq-'));
    let release: (() => void) | undefined;
    const gated: Script = () => new Promise((r) => (release = () => r({ status: 'success' })));
    const g = gateway(storage, gated, { maxBytes: 4096 });
    await g.router.start();
    let accepted = 0;
    for (let i = 0; i < 50; i++) {
      const r = await g.router.route([out(10)]);
      if (r.status !== 'accepted') {
        expect(r).toEqual({ status: 'unavailable', retryAfterSeconds: 1, exporter: 'otlphttp/store' });
        break;
      }
      accepted++;
    }
    expect(accepted).toBeGreaterThan(1);
    expect(accepted).toBeLessThan(50);
    expect(g.queue.stats().diskBytes).toBeLessThanOrEqual(4096);
    expect(g.metrics.count(g.metrics.refusedQueueFull, 'otlphttp/store')).toBe(10);
    g.exporter.setScript({ status: 'success' });
    release!();
    await until(() => g.metrics.count(g.metrics.exported, 'otlphttp/store') === accepted * 10);
    await until(() => g.queue.hasRoom(100));
    expect((await g.router.route([out(10)])).status).toBe('accepted');
    await g.router.shutdown();
  });

  it('stores the body as admitted (already redacted, never the client original) with its tenant and target', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'loopgate-pq-'));
    const g = gateway(storage, hang, { fsync: false });
    g.exporter.encode = () => new TextEncoder().encode('{"resourceSpans":[{"redacted":"<EMAIL_ADDRESS>"}]}');
    await g.router.start();
    await g.router.route([out(1, 'globex')], { policyVersion: 'v-A' });
    await g.router.shutdown();
    const dir = join(storage, 'otlphttp-store');
    const seg = readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.seg'))!)).toString('latin1');
    expect(seg).toContain('<EMAIL_ADDRESS>');
    expect(seg).toContain('"tenant":"globex"');
    expect(seg).toContain('"target":"scripted://globex"');
    expect(seg).toContain('"policyVersion":"v-A"');
  });
});
