import { describe, expect, it } from 'vitest';
import { InMemoryCapStore, windowStart, type CapKey } from './caps.js';
import { batch, exportedSpans, policyOf, span } from './test-helpers.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A clock the test moves by hand. */
function manualClock(start: number) {
  const c = { now: start, nowMs: () => c.now };
  return c;
}

function capKey(key: string, limit: number, windowMs: number, now: number): CapKey {
  return { key, limit, windowMs, windowStartMs: now - (now % windowMs) };
}

describe('InMemoryCapStore', () => {
  it('allows limit spans per key per fixed window, then refuses until the next window', () => {
    const store = new InMemoryCapStore();
    const clock = manualClock(Date.UTC(2025, 0, 1, 10, 0, 0));
    const take = (key: string) => store.tryTake([{ key, limit: 2, windowMs: DAY, windowStartMs: windowStart(clock, DAY) }]).taken;
    expect([take('a'), take('a'), take('a'), take('b')]).toEqual([true, true, false, true]);
    clock.now += 13 * HOUR; // 23:00 the same day: same window
    expect(take('a')).toBe(false);
    clock.now += HOUR; // midnight UTC: the window rolls over and the count starts again
    expect([take('a'), take('a'), take('a')]).toEqual([true, true, false]);
  });

  it('takes from every key or from none: a full second cap leaves the first untouched', () => {
    const store = new InMemoryCapStore();
    const clock = manualClock(Date.UTC(2025, 0, 1));
    const first = () => capKey('first', 2, HOUR, clock.now);
    const second = () => capKey('second', 1, HOUR, clock.now);
    expect(store.tryTake([second()])).toEqual({ taken: true }); // fills the second cap
    expect(store.tryTake([first(), second()])).toEqual({ taken: false, full: 1 });
    expect(store.tryTake([first(), second()])).toEqual({ taken: false, full: 1 });
    // Had the refused calls counted against `first`, it would now be full.
    expect(store.tryTake([first()]).taken).toBe(true);
    expect(store.tryTake([first()]).taken).toBe(true);
    expect(store.tryTake([first()])).toEqual({ taken: false, full: 0 });
  });

  it('gives back what a take counted, but never into a window that has rolled over', () => {
    const store = new InMemoryCapStore();
    const clock = manualClock(Date.UTC(2025, 0, 1));
    const keys = () => [capKey('a', 1, HOUR, clock.now), capKey('b', 2, HOUR, clock.now)];
    const taken = keys();
    expect(store.tryTake(taken).taken).toBe(true);
    expect(store.tryTake(keys())).toEqual({ taken: false, full: 0 });
    store.give(taken);
    expect(store.tryTake(keys()).taken).toBe(true);
    clock.now += HOUR; // a new window: giving back the old take must not free room in it
    expect(store.tryTake(keys()).taken).toBe(true);
    store.give(taken);
    expect(store.tryTake(keys())).toEqual({ taken: false, full: 0 });
  });

  it('an empty list is taken; the same counter twice in one call needs room for two', () => {
    const store = new InMemoryCapStore();
    expect(store.tryTake([]).taken).toBe(true);
    expect(store.tryTake([capKey('k', 1, HOUR, 0), capKey('k', 1, HOUR, 0)])).toEqual({ taken: false, full: 1 });
    expect(store.tryTake([capKey('k', 1, HOUR, 0)]).taken).toBe(true);
  });

  it('a caller whose clock is behind never reopens a window another caller already filled', () => {
    const store = new InMemoryCapStore();
    expect(store.tryTake([capKey('k', 1, MINUTE, 5 * MINUTE)]).taken).toBe(true);
    expect(store.tryTake([capKey('k', 1, MINUTE, 4 * MINUTE)]).taken).toBe(false);
  });

  it('releases the counters of finished windows: memory does not grow with time', () => {
    const store = new InMemoryCapStore();
    const clock = manualClock(0);
    for (let minute = 0; minute < 500; minute++) {
      for (let k = 0; k < 20; k++) expect(store.tryTake([capKey(`m${minute}-${k}`, 1, MINUTE, clock.now)]).taken).toBe(true);
      expect(store.size).toBeLessThanOrEqual(20);
      clock.now += MINUTE;
    }
    // A long window stays while shorter ones come and go.
    const week = 7 * DAY;
    store.tryTake([capKey('weekly', 1, week, clock.now)]);
    clock.now += 2 * MINUTE;
    store.tryTake([capKey('late', 1, MINUTE, clock.now)]);
    expect(store.size).toBe(2);
    expect(store.tryTake([capKey('weekly', 1, week, clock.now)]).taken).toBe(false);
  });

  it('past maxEntries refuses spans needing a new counter, keeps counting existing ones, recovers when windows end', () => {
    const store = new InMemoryCapStore({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) expect(store.tryTake([capKey(k, 5, MINUTE, 0)]).taken).toBe(true);
    expect(store.tryTake([capKey('a', 5, MINUTE, 0), capKey('d', 5, MINUTE, 0)])).toEqual({ taken: false, full: 1 });
    expect(store.tryTake([capKey('a', 5, MINUTE, 0)]).taken).toBe(true);
    expect(store.size).toBe(3);
    expect(store.tryTake([capKey('d', 5, MINUTE, MINUTE)]).taken).toBe(true);
    expect(store.size).toBe(1);
  });
});

describe('caps through the engine', () => {
  it('a span refused by a later cap does not use up room in an earlier one', () => {
    const clock = manualClock(Date.UTC(2025, 0, 1));
    const store = new InMemoryCapStore();
    const p = policyOf(
      {
        version: 1,
        tenants: { default_contract: { eval: true } },
        caps: [
          { id: 'per-tenant-daily', key: ['tenant'], limit: 3, window: '1d' },
          { id: 'per-user-hourly', key: ['tenant', 'attribute:user.id'], limit: 1, window: '1h' },
        ],
        rules: [{ id: 'eval', when: { always: true }, class: 'eval-only' }],
      },
      { clock, capStore: store },
    );
    const send = (user: string) => p.process(batch({ 'tenant.id': 't' }, span({ attrs: { 'user.id': user } })), {}, { explain: true }).decisions![0]!;
    expect(send('u1').classification).toBe('eval-only');
    // u1 is over its hourly cap four more times; none of those may count against the daily one.
    for (let i = 0; i < 4; i++) {
      const d = send('u1');
      expect(d.discardReason).toBe('cap_exceeded');
      expect(d.reason).toContain("cap 'per-user-hourly' is full");
    }
    expect(send('u2').classification).toBe('eval-only');
    expect(send('u3').classification).toBe('eval-only');
    const d = send('u4');
    expect(d.discardReason).toBe('cap_exceeded');
    expect(d.reason).toContain("cap 'per-tenant-daily' is full");
  });
});
