/**
 * Bad disks. A segment with a corrupt record and another cut short are found on start: both are
 * skipped and counted, and every good record still delivers. A full file system (a small tmpfs) gets
 * 503s, never a crash, and the queue takes requests again once the backlog drains.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecordAt, RECORD_HEADER_BYTES } from '../../src/export/disk-record.js';
import { decodeTracesProtobuf } from '../../src/otlp/decode-protobuf.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { DEADLINE_MS, delivered, gatewayYaml, killAll, Load, metric, missing, sleep, spanKey, startGateway, until } from './harness.js';

let sink: OtlpSink | undefined;
const mounts: string[] = [];
afterEach(async () => {
  killAll();
  await sink?.close();
  for (const m of mounts.splice(0)) {
    try {
      execFileSync('umount', [m]);
    } catch {
      // already gone
    }
  }
});

/** The records of a segment file: offset, size and the span keys of each. */
function records(file: string): { offset: number; size: number; keys: string[] }[] {
  const buf = readFileSync(file);
  const out: { offset: number; size: number; keys: string[] }[] = [];
  for (let at = 0; at < buf.byteLength; ) {
    const r = decodeRecordAt(buf, at);
    if (!r.ok) break;
    const data = decodeTracesProtobuf(gunzipSync(r.request.body));
    if (!data.ok) throw new Error(data.error);
    out.push({ offset: at, size: r.size, keys: data.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => spanKey(s.traceId, s.spanId)))) });
    at += r.size;
  }
  return out;
}

describe('bad disk', () => {
  it('skips and counts a corrupt and a truncated segment on start; every good record still delivers', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'status', status: 503 } });
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-baddisk-'));
    const storage = join(dir, 'queue');
    const yaml = gatewayYaml(sink.url, { queue: [`storage: ${storage}`], shutdownTimeout: '300ms' });
    const acked = new Set<string>();
    // Two runs with the downstream down: each run writes its own segment, both stay on disk.
    for (let run = 0; run < 2; run++) {
      const gw = await startGateway(dir, yaml);
      const load = new Load(() => gw.receiverUrl, 1, { spansPerBatch: 5, maxBatches: 6 }).start();
      await load.finished();
      for (const k of load.acked) acked.add(k);
      expect((await gw.term()).code).toBe(3);
    }
    const qdir = join(storage, 'otlphttp-sink');
    const segs = readdirSync(qdir).filter((f) => f.endsWith('.seg')).sort();
    expect(segs).toHaveLength(2);
    const [first, second] = [records(join(qdir, segs[0]!)), records(join(qdir, segs[1]!))];
    expect(first).toHaveLength(6);
    expect(second).toHaveLength(6);
    // A bit flips inside the third record of the first segment; the second segment loses its last 9 bytes.
    const bytes = readFileSync(join(qdir, segs[0]!));
    bytes[first[2]!.offset + RECORD_HEADER_BYTES + 30]! ^= 0x10;
    writeFileSync(join(qdir, segs[0]!), bytes);
    truncateSync(join(qdir, segs[1]!), second[5]!.offset + second[5]!.size - 9);
    const damaged = new Set([...first[2]!.keys, ...second[5]!.keys]);
    const good = [...acked].filter((k) => !damaged.has(k));

    sink.setBehavior({ kind: 'ok' });
    const gw = await startGateway(dir, yaml);
    const m = await gw.metrics();
    await until(() => missing(good, delivered(sink!)).length === 0, DEADLINE_MS, 'every good record at the sink');
    const got = delivered(sink);
    console.log(
      `bad disk: ${acked.size} spans in 12 records; corrupt ${metric(m, 'loopgate_queue_corrupt_records_total', 'kind="corrupt"')}, torn ${metric(m, 'loopgate_queue_corrupt_records_total', 'kind="torn"')}; ` +
        `good spans delivered ${good.filter((k) => got.has(k)).length}/${good.length}, damaged delivered ${[...damaged].filter((k) => got.has(k)).length}`,
    );
    expect(metric(m, 'loopgate_queue_corrupt_records_total', 'kind="corrupt"')).toBe(1);
    expect(metric(m, 'loopgate_queue_corrupt_records_total', 'kind="torn"')).toBe(1);
    expect(metric(m, 'loopgate_queue_replayed_records_total')).toBe(10);
    expect(missing(good, got)).toEqual([]);
    expect([...damaged].filter((k) => got.has(k))).toEqual([]);
    expect((await gw.term()).code).toBe(0);
  }, 300_000);

  it('a full file system gets 503s, never a crash, and the queue takes requests again once it drains', async (ctx) => {
    const mnt = mkdtempSync(join(tmpdir(), 'loopgate-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
      mounts.push(mnt);
    } catch {
      console.log('skipped: mounting a 1 MiB tmpfs needs root with CAP_SYS_ADMIN (CI runs as root); the max_bytes bound is tested in outage.test.ts');
      ctx.skip();
      return;
    }
    mkdirSync(join(mnt, 'queue'));
    sink = await startOtlpSink({ behavior: { kind: 'status', status: 503 } });
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-full-'));
    // The bound is far above what the file system holds: the disk fills first.
    const gw = await startGateway(dir, gatewayYaml(sink.url, { queue: [`storage: ${join(mnt, 'queue')}`, 'max_bytes: 64MiB'] }));
    const load = new Load(() => gw.receiverUrl, 4, { spansPerBatch: 20, resend: true }).start();
    await until(() => load.count('503') >= 20, DEADLINE_MS, 'the disk to fill and clients to be refused');
    const full = await gw.metrics();
    expect((await fetch(`${gw.telemetryUrl}/healthz`)).status).toBe(200); // alive
    sink.setBehavior({ kind: 'ok' });
    const accepted = load.count('200');
    await until(() => load.count('200') > accepted + 20, DEADLINE_MS, 'requests to be accepted again after the disk drained');
    await load.stop();
    await until(() => missing(load.acked, delivered(sink!)).length === 0, DEADLINE_MS, 'every acknowledged span at the sink');
    console.log(
      `full disk (1 MiB tmpfs): 503s ${load.count('503')}, disk bytes when full ${metric(full, 'loopgate_queue_disk_bytes')}, acknowledged ${load.acked.size}, lost ${missing(load.acked, delivered(sink)).length}`,
    );
    expect(missing(load.acked, delivered(sink))).toEqual([]);
    expect((await gw.term()).code).toBe(0);
    await sleep(0);
  }, 300_000);
});
