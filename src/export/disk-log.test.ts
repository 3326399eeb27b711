import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from '../../test/support/scripted-exporter.js';
import { DiskLog, type RecordLocation } from './disk-log.js';
import { crc32, crc32Js, decodeRecordAt, encodeRecord, RECORD_HEADER_BYTES } from './disk-record.js';

const dir = (): string => join(mkdtempSync(join(tmpdir(), 'loopgate-log-')), 'q');
const body = (i: number, n = 64): Uint8Array => new Uint8Array(n).fill(i & 0xff);
const rec = (i: number, tenant = 'acme') => encodeRecord(request(i, body(i), { tenant, target: `http://sink/${tenant}` }));
const open = (path: string, segmentBytes = 1 << 20) => DiskLog.open(path, { fsync: true, segmentBytes });
const segments = (path: string) => readdirSync(path).filter((f) => f.endsWith('.seg')).sort();

describe('disk records', () => {
  it('round-trip with their metadata, and any flipped byte is caught by the checksum', () => {
    const r = request(3, body(7), { tenant: 'globex', target: 'http://sink/globex/v1/traces', compression: 'gzip', policyVersion: 'abc123', jsonHead: 5, jsonTail: 2 });
    const bytes = encodeRecord(r);
    const back = decodeRecordAt(bytes, 0);
    expect(back).toEqual({ ok: true, request: { ...r, body: expect.any(Uint8Array) }, size: bytes.byteLength });
    expect(back.ok && [...back.request.body]).toEqual([...r.body]);
    for (let at = 0; at < bytes.byteLength; at += 7) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 0x40;
      expect(decodeRecordAt(bad, 0).ok, `byte ${at}`).toBe(false);
    }
    expect(decodeRecordAt(bytes.subarray(0, bytes.byteLength - 1), 0)).toEqual({ ok: false, reason: 'torn' });
    expect(decodeRecordAt(bytes.subarray(0, RECORD_HEADER_BYTES - 1), 0)).toEqual({ ok: false, reason: 'torn' });
  });

  it('the JavaScript CRC-32 (Node < 20.15) equals zlib', () => {
    const data = new Uint8Array(1000).map((_, i) => (i * 31) & 0xff);
    expect(crc32Js(data)).toBe(crc32(data));
    expect(crc32Js(data.subarray(500), crc32Js(data.subarray(0, 500)))).toBe(crc32(data));
    expect(crc32Js(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('DiskLog', () => {
  it('groups concurrent appends into fewer fsyncs, in order, and reads them back', async () => {
    const path = dir();
    const fsyncs: number[] = [];
    const { log } = await DiskLog.open(path, { fsync: true, segmentBytes: 1 << 20, onFsync: (s) => fsyncs.push(s) });
    const locations = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append([rec(i)])));
    expect(fsyncs.length).toBeGreaterThan(0);
    expect(fsyncs.length).toBeLessThan(50); // group commit: one sync covers every append waiting for it
    const offsets = locations.map(([l]) => l!.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    for (const [i, [l]] of locations.entries()) {
      const r = await log.read(l!);
      expect(r.ok && r.request.records).toBe(i);
      expect(r.ok && r.request.body[0]).toBe(i);
    }
    expect(log.diskBytes).toBe(statSync(join(path, segments(path)[0]!)).size);
    await log.close();
  });

  it('recovers what was not released, in order, with dispatched ones flagged; released ones never come back', async () => {
    const path = dir();
    const first = await open(path, 2048);
    const locs: RecordLocation[] = [];
    for (let i = 0; i < 40; i++) locs.push(...(await first.log.append([rec(i, i % 2 ? 'acme' : 'globex')])));
    expect(segments(path).length).toBeGreaterThan(1);
    first.log.release(locs.filter((_, i) => i % 3 === 0));
    first.log.markDispatched([locs[1]!, locs[2]!]);
    await first.log.close();

    const second = await open(path, 2048);
    const left = second.recovered.records;
    expect(left.map((r) => r.request.records)).toEqual([...Array(40).keys()].filter((i) => i % 3 !== 0));
    expect(left.filter((r) => r.dispatched).map((r) => r.request.records)).toEqual([1, 2]);
    expect(left.map((r) => r.request.tenant)).toEqual(left.map((r) => (r.request.records % 2 ? 'acme' : 'globex')));
    expect(left.every((r) => r.request.target === `http://sink/${r.request.tenant}` && r.request.body.byteLength === 0)).toBe(true);
    expect(second.recovered).toMatchObject({ corrupt: 0, torn: 0 });
    // Bodies are read back on demand.
    const back = await second.log.read(left[0]!.location);
    expect(back.ok && back.request.body[0]).toBe(1);
    await second.log.close();
  });

  it('deletes a finished segment and gives its bytes back', async () => {
    const path = dir();
    const { log } = await open(path, 1024);
    const locs: RecordLocation[] = [];
    for (let i = 0; i < 30; i++) locs.push(...(await log.append([rec(i)])));
    const before = segments(path);
    const full = log.diskBytes;
    log.release(locs.slice(0, 20));
    await new Promise((r) => setTimeout(r, 50));
    expect(segments(path).length).toBeLessThan(before.length);
    expect(log.diskBytes).toBeLessThan(full);
    await log.close();
    const again = await open(path, 1024);
    expect(again.recovered.records.map((r) => r.request.records)).toEqual([...Array(10).keys()].map((i) => i + 20));
    await again.log.close();
  });

  it('never gives a new segment the number of one whose ack file a crash left behind (the kill -9 loss)', async () => {
    // Run 1: three records delivered and marked done in segment 1, which stays the active one.
    const path = dir();
    const first = await open(path);
    const delivered = [...(await first.log.append([rec(1)])), ...(await first.log.append([rec(2)])), ...(await first.log.append([rec(3)]))];
    first.log.release(delivered);
    await first.log.close();
    expect(readdirSync(path).sort()).toEqual(['0000000001.ack', '0000000001.seg']);
    // Run 2 finds segment 1 all done and deletes it: .seg, then .ack. A crash between the two unlinks
    // leaves exactly this (test/faults/crash-points.test.ts reaches it with a real SIGKILL).
    rmSync(join(path, '0000000001.seg'));

    // Run 3 takes new records (answered 200) and is killed before delivering them: never closed.
    const third = await open(path);
    await third.log.append([rec(11)]);
    await third.log.append([rec(12)]);

    // Run 4 replays both: no stale 'done' mark at offset 0 (or anywhere) applies to them.
    const fourth = await open(path);
    expect(fourth.recovered.records.map((r) => r.request.records)).toEqual([11, 12]);
    await fourth.log.close();
  });

  it('reads every whole ack entry after a torn one (a kill in the middle of a mark write)', async () => {
    const path = dir();
    const first = await open(path);
    const locs: RecordLocation[] = [];
    for (let i = 0; i < 6; i++) locs.push(...(await first.log.append([rec(i)])));
    first.log.release(locs.slice(0, 2));
    await first.log.close();
    // Half an entry, as a write cut short leaves it; the next run appends its marks after it.
    const ack = join(path, '0000000001.ack');
    writeFileSync(ack, Buffer.concat([readFileSync(ack), readFileSync(ack).subarray(0, 7)]));
    const second = await open(path);
    expect(second.recovered.records.map((r) => r.request.records)).toEqual([2, 3, 4, 5]);
    second.log.release([second.recovered.records[0]!.location]);
    await second.log.markDispatched([second.recovered.records[1]!.location]);
    await second.log.close();
    const third = await open(path);
    expect(third.recovered.records.map((r) => [r.request.records, r.dispatched])).toEqual([
      [3, true],
      [4, false],
      [5, false],
    ]);
    await third.log.close();
  });

  it('cuts a torn tail off, counts it once, and keeps every whole record before it', async () => {
    const path = dir();
    const { log } = await open(path);
    for (let i = 0; i < 5; i++) await log.append([rec(i)]);
    await log.close();
    const seg = join(path, segments(path)[0]!);
    const size = statSync(seg).size;
    truncateSync(seg, size - 10); // the crash cut the last write short

    const first = await open(path);
    expect(first.recovered.records.map((r) => r.request.records)).toEqual([0, 1, 2, 3]);
    expect(first.recovered).toMatchObject({ torn: 1, corrupt: 0 });
    await first.log.close();
    const second = await open(path);
    expect(second.recovered).toMatchObject({ torn: 0, corrupt: 0 });
    expect(second.recovered.records).toHaveLength(4);
    await second.log.close();
  });

  it('skips a corrupt record in the middle, counts it once, and every good record after it still recovers', async () => {
    const path = dir();
    const { log } = await open(path);
    const locs: RecordLocation[] = [];
    for (let i = 0; i < 6; i++) locs.push(...(await log.append([rec(i)])));
    await log.close();
    const seg = join(path, segments(path)[0]!);
    const bytes = readFileSync(seg);
    bytes[locs[2]!.offset + 5]! ^= 0xff; // its length field: the framing itself is broken
    bytes[locs[4]!.offset + RECORD_HEADER_BYTES + 40]! ^= 0x01; // a bit flip inside another body
    writeFileSync(seg, bytes);

    const first = await open(path);
    expect(first.recovered.records.map((r) => r.request.records)).toEqual([0, 1, 3, 5]);
    expect(first.recovered).toMatchObject({ corrupt: 2, torn: 0 });
    await first.log.close();
    const second = await open(path);
    expect(second.recovered.records.map((r) => r.request.records)).toEqual([0, 1, 3, 5]);
    expect(second.recovered).toMatchObject({ corrupt: 0, torn: 0 }); // remembered, not counted again
    await second.log.close();
  });

  it('survives garbage files and a segment that is nothing but garbage', async () => {
    const path = dir();
    const { log } = await open(path);
    await log.append([rec(1)]);
    await log.close();
    writeFileSync(join(path, '0000000099.seg'), Buffer.alloc(5000, 0x4c));
    writeFileSync(join(path, 'notes.txt'), 'hello');
    const again = await open(path);
    expect(again.recovered.records.map((r) => r.request.records)).toEqual([1]);
    expect(again.recovered.corrupt).toBe(1);
    // New appends go after the highest segment number.
    await again.log.append([rec(2)]);
    expect(segments(path).at(-1)).toBe('0000000100.seg');
    await again.log.close();
  });

  it('refuses a folder another live process holds, and takes over one left by a dead process', async () => {
    const path = dir();
    const { log } = await open(path);
    writeFileSync(join(path, 'LOCK'), '1\n'); // pid 1 is always alive
    await expect(open(path)).rejects.toThrow(/in use by another process \(pid 1\)/);
    writeFileSync(join(path, 'LOCK'), '999999999\n'); // no such process: a gateway killed -9
    const taken = await open(path);
    await taken.log.close();
    await log.close();
  });
});
