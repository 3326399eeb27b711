import { describe, expect, it } from 'vitest';
import { boundedCapKey, InMemoryCapStore, settleCaps, UNAVAILABLE, UNCHECKED, windowStart, withLocalCaps, type CapKey } from './caps.js';
import { attr, batch, exportedSpans, policyOf, span } from './test-helpers.js';

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
    store.giveBack(taken);
    expect(store.tryTake(keys()).taken).toBe(true);
    clock.now += HOUR; // a new window: giving back the old take must not free room in it
    expect(store.tryTake(keys()).taken).toBe(true);
    store.giveBack(taken);
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
      { clock },
    );
    const send = (user: string) => withLocalCaps(p, store).process(batch({ 'tenant.id': 't' }, span({ attrs: { 'user.id': user } })), {}, { explain: true }).decisions![0]!;
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

describe('InMemoryCapStore batches', () => {
  it('takes a request’s entries in order, each all or nothing: a refused entry leaves room for later ones', () => {
    const store = new InMemoryCapStore();
    const a = capKey('a', 2, HOUR, 0);
    const b = capKey('b', 1, HOUR, 0);
    expect(store.takeBatch([[a], [a, b], [a, b], [a], [b]])).toEqual([
      { taken: true },
      { taken: true }, // a: 2 of 2, b: 1 of 1
      { taken: false, full: 0 },
      { taken: false, full: 0 },
      { taken: false, full: 0 },
    ]);
    store.giveBatch([[a, b]]);
    expect(store.takeBatch([[b], [a]])).toEqual([{ taken: true }, { taken: true }]);
  });
});

describe('boundedCapKey', () => {
  it('keeps short keys and turns long ones into their cap id and a digest, distinct per value', () => {
    expect(boundedCapKey('cap\u0000acme')).toBe('cap\u0000acme');
    const long = (c: string) => `per-user\u0000acme\u0000${c.repeat(10_000)}`;
    const k1 = boundedCapKey(long('x'));
    expect(k1.startsWith('per-user\u0000#')).toBe(true);
    expect(k1.length).toBeLessThan(64);
    expect(boundedCapKey(long('y'))).not.toBe(k1);
    expect(boundedCapKey(long('x'))).toBe(k1);
  });
});

describe('engine cap claims and settleCaps', () => {
  const clock = manualClock(Date.UTC(2025, 0, 1));
  const p = policyOf(
    {
      version: 1,
      tenants: { default_contract: { eval: true, broad_use: true } },
      caps: [{ id: 'eval-per-tenant', class: ['eval-only'], key: ['tenant'], limit: 1, window: '1h' }],
      rules: [
        { id: 'feedback', when: { attribute: { key: 'feedback', exists: true } }, class: 'eval-only' },
        { id: 'rest', when: { always: true }, class: 'broad-use' },
      ],
    },
    { clock },
  );
  const input = () =>
    batch(
      { 'tenant.id': 't' },
      span({ attrs: { feedback: 'up' } }),
      span({ attrs: { other: 1 } }),
      span({ attrs: { feedback: 'down' } }),
    );

  it('the engine counts nothing: every span caps apply to is in its output with a claim saying where', () => {
    const r = p.process(input(), {}, { explain: true });
    expect(exportedSpans(r).map((e) => e.cls)).toEqual(['eval-only', 'eval-only', 'broad-use']);
    expect(r.capRequests).toHaveLength(2);
    const [first, second] = r.capRequests!;
    expect(first!.capIds).toEqual(['eval-per-tenant']);
    expect(first!.keys[0]).toMatchObject({ limit: 1, windowMs: HOUR, windowStartMs: clock.now });
    const evalOut = r.outputs[first!.at.output]!;
    expect(evalOut.class).toBe('eval-only');
    if (evalOut.signal !== 'traces') throw new Error('traces in, traces out');
    const claimed = evalOut.data.resourceSpans[first!.at.resource]!.scopeSpans[first!.at.scope]!.spans[first!.at.span]!;
    expect(attr(claimed, 'feedback')).toBe('up');
    expect(claimed.spanId).toBe(r.decisions![first!.decision!]!.spanId);
    expect(second!.at).toMatchObject({ output: first!.at.output, span: 1 });
    expect(r.decisions![second!.decision!]!.classification).toBe('eval-only');
    // Nothing was taken: processing again claims the same again.
    expect(p.process(input(), {}).capRequests).toHaveLength(2);
  });

  it('removes refused spans from their outputs, counts them by reason and says why in explain', () => {
    const r = p.process(input(), {}, { explain: true });
    const before = structuredClone(r);
    const s = settleCaps(r, [{ taken: true }, { taken: false, full: 0 }]);
    expect(r).toEqual(before); // the engine's result is left as it was
    expect(s.result.capRequests).toBeUndefined();
    expect(exportedSpans(s.result).map((e) => attr(e.span, 'feedback') ?? attr(e.span, 'other'))).toEqual(['up', 1]);
    expect(s.result.outputs.find((o) => o.class === 'eval-only')!.count).toBe(1);
    expect(s.result.discarded).toEqual({ cap_exceeded: 1 });
    expect(s.taken).toEqual([r.capRequests![0]!.keys]);
    expect(s.capped).toEqual({ cap_exceeded: 1, cap_store_unavailable: 0, unchecked: 0 });
    const d = s.result.decisions![r.capRequests![1]!.decision!]!;
    expect(d).toMatchObject({ classification: 'discard', discardReason: 'cap_exceeded', rule: 'feedback' });
    expect(d.reason).toMatch(/^rule 'feedback' matched .*; but cap 'eval-per-tenant' is full for this window$/);
  });

  it('a store that did not answer refuses every claim (closed) or admits them uncounted (open)', () => {
    const closed = settleCaps(p.process(input(), {}, { explain: true }), [UNAVAILABLE, UNAVAILABLE]);
    expect(closed.result.outputs.map((o) => o.class)).toEqual(['broad-use']); // the emptied output is gone
    expect(closed.result.discarded).toEqual({ cap_store_unavailable: 2 });
    expect(closed.taken).toEqual([]);
    expect(closed.result.decisions!.filter((d) => d.discardReason === 'cap_store_unavailable').map((d) => d.reason)).toEqual([
      expect.stringMatching(/but the cap store did not answer, so cap 'eval-per-tenant' counts as reached \(fail closed\)$/),
      expect.any(String),
    ]);

    const open = settleCaps(p.process(input(), {}), [UNCHECKED, UNCHECKED]);
    expect(exportedSpans(open.result)).toHaveLength(3);
    expect(open.taken).toEqual([]); // nothing to give back: nothing was counted
    expect(open.capped.unchecked).toBe(2);
  });

  it('withLocalCaps counts in its own store, across calls', () => {
    const local = withLocalCaps(p);
    expect(exportedSpans(local.process(input(), {})).map((e) => e.cls)).toEqual(['eval-only', 'broad-use']);
    expect(exportedSpans(local.process(input(), {})).map((e) => e.cls)).toEqual(['broad-use']);
    expect(exportedSpans(withLocalCaps(p).process(input(), {}))).toHaveLength(2);
  });
});
