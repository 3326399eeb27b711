/**
 * Crashes at named points (src/export/crash-point.ts): the gateway kills itself with SIGKILL exactly
 * where a random kill -9 lands only by luck, so a window found once in hundreds of random kills is
 * tested every run.
 *
 * segment-unlinked: a start finds a segment whose records were all delivered and deletes it, .seg
 * first, then .ack. Killed in between, the ack file stays. Before the fix, the next start numbered its
 * first new segment after the highest .seg left (none: 1), appended its marks to that stale ack file,
 * whose 'done' mark at offset 0 then covered the new segment's first record: acknowledged to the client,
 * never delivered, silently skipped on the next replay (the kill9 test's one lost 10-span batch).
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { DEADLINE_MS, delivered, gatewayYaml, killAll, Load, metric, missing, runToCrash, startGateway, until } from './harness.js';

let sink: OtlpSink | undefined;
afterEach(async () => {
  killAll();
  await sink?.close();
});


describe('crash points', () => {
  it('segment-unlinked: a crash between deleting a finished segment and its ack file loses nothing acknowledged later', async () => {
    sink = await startOtlpSink();
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-crash-'));
    const queue = join(dir, 'queue', 'otlphttp-sink');
    const yaml = gatewayYaml(sink.url, { queue: [`storage: ${join(dir, 'queue')}`] });

    // 1. Everything delivered and marked done; a clean stop leaves segment 1 (it was still the active one).
    const first = await startGateway(dir, yaml);
    const before = new Load(() => first.receiverUrl, 1, { spansPerBatch: 10, maxBatches: 5 }).start();
    await before.finished();
    await until(() => missing(before.acked, delivered(sink!)).length === 0, DEADLINE_MS, 'the first batches at the sink');
    expect(await first.term()).toEqual({ code: 0, signal: null });
    expect(readdirSync(queue).sort()).toEqual(['0000000001.ack', '0000000001.seg']);

    // 2. The next start deletes that finished segment (in the background, as it starts serving) and is
    //    killed between the two unlinks.
    const crashed = await runToCrash(dir, yaml, { LOOPGATE_CRASH_AT: 'segment-unlinked' });
    expect(crashed).toMatchObject({ code: null, signal: 'SIGKILL', timedOut: false });
    expect(readdirSync(queue).filter((f) => f !== 'LOCK')).toEqual(['0000000001.ack']);

    // 3. New spans are acknowledged while the downstream is down, then kill -9.
    sink.setBehavior({ kind: 'status', status: 503 });
    const third = await startGateway(dir, yaml);
    const during = new Load(() => third.receiverUrl, 1, { spansPerBatch: 10, maxBatches: 3 }).start();
    await during.finished();
    expect(during.count('200')).toBe(3);
    await third.kill9();

    // 4. The next start replays all three batches.
    sink.setBehavior({ kind: 'ok' });
    const fourth = await startGateway(dir, yaml);
    const replayed = metric(await fourth.metrics(), 'loopgate_queue_replayed_spans_total');
    await until(async () => metric(await fourth.metrics(), 'loopgate_queue_items') === 0, DEADLINE_MS, 'the replay to finish');
    expect(missing(during.acked, delivered(sink))).toEqual([]);
    expect(replayed).toBe(30);
    expect(existsSync(join(queue, '0000000001.seg'))).toBe(false); // the stale number was not reused
    expect(await fourth.term()).toEqual({ code: 0, signal: null });
  }, 300_000);
});
