/**
 * Overload: 64 clients against a downstream that takes seconds per request, ~10× more than it can pass
 * on. Memory must stay within the sizing rule of the README (section "Sizing memory"),
 *
 *   peak RSS ≈ base + 4 × max_inflight_body_size + Σ max_bytes (memory queues) + 8 MiB per persistent
 *              queue + working overhead
 *
 * checked with a generous margin. A memory bound, not a timing: the assertion is on bytes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { gatewayYaml, killAll, Load, metric, sleep, startGateway } from './harness.js';

const MiB = 1024 * 1024;
const MAX_INFLIGHT = Number(process.env.LOOPGATE_FAULT_INFLIGHT_MIB ?? 16) * MiB;
const MAX_BYTES = Number(process.env.LOOPGATE_FAULT_MAX_BYTES_MIB ?? 4) * MiB;
/** A decoded request holds about 3× its protobuf size while the policy runs (measured: 2.6–3.7×). */
const DECODE_FACTOR = 4;
/** The rule's working overhead: V8's heap between collections, zlib and socket buffers at full load (measured ~185 MiB). */
const WORKING = 192 * MiB;
/** Generous on purpose: the machine is shared and GC timing varies. */
const MARGIN = 64 * MiB;

let sink: OtlpSink | undefined;
afterEach(async () => {
  killAll();
  await sink?.close();
});

describe('overload', () => {
  it('64 clients and a slow sink: peak RSS stays within the sizing rule', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'delay', ms: 3000 } });
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-overload-'));
    const gw = await startGateway(
      dir,
      gatewayYaml(sink.url, { queue: [`max_bytes: ${MAX_BYTES}`, 'num_consumers: 4', 'max_batch_bytes: 64KiB'], receiver: [`max_inflight_body_size: ${MAX_INFLIGHT}`] }),
    );
    await sleep(500);
    const base = gw.rssBytes();
    const load = new Load(() => gw.receiverUrl, 64, { spansPerBatch: 100, resend: true }).start();
    let queuePeak = 0;
    for (let i = 0; i < 48; i++) {
      await sleep(250);
      queuePeak = Math.max(queuePeak, metric(await gw.metrics(), 'loopgate_queue_bytes'));
    }
    const peak = gw.peakRssBytes();
    await load.stop();
    const rule = base + DECODE_FACTOR * MAX_INFLIGHT + MAX_BYTES + WORKING;
    console.log(
      `overload: 64 clients, sink 3 s per request; base RSS ${(base / MiB).toFixed(0)} MiB, peak RSS ${(peak / MiB).toFixed(0)} MiB, ` +
        `queue peak ${(queuePeak / MiB).toFixed(1)} of ${MAX_BYTES / MiB} MiB, 503s ${load.count('503')}, 200s ${load.count('200')}; ` +
        `rule: base + ${DECODE_FACTOR}×max_inflight + max_bytes + working ${WORKING / MiB} MiB = ${(rule / MiB).toFixed(0)} MiB (asserted with ${MARGIN / MiB} MiB margin)`,
    );
    expect(load.count('503')).toBeGreaterThan(0); // really overloaded: clients were throttled
    expect(queuePeak).toBeLessThanOrEqual(MAX_BYTES);
    expect(peak).toBeLessThanOrEqual(rule + MARGIN);
  }, 60_000);
});
