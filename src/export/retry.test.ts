import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../test/support/fake-scheduler.js';
import { request, ScriptedExporter } from '../../test/support/scripted-exporter.js';
import { ExponentialBackoff, resolveRetryOptions, RetryingSender } from './retry.js';
import type { ExportResult } from './types.js';

const item = request(1, new Uint8Array(10), { class: 'broad-use' });
const unavailable: ExportResult = { status: 'retryable', error: 'HTTP 503' };

function sender(script: ConstructorParameters<typeof ScriptedExporter>[1], retry = {}, random = () => 0.5) {
  const scheduler = new FakeScheduler();
  const exporter = new ScriptedExporter('otlphttp/test', script);
  let retries = 0;
  const s = new RetryingSender(exporter, resolveRetryOptions(retry), { scheduler, random, onRetry: () => retries++ });
  return { s, scheduler, exporter, retries: () => retries };
}

describe('resolveRetryOptions', () => {
  it('fills Collector defaults', () => {
    expect(resolveRetryOptions(undefined)).toEqual({
      enabled: true,
      initialIntervalMs: 5_000,
      maxIntervalMs: 30_000,
      maxElapsedTimeMs: 300_000,
      multiplier: 1.5,
      randomizationFactor: 0.5,
    });
  });

  it.each([
    [{ initialIntervalMs: 0 }, /initial_interval/],
    [{ initialIntervalMs: 10, maxIntervalMs: 5 }, /max_interval/],
    [{ maxElapsedTimeMs: -1 }, /max_elapsed_time/],
    [{ multiplier: 0.5 }, /multiplier/],
    [{ randomizationFactor: 1 }, /randomization_factor/],
  ])('asserts %j, which the config schema refuses, naming the option', (opts, message) => {
    expect(() => resolveRetryOptions(opts)).toThrow(message);
  });
});

describe('ExponentialBackoff', () => {
  it('grows by the multiplier up to max_interval when jitter is centred', () => {
    const b = new ExponentialBackoff(resolveRetryOptions({ initialIntervalMs: 1000, maxIntervalMs: 4000, multiplier: 2 }), () => 0.5);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  it('keeps jitter within ±randomization_factor of the interval', () => {
    const opts = resolveRetryOptions({ initialIntervalMs: 1000, maxIntervalMs: 1000, randomizationFactor: 0.5 });
    expect(new ExponentialBackoff(opts, () => 0).next()).toBe(500);
    expect(new ExponentialBackoff(opts, () => 0.999999).next()).toBe(1500);
    let seed = 42;
    const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const b = new ExponentialBackoff(opts, lcg);
    for (let i = 0; i < 1000; i++) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1500);
    }
  });
});

describe('RetryingSender', () => {
  it('succeeds at once without sleeping', async () => {
    const { s, scheduler } = sender({ status: 'success' });
    expect(await s.send(item, new AbortController().signal)).toEqual({ status: 'success', attempts: 1 });
    expect(scheduler.sleeps).toEqual([]);
  });

  it('retries retryable results with growing backoff until success', async () => {
    const { s, scheduler, retries } = sender((call) => (call < 4 ? unavailable : { status: 'success' }));
    expect(await s.send(item, new AbortController().signal)).toEqual({ status: 'success', attempts: 4 });
    expect(scheduler.sleeps).toEqual([5000, 7500, 11250]);
    expect(retries()).toBe(3);
  });

  it('does not retry a permanent failure', async () => {
    const { s, scheduler } = sender({ status: 'failure', error: 'HTTP 400' });
    expect(await s.send(item, new AbortController().signal)).toEqual({
      status: 'failed',
      reason: 'failure',
      error: 'HTTP 400',
      attempts: 1,
    });
    expect(scheduler.sleeps).toEqual([]);
  });

  it('honours Retry-After when it is longer than the backoff, even above max_interval', async () => {
    const { s, scheduler } = sender((call) =>
      call === 1 ? { status: 'retryable', error: 'HTTP 429', retryAfterMs: 45_000 } : call === 2 ? { status: 'retryable', error: 'HTTP 503', retryAfterMs: 10 } : { status: 'success' },
    );
    await s.send(item, new AbortController().signal);
    // 45 s from the server beats the 5 s backoff; a 10 ms Retry-After does not shorten the 7.5 s backoff.
    expect(scheduler.sleeps).toEqual([45_000, 7500]);
  });

  it('gives up when the next wait would cross max_elapsed_time, and says so', async () => {
    const { s, scheduler } = sender(unavailable, { initialIntervalMs: 1000, maxIntervalMs: 1000, maxElapsedTimeMs: 3500 });
    const out = await s.send(item, new AbortController().signal);
    expect(out).toEqual({ status: 'failed', reason: 'retries_exhausted', error: 'HTTP 503', attempts: 4 });
    expect(scheduler.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('gives up at once when Retry-After lies beyond the budget', async () => {
    const { s, scheduler } = sender({ status: 'retryable', error: 'HTTP 429', retryAfterMs: 3_600_000 });
    const out = await s.send(item, new AbortController().signal);
    expect(out).toMatchObject({ status: 'failed', reason: 'retries_exhausted', attempts: 1 });
    expect(scheduler.sleeps).toEqual([]);
  });

  it('retries forever when max_elapsed_time is 0', async () => {
    const { s } = sender((call) => (call <= 200 ? unavailable : { status: 'success' }), { maxElapsedTimeMs: 0 });
    expect(await s.send(item, new AbortController().signal)).toEqual({ status: 'success', attempts: 201 });
  });

  it('counts a retryable result as exhausted at once when retry is disabled', async () => {
    const { s, scheduler } = sender(unavailable, { enabled: false });
    expect(await s.send(item, new AbortController().signal)).toMatchObject({ status: 'failed', reason: 'retries_exhausted', attempts: 1 });
    expect(scheduler.sleeps).toEqual([]);
  });

  it('stops at the shutdown signal', async () => {
    const ac = new AbortController();
    const { s } = sender((call) => {
      if (call === 3) ac.abort();
      return unavailable;
    }, { maxElapsedTimeMs: 0 });
    expect(await s.send(item, ac.signal)).toMatchObject({ status: 'failed', reason: 'shutdown', attempts: 3 });
  });

  it('treats an exporter that throws as a permanent failure, not a crash', async () => {
    const { s } = sender(() => {
      throw new TypeError('boom');
    });
    expect(await s.send(item, new AbortController().signal)).toMatchObject({ status: 'failed', reason: 'failure', error: 'exporter threw: TypeError' });
  });
});
