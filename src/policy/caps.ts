/**
 * Caps: at most N spans per key per fixed window ("200 eval cases per tenant per reason per day").
 *
 * Windows are fixed and aligned to the epoch, read from the injected Clock, so two replicas sharing a
 * store agree on window boundaries. The store is an interface: the in-memory one below serves a single
 * replica; a shared store can implement the same contract (in Redis, one Lua script that GETs every
 * key, and only when all have room INCRs each and sets its expiry to the window's end).
 *
 * Every cap that applies to a span is taken in one call, all or nothing: a span refused by one cap
 * must not use up room in another, or a full cap would silently shrink the others.
 */
import type { Clock } from './types.js';

/** One cap's counter for one span: the counter `key` in the window starting at `windowStartMs`. */
export interface CapKey {
  key: string;
  limit: number;
  windowStartMs: number;
  windowMs: number;
}

/** `full` is the index (into the keys given) of the first key that had no room. */
export type CapTake = { readonly taken: true } | { readonly taken: false; readonly full: number };

export interface CapStore {
  /**
   * Atomically: when every key has fewer than `limit` counted in its window, counts one against each
   * and answers taken; otherwise counts nothing. An empty list is taken.
   */
  tryTake(keys: readonly CapKey[]): CapTake;
  /**
   * Gives back what a successful `tryTake(keys)` counted, when the spans it admitted were not accepted
   * after all (the gateway answered 503 because an export queue was full, and the client will resend).
   * Counters whose window has since rolled over are left alone.
   */
  give(keys: readonly CapKey[]): void;
}

export const TAKEN: CapTake = Object.freeze({ taken: true });

interface Slot {
  windowStartMs: number;
  windowEndMs: number;
  count: number;
}

export interface InMemoryCapStoreOptions {
  /**
   * Most counters kept at once. Cap keys can come from attribute values, so their number is the
   * sender's to choose; past this bound (after finished windows are released) a span needing a new
   * counter is refused as over its cap rather than letting memory grow or forgetting a live count.
   */
  maxEntries?: number;
}

export const DEFAULT_MAX_CAP_ENTRIES = 100_000;

/**
 * One replica's counters. A counter is released once its window has ended: the store learns the time
 * from the window starts it is asked about (never later than now), and sweeps when that passes the
 * earliest window end it holds, so finished windows cost one sweep each, not one per call.
 */
export class InMemoryCapStore implements CapStore {
  readonly #slots = new Map<string, Slot>();
  readonly #maxEntries: number;
  /** The earliest end of any window held; a call that starts at or after it triggers a sweep. */
  #earliestEnd = Number.POSITIVE_INFINITY;
  /** Latest window start seen: a lower bound on the current time. */
  #now = Number.NEGATIVE_INFINITY;

  constructor(options: InMemoryCapStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_CAP_ENTRIES;
  }

  tryTake(keys: readonly CapKey[]): CapTake {
    for (let i = 0; i < keys.length; i++) if (keys[i]!.windowStartMs > this.#now) this.#now = keys[i]!.windowStartMs;
    if (this.#now >= this.#earliestEnd) this.#sweep();

    // Check every key before counting any.
    let firstNew = -1;
    let newSlots = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const slot = this.#slots.get(k.key);
      const used = (slot === undefined || slot.windowStartMs < k.windowStartMs ? 0 : slot.count) + sameKeyBefore(keys, i);
      if (used >= k.limit) return { taken: false, full: i };
      if (slot === undefined && used === 0) {
        newSlots++;
        if (firstNew < 0) firstNew = i;
      }
    }
    if (newSlots > 0 && this.#slots.size + newSlots > this.#maxEntries) {
      this.#sweep();
      if (this.#slots.size + newSlots > this.#maxEntries) return { taken: false, full: firstNew };
    }

    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const slot = this.#slots.get(k.key);
      const windowEndMs = k.windowStartMs + k.windowMs;
      if (slot === undefined) this.#slots.set(k.key, { windowStartMs: k.windowStartMs, windowEndMs, count: 1 });
      else if (slot.windowStartMs >= k.windowStartMs) {
        // The current window, or a later one another caller's clock already opened (a slow clock must
        // never reopen a window that is already full).
        slot.count++;
        continue;
      } else {
        // The window rolled over: the counter starts again, in place.
        slot.windowStartMs = k.windowStartMs;
        slot.windowEndMs = windowEndMs;
        slot.count = 1;
      }
      if (windowEndMs < this.#earliestEnd) this.#earliestEnd = windowEndMs;
    }
    return TAKEN;
  }

  give(keys: readonly CapKey[]): void {
    for (const k of keys) {
      const slot = this.#slots.get(k.key);
      if (slot !== undefined && slot.windowStartMs === k.windowStartMs && slot.count > 0) slot.count--;
    }
  }

  /** Counters held (live windows, plus finished ones not yet swept). */
  get size(): number {
    return this.#slots.size;
  }

  #sweep(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, s] of this.#slots) {
      if (s.windowEndMs <= this.#now) this.#slots.delete(key);
      else if (s.windowEndMs < earliest) earliest = s.windowEndMs;
    }
    this.#earliestEnd = earliest;
  }
}

/** How many earlier entries of `keys` name the same counter (each needs its own room). */
function sameKeyBefore(keys: readonly CapKey[], i: number): number {
  let n = 0;
  for (let j = 0; j < i; j++) if (keys[j]!.key === keys[i]!.key) n++;
  return n;
}

export function windowStart(clock: Clock, windowMs: number): number {
  const now = clock.nowMs();
  return now - (now % windowMs);
}
