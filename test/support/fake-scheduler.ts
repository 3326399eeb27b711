/**
 * A Scheduler for tests: time only moves when someone sleeps (or the test calls advance), so hours of
 * backoff run instantly and every delay is recorded exactly.
 */
import type { Scheduler } from '../../src/export/scheduler.js';

export class FakeScheduler implements Scheduler {
  /** Every delay requested, in order. */
  readonly sleeps: number[] = [];
  private now: number;

  constructor(startMs = 1_700_000_000_000) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!signal?.aborted) this.now += Math.max(0, ms);
    // Resolve on a later macrotask so concurrent work interleaves as it would with real timers.
    return new Promise((resolve) => setImmediate(resolve));
  }
}
