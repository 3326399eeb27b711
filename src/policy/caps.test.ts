import { describe, expect, it } from 'vitest';
import { InMemoryCapStore, windowStart } from './caps.js';

describe('caps', () => {
  it('allows limit spans per key per fixed window, then refuses until the next window', () => {
    const store = new InMemoryCapStore();
    let now = Date.UTC(2025, 0, 1, 10, 0, 0);
    const clock = { nowMs: () => now };
    const day = 86_400_000;
    const take = (key: string) => store.tryTake(key, windowStart(clock, day), day, 2);
    expect([take('a'), take('a'), take('a'), take('b')]).toEqual([true, true, false, true]);
    now += 13 * 3_600_000; // 23:00 the same day: same window
    expect(take('a')).toBe(false);
    now += 3_600_000; // midnight UTC: a new window
    expect([take('a'), take('a'), take('a')]).toEqual([true, true, false]);
  });

  it('sweeps only windows that have ended', () => {
    const store = new InMemoryCapStore({ sweepAtEntries: 2 });
    const week = 7 * 86_400_000;
    const minute = 60_000;
    store.tryTake('weekly', 0, week, 1);
    store.tryTake('m1', 0, minute, 1);
    store.tryTake('m2', 10 * minute, minute, 1); // sweeps m1 (ended), keeps weekly (still open)
    expect(store.size).toBe(2);
    expect(store.tryTake('weekly', 0, week, 1)).toBe(false);
  });
});
