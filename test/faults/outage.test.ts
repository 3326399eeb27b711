/**
 * A downstream outage with a small disk queue: the queue fills, clients are throttled with 503 +
 * Retry-After instead of the gateway growing, and once the downstream is back every acknowledged span
 * is delivered. The outage lasts LOOPGATE_FAULT_OUTAGE_SECONDS (CI: 10 s; the figure: 60 s).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { DEADLINE_MS, delivered, duplicates, gatewayYaml, killAll, Load, metric, missing, sleep, startGateway, until } from './harness.js';

const OUTAGE_SECONDS = Number(process.env.LOOPGATE_FAULT_OUTAGE_SECONDS ?? 10);
const MAX_BYTES = 512 * 1024;

let sink: OtlpSink | undefined;
afterEach(async () => {
  killAll();
  await sink?.close();
});

describe('downstream outage with a small persistent queue', () => {
  it(`throttles clients with 503 while the queue is full, and loses nothing over a ${OUTAGE_SECONDS} s outage`, async () => {
    sink = await startOtlpSink({ behavior: { kind: 'status', status: 503, retryAfter: '1' } });
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-outage-'));
    const gw = await startGateway(dir, gatewayYaml(sink.url, { queue: [`storage: ${join(dir, 'queue')}`, `max_bytes: ${MAX_BYTES}`] }));
    const load = new Load(() => gw.receiverUrl, 8, { spansPerBatch: 20, resend: true }).start();

    let peakDisk = 0;
    let fullSeen = false;
    const end = Date.now() + OUTAGE_SECONDS * 1000;
    while (Date.now() < end) {
      const m = await gw.metrics();
      const disk = metric(m, 'loopgate_queue_disk_bytes');
      peakDisk = Math.max(peakDisk, disk);
      if (load.count('503') > 0) fullSeen = true;
      await sleep(200);
    }
    const refusedDuringOutage = load.count('503');
    const peakRss = gw.peakRssBytes();
    sink.setBehavior({ kind: 'ok' });
    await sleep(2000); // clients keep sending while the backlog drains
    await load.stop();
    await until(() => missing(load.acked, delivered(sink!)).length === 0, DEADLINE_MS, 'every acknowledged span at the sink');
    const exit = await gw.term();
    const got = delivered(sink);
    console.log(
      `outage ${OUTAGE_SECONDS} s, max_bytes ${MAX_BYTES}: acknowledged ${load.acked.size} spans, lost ${missing(load.acked, got).length}, ` +
        `503s ${refusedDuringOutage} during the outage, peak queue on disk ${peakDisk} bytes, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB, duplicates ${duplicates(got)}`,
    );
    expect(fullSeen).toBe(true);
    expect(refusedDuringOutage).toBeGreaterThan(0);
    // The bound holds on disk (one request beyond it at most: a request larger than the room is
    // admitted only into an empty queue).
    expect(peakDisk).toBeLessThanOrEqual(MAX_BYTES);
    expect(missing(load.acked, got)).toEqual([]);
    expect(load.count('error:ECONNREFUSED') + load.count('error:ECONNRESET')).toBe(0); // never crashed
    expect(exit).toEqual({ code: 0, signal: null });
  }, 300_000 + OUTAGE_SECONDS * 2000);
});
