/**
 * kill -9 at random points with a persistent queue: while requests arrive, during fsyncs, during
 * exports, during the replay after a restart. Whatever the gateway answered 200 to must reach the sink
 * in the end; duplicates are allowed (at-least-once) but only as many as the gateway counted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink, type SinkBehavior } from '../support/otlp-sink.js';
import { mulberry32 } from '../support/rng.js';
import { DEADLINE_MS, delivered, duplicates, gatewayYaml, killAll, Load, metric, missing, sleep, startGateway, until } from './harness.js';

const KILLS = Number(process.env.LOOPGATE_FAULT_KILLS ?? 20);
const SEED = Number(process.env.LOOPGATE_FAULT_SEED ?? 0x909);
/** Acknowledged spans a run with clients has before its kill point is drawn: 15 such runs give > 1000. */
const MIN_ACKED_PER_RUN = 100;

let sink: OtlpSink | undefined;
afterEach(async () => {
  killAll();
  await sink?.close();
});

type Phase = 'requests' | 'fsync' | 'export' | 'replay';
const PHASES: { phase: Phase; sink: SinkBehavior; clients: number; spans: number; killAfterMs: [number, number] }[] = [
  // The downstream is down: requests are acknowledged and pile up on disk (the next replay's backlog).
  { phase: 'requests', sink: { kind: 'status', status: 503 }, clients: 4, spans: 10, killAfterMs: [150, 700] },
  // Many concurrent writers with larger requests: most of the time some fsync is in progress.
  { phase: 'fsync', sink: { kind: 'ok' }, clients: 8, spans: 50, killAfterMs: [100, 500] },
  // A slow downstream: exports are in flight, some delivered but not yet acknowledged to the queue.
  { phase: 'export', sink: { kind: 'delay', ms: 250 }, clients: 4, spans: 10, killAfterMs: [300, 900] },
  // No new load: the backlog left by earlier runs is being replayed when the kill comes.
  { phase: 'replay', sink: { kind: 'delay', ms: 30 }, clients: 0, spans: 0, killAfterMs: [0, 400] },
];

describe('kill -9 with a persistent queue', () => {
  it(`loses no acknowledged span across ${KILLS} random kill points, and counts every duplicate`, async () => {
    const rng = mulberry32(SEED);
    sink = await startOtlpSink();
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-kill9-'));
    const yaml = gatewayYaml(sink.url, { queue: [`storage: ${join(dir, 'queue')}`, 'max_bytes: 32MiB', 'num_consumers: 2'] });
    const acked = new Set<string>();
    let countedDuplicates = 0;
    const perPhase = new Map<Phase, number>();
    const warnings: unknown[] = [];

    for (let i = 0; i < KILLS; i++) {
      const p = PHASES[i % PHASES.length]!;
      sink.setBehavior(p.sink);
      const gw = await startGateway(dir, yaml);
      countedDuplicates += metric(await gw.metrics(), 'loopgate_queue_replayed_duplicate_spans_total');
      const load = new Load(() => gw.receiverUrl, p.clients, { spansPerBatch: p.spans }).start();
      // Load under way before the clock starts, however slow the machine: every run with clients adds
      // acknowledged spans to check, and the kill then lands at a random point of a busy gateway.
      if (p.clients > 0) await until(() => load.acked.size >= MIN_ACKED_PER_RUN, DEADLINE_MS, 'the first acknowledged spans of the run');
      const [lo, hi] = p.killAfterMs;
      await sleep(lo + rng() * (hi - lo));
      await gw.kill9();
      await load.stop();
      warnings.push(...gw.logs.filter((l) => (l.level as number) > 30).map((l) => ({ run: i, ...l })));
      for (const k of load.acked) acked.add(k);
      perPhase.set(p.phase, (perPhase.get(p.phase) ?? 0) + 1);
    }

    sink.setBehavior({ kind: 'ok' });
    const gw = await startGateway(dir, yaml);
    countedDuplicates += metric(await gw.metrics(), 'loopgate_queue_replayed_duplicate_spans_total');
    // Done when the queue is empty (everything replayed was delivered), not after a fixed time: a generous
    // deadline on that condition only, for a loaded machine.
    const settled = await until(async () => metric(await gw.metrics(), 'loopgate_queue_items') === 0, 240_000, 'the replay to finish')
      .then(() => true)
      .catch(() => false);
    const got = delivered(sink);
    if (!settled || missing(acked, got).length > 0) {
      const m = await gw.metrics();
      console.log(
        `missing ${missing(acked, got).length} of ${acked.size}, replay finished: ${settled}`,
        m.split('\n').filter((l) => /^loopgate_(queue|spans_export)/.test(l)).join('\n'),
        JSON.stringify([...warnings, ...gw.logs.filter((l) => (l.level as number) > 30)]),
      );
    }
    const exit = await gw.term();
    const dup = duplicates(got);
    console.log(
      `kill -9: ${KILLS} kills (${[...perPhase].map(([k, v]) => `${v} ${k}`).join(', ')}); acknowledged ${acked.size} spans, ` +
        `acknowledged but never delivered ${missing(acked, got).length}, delivered ${got.size} distinct, duplicates ${dup} (counted as possible: ${countedDuplicates})`,
    );
    expect(acked.size).toBeGreaterThan(1000);
    expect(missing(acked, got)).toEqual([]);
    expect(settled).toBe(true);
    expect(dup).toBeLessThanOrEqual(countedDuplicates);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 600_000);
});
