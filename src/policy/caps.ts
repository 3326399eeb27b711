/**
 * Caps: at most N spans per key per fixed window ("200 eval cases per tenant per reason per day").
 *
 * Windows are fixed and aligned to the epoch, read from the injected Clock, so two replicas sharing a
 * store agree on window boundaries. The store is an interface: the in-memory one below serves a single
 * replica; a shared store (Redis INCR with expiry, say) can implement the same contract later.
 */
import type { Clock } from './types.js';

export interface CapStore {
  /**
   * Counts one span against `key` in the window starting at `windowStartMs` when fewer than `limit`
   * were counted there; returns whether it was counted (i.e. the span is within the cap).
   */
  tryTake(key: string, windowStartMs: number, windowMs: number, limit: number): boolean;
}

interface Slot {
  windowStartMs: number;
  windowMs: number;
  count: number;
}

/** One replica's counters. Entries of finished windows are swept when the map grows. */
export class InMemoryCapStore implements CapStore {
  readonly #slots = new Map<string, Slot>();
  readonly #sweepAt: number;

  constructor(options: { sweepAtEntries?: number } = {}) {
    this.#sweepAt = options.sweepAtEntries ?? 10_000;
  }

  tryTake(key: string, windowStartMs: number, windowMs: number, limit: number): boolean {
    let slot = this.#slots.get(key);
    if (slot === undefined || slot.windowStartMs !== windowStartMs) {
      if (slot === undefined && this.#slots.size >= this.#sweepAt) this.#sweep(windowStartMs);
      slot = { windowStartMs, windowMs, count: 0 };
      this.#slots.set(key, slot);
    }
    if (slot.count >= limit) return false;
    slot.count++;
    return true;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** `notBefore` is a window start, so never after now: a slot that ended by then is finished. */
  #sweep(notBefore: number): void {
    for (const [k, s] of this.#slots) if (s.windowStartMs + s.windowMs <= notBefore) this.#slots.delete(k);
  }
}

export function windowStart(clock: Clock, windowMs: number): number {
  const now = clock.nowMs();
  return now - (now % windowMs);
}
