import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBody } from './read-body.js';
import { gzipBomb } from '../../test/support/gzip-bomb.js';

function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

const payload = Buffer.from('x'.repeat(10_000));

describe('readBody', () => {
  it('reads identity bodies in several chunks', async () => {
    const r = await readBody(streamOf(payload.subarray(0, 10), payload.subarray(10)), 'identity', 1 << 20);
    expect(r.ok && Buffer.from(r.bytes).equals(payload)).toBe(true);
  });

  it.each([
    ['gzip', gzipSync(payload)],
    ['deflate (zlib, RFC 1950)', deflateSync(payload)],
    ['deflate (raw, RFC 1951)', deflateRawSync(payload)],
  ] as const)('inflates %s', async (name, compressed) => {
    const r = await readBody(streamOf(compressed), name.startsWith('gzip') ? 'gzip' : 'deflate', 1 << 20);
    expect(r.ok && Buffer.from(r.bytes).equals(payload)).toBe(true);
  });

  it('holds the limit on the raw body', async () => {
    expect(await readBody(streamOf(payload), 'identity', payload.length - 1)).toEqual({ ok: false, reason: 'too_large' });
    expect((await readBody(streamOf(payload), 'identity', payload.length)).ok).toBe(true);
  });

  it('holds the limit after decompression: a tiny gzip body that inflates past it is refused', async () => {
    const compressed = gzipSync(payload);
    expect(compressed.length).toBeLessThan(1000);
    expect(await readBody(streamOf(compressed), 'gzip', 5_000)).toEqual({ ok: false, reason: 'too_large' });
  });

  it('stops a 1 GiB gzip bomb at the limit without inflating it', async () => {
    const bomb = await gzipBomb();
    const limit = 4 * 1024 * 1024;
    const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const r = await readBody(streamOf(bomb), 'gzip', limit);
    const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heapBefore;
    expect(r).toEqual({ ok: false, reason: 'too_large' });
    // Inflating all of it would take a gigabyte; stopping at the limit holds a few MiB (a memory bound,
    // not a timing: bench/hostile.ts measures how fast).
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it('reports corrupt and truncated compressed bodies', async () => {
    const bad = await readBody(streamOf(Buffer.from('definitely not gzip')), 'gzip', 1 << 20);
    expect(bad).toMatchObject({ ok: false, reason: 'bad_encoding' });
    const truncated = gzipSync(payload).subarray(0, 20);
    expect(await readBody(streamOf(truncated), 'gzip', 1 << 20)).toMatchObject({ ok: false, reason: 'bad_encoding' });
    expect(await readBody(streamOf(), 'gzip', 1 << 20)).toMatchObject({ ok: false, reason: 'bad_encoding' });
  });

  it('treats a missing or empty body as empty', async () => {
    expect(await readBody(null, 'identity', 10)).toEqual({ ok: true, bytes: new Uint8Array(0) });
    expect(await readBody(streamOf(), 'identity', 10)).toEqual({ ok: true, bytes: new Uint8Array(0) });
  });

  it('reports a client stream that fails midway', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3]));
        controller.error(new Error('connection reset'));
      },
    });
    expect(await readBody(failing, 'identity', 1 << 20)).toEqual({ ok: false, reason: 'aborted' });
  });
});
