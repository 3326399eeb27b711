/**
 * The cap store contract, run against both stores: the in-memory one and a real redis-server. The same
 * table pins the same meaning (windows, all or nothing, batches in order, give-back, clocks behind),
 * so a gateway behaves the same whichever store it is configured with. Then what only Redis has: key
 * shape and TTLs, concurrent replicas, and failures as values (down, slow, wrong password).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCapStore, type CapKey, type CapStore } from './caps.js';
import { DEFAULT_GRACE_MS, RedisCapStore } from './caps-redis.js';
import { describeWithPeers } from '../../test/support/peers.js';
import { TLS_FIXTURES } from '../../test/support/fixture-paths.js';
import { mulberry32 } from '../../test/support/rng.js';
import { startRedisServer, type RedisServer } from '../../test/support/redis-server.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

function key(k: string, limit: number, windowMs: number, now: number): CapKey {
  return { key: k, limit, windowMs, windowStartMs: now - (now % windowMs) };
}

async function takes(store: CapStore, batch: CapKey[][]): Promise<unknown[]> {
  const r = await store.take(batch);
  if (!r.ok) throw new Error(`store failed: ${r.reason} ${r.detail}`);
  return r.takes.map((t) => (t.taken ? 'taken' : `full:${t.full}`));
}

/** The contract every CapStore keeps; `fresh` gives a store with no counters. */
function contract(fresh: () => Promise<CapStore>): void {
  it('counts up to the limit per key per window, refuses past it, and starts again in the next window', async () => {
    const s = await fresh();
    const t0 = Date.UTC(2025, 0, 1, 10);
    const k = (now: number) => [key('cap\u0000a', 2, HOUR, now)];
    expect(await takes(s, [k(t0), k(t0), k(t0)])).toEqual(['taken', 'taken', 'full:0']);
    expect(await takes(s, [[key('cap\u0000b', 2, HOUR, t0)]])).toEqual(['taken']);
    expect(await takes(s, [k(t0 + HOUR - 1)])).toEqual(['full:0']);
    expect(await takes(s, [k(t0 + HOUR), k(t0 + HOUR), k(t0 + HOUR)])).toEqual(['taken', 'taken', 'full:0']);
  });

  it('takes a batch in order, each entry all or nothing: a refused entry uses no room in its other caps', async () => {
    const s = await fresh();
    const a = key('a', 2, HOUR, 0);
    const b = key('b', 1, HOUR, 0);
    expect(await takes(s, [[b], [a, b], [a, b], [a], [a], [a]])).toEqual(['taken', 'full:1', 'full:1', 'taken', 'taken', 'full:0']);
  });

  it('needs room for two when one entry names the same counter twice', async () => {
    const s = await fresh();
    expect(await takes(s, [[key('k', 1, HOUR, 0), key('k', 1, HOUR, 0)], [key('k', 1, HOUR, 0)]])).toEqual(['full:1', 'taken']);
  });

  it('gives back what a take counted, never into a window that rolled over and never below zero', async () => {
    const s = await fresh();
    const now = Date.UTC(2025, 0, 1);
    const taken = [key('a', 1, HOUR, now), key('b', 2, HOUR, now)];
    expect(await takes(s, [taken, taken])).toEqual(['taken', 'full:0']);
    expect(await s.give([taken])).toEqual({ ok: true });
    expect(await takes(s, [taken])).toEqual(['taken']);
    const later = [key('a', 1, HOUR, now + HOUR), key('b', 2, HOUR, now + HOUR)];
    expect(await takes(s, [later])).toEqual(['taken']);
    expect(await s.give([taken, taken, taken])).toEqual({ ok: true }); // the old window: nothing to free
    expect(await takes(s, [later])).toEqual(['full:0']);
    const unused = key('never-taken', 1, HOUR, now + HOUR);
    expect(await s.give([[unused]])).toEqual({ ok: true });
    expect(await takes(s, [[unused], [unused]])).toEqual(['taken', 'full:0']);
  });

  it('a caller whose clock is behind never reopens a window a faster one filled, and counts into it', async () => {
    const s = await fresh();
    expect(await takes(s, [[key('k', 2, MINUTE, 5 * MINUTE)]])).toEqual(['taken']);
    expect(await takes(s, [[key('k', 2, MINUTE, 4 * MINUTE)], [key('k', 2, MINUTE, 4 * MINUTE)]])).toEqual(['taken', 'full:0']);
    expect(await takes(s, [[key('k', 2, MINUTE, 5 * MINUTE)]])).toEqual(['full:0']);
  });

  it('runs of identical entries (the common shape: spans sharing their caps) take the first ones and refuse the rest', async () => {
    const s = await fresh();
    const a = key('a', 3, HOUR, 0);
    const b = key('b', 10, HOUR, 0);
    expect(await takes(s, [[a, b], [a, b], [a, b], [a, b], [a, b], [b]])).toEqual(['taken', 'taken', 'taken', 'full:0', 'full:0', 'taken']);
    expect(await takes(s, [[b, a], [b, a]])).toEqual(['full:1', 'full:1']);
    const d = key('d', 5, HOUR, 0);
    expect(await takes(s, [[d, d], [d, d], [d, d]])).toEqual(['taken', 'taken', 'full:1']);
  });

  it('a request whose spans straddle a window boundary counts each in its own window', async () => {
    const s = await fresh();
    const w1 = key('k', 1, MINUTE, MINUTE);
    const w2 = key('k', 1, MINUTE, 2 * MINUTE);
    expect(await takes(s, [[w1], [w1], [w2], [w2], [w1]])).toEqual(['taken', 'full:0', 'taken', 'full:0', 'full:0']);
  });

  it('an empty batch and an entry with no keys are taken', async () => {
    const s = await fresh();
    expect(await takes(s, [])).toEqual([]);
    expect(await takes(s, [[]])).toEqual(['taken']);
  });
}

describe('cap store contract: in memory', () => {
  contract(async () => new InMemoryCapStore());
});

describeWithPeers('cap store contract: Redis (a real redis-server)', ['redisServer'], (peer) => {
  let server: RedisServer;
  const open: CapStore[] = [];
  let inspect: Redis;

  beforeAll(async () => {
    server = await startRedisServer(peer.redisServer);
    inspect = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
    await inspect.connect();
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    inspect?.disconnect();
    await server?.kill();
  });

  /** A connected store whose counters no other test sees (its own key prefix). */
  const store = async (options: { prefix?: string; timeoutMs?: number; nowMs?: () => number; port?: number } = {}): Promise<RedisCapStore> => {
    const s = new RedisCapStore({ host: '127.0.0.1', port: options.port ?? server.port, keyPrefix: options.prefix ?? `t:${randomUUID()}:`, timeoutMs: options.timeoutMs ?? 2_000 }, options.nowMs);
    open.push(s);
    expect(await s.connect(5_000)).toEqual({ connected: true });
    return s;
  };

  contract(() => store());

  it('answers exactly as the in-memory store on 300 seeded random requests (takes, give-backs, windows rolling over)', async () => {
    const rng = mulberry32(0xca95);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const redisStore = await store();
    const memory = new InMemoryCapStore();
    const counters = ['a', 'b', 'c\u0000x', 'd'];
    const limits = new Map(counters.map((c) => [c, 1 + Math.floor(rng() * 6)]));
    let now = Date.UTC(2025, 0, 1);
    for (let round = 0; round < 300; round++) {
      if (rng() < 0.05) now += HOUR; // the clock moves on: every window rolls over
      const batch = Array.from({ length: 1 + Math.floor(rng() * 30) }, () =>
        Array.from({ length: Math.floor(rng() * 4) }, () => {
          const c = pick(counters);
          return key(c, limits.get(c)!, HOUR, now);
        }),
      );
      const [fromRedis, fromMemory] = [await redisStore.take(batch), await memory.take(batch)];
      expect(fromRedis, `round ${round}`).toEqual(fromMemory);
      if (rng() < 0.2 && fromMemory.ok) {
        const taken = batch.filter((_, i) => fromMemory.takes[i]!.taken);
        expect(await redisStore.give(taken)).toEqual(await memory.give(taken));
      }
    }
  });

  it('keeps counters under prefix + cap id + digest, no attribute value in Redis, each expiring when its window ends plus the grace', async () => {
    const now = Date.now();
    const prefix = `t:${randomUUID()}:`;
    const s = await store({ prefix, nowMs: () => now });
    const capKey = 'per-user\u0000acme\u0000alice@example.com';
    expect(await takes(s, [[key(capKey, 5, MINUTE, now), key('per-day\u0000acme', 5, 86_400_000, now)]])).toEqual(['taken']);
    const keys = (await inspect.keys(`${prefix}*`)).sort();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}per-day:[A-Za-z0-9_-]{22}$`));
    expect(keys[1]).toMatch(new RegExp(`^${prefix}per-user:[A-Za-z0-9_-]{22}$`));
    expect(keys.join()).not.toContain('alice');
    const windowEnd = now - (now % MINUTE) + MINUTE;
    const ttl = await inspect.pttl(keys[1]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(windowEnd - now + DEFAULT_GRACE_MS);
    expect(await inspect.hgetall(keys[1]!)).toEqual({ s: String(now - (now % MINUTE)), c: '1' });
  });

  it('admits exactly the limit when three replicas take the same counter concurrently', async () => {
    const prefix = `t:${randomUUID()}:`;
    const replicas = [await store({ prefix }), await store({ prefix }), await store({ prefix })];
    const now = Date.now();
    const k = key('shared\u0000acme', 37, HOUR, now);
    // 120 requests of 3 spans each, spread round-robin and all in flight at once.
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => replicas[i % 3]!.take([[k], [k], [k]])));
    const admitted = results.reduce((n, r) => n + (r.ok ? r.takes.filter((t) => t.taken).length : 0), 0);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(admitted).toBe(37);
  });

  it('takes a request of 50,000 spans with a counter each in one call (more arguments than a spread call can pass)', async () => {
    const s = await store({ timeoutMs: 30_000 });
    const now = Date.now();
    const batch = Array.from({ length: 50_000 }, (_, i) => [key(`per-user\u0000acme\u0000u${i % 40_000}`, 1, HOUR, now)]);
    const r = await s.take(batch);
    expect(r.ok && r.takes.filter((t) => t.taken).length).toBe(40_000);
  });

  it('answers unavailable, without throwing or waiting, while Redis is down, and counts again once it is back', async () => {
    const own = await startRedisServer(peer.redisServer);
    try {
      const s = await store({ port: own.port });
      const k = [key('k', 1, HOUR, Date.now())];
      expect(await takes(s, [k])).toEqual(['taken']);
      await own.kill();
      const down = await s.take([k]);
      expect(down).toMatchObject({ ok: false, reason: 'unavailable' });
      expect(await s.give([k])).toMatchObject({ ok: false, reason: 'unavailable' });
      await own.restart(); // empty: the script cache too, so the client must load its scripts again
      let back = await s.take([k]);
      for (let i = 0; i < 100 && !back.ok; i++) {
        await new Promise((r) => setTimeout(r, 50));
        back = await s.take([k]);
      }
      expect(back).toEqual({ ok: true, takes: [{ taken: true }] });
    } finally {
      await own.kill();
    }
  });

  it('answers timeout when Redis is slower than the timeout', async () => {
    const s = await store({ timeoutMs: 50 });
    // CLIENT PAUSE holds every other client's commands, as an overloaded or stalled server would.
    await inspect.call('CLIENT', 'PAUSE', '500', 'ALL');
    const r = await s.take([[key('k', 1, HOUR, Date.now())]]);
    expect(r).toMatchObject({ ok: false, reason: 'timeout' });
  });

  it('speaks TLS: trusts the configured CA, refuses an unknown one, and skips verification only when told', async () => {
    const own = await startRedisServer(peer.redisServer, { tls: TLS_FIXTURES });
    try {
      const k = [key('k', 1, HOUR, Date.now())];
      const trusted = new RedisCapStore({ host: '127.0.0.1', port: own.port, tls: { caFile: TLS_FIXTURES.cert }, keyPrefix: 'tls:', timeoutMs: 2_000 });
      open.push(trusted);
      expect(await trusted.connect(5_000)).toEqual({ connected: true });
      expect(await takes(trusted, [k, k])).toEqual(['taken', 'full:0']);

      const unknownCa = new RedisCapStore({ host: '127.0.0.1', port: own.port, tls: {}, keyPrefix: 'tls:', timeoutMs: 2_000 });
      open.push(unknownCa);
      const refused = await unknownCa.connect(5_000);
      expect(refused.connected).toBe(false);
      expect(await unknownCa.take([k])).toMatchObject({ ok: false, reason: 'unavailable' });

      const unverified = new RedisCapStore({ host: '127.0.0.1', port: own.port, tls: { insecureSkipVerify: true }, keyPrefix: 'tls:', timeoutMs: 2_000 });
      open.push(unverified);
      expect(await unverified.connect(5_000)).toEqual({ connected: true });
      expect(await takes(unverified, [k])).toEqual(['full:0']);

      // Without TLS the server does not answer at all: a plain client never becomes ready.
      const plain = new RedisCapStore({ host: '127.0.0.1', port: own.port, keyPrefix: 'tls:', timeoutMs: 500 });
      open.push(plain);
      expect((await plain.connect(1_500)).connected).toBe(false);
    } finally {
      await own.kill();
    }
  });

  it('connects with a password to the configured database, and reports a wrong password as an error reply', async () => {
    const own = await startRedisServer(peer.redisServer, { args: ['--requirepass', 'pw-ok'] });
    try {
      const prefix = 'db3:';
      const good = new RedisCapStore({ host: '127.0.0.1', port: own.port, password: 'pw-ok', db: 3, keyPrefix: prefix, timeoutMs: 2_000 });
      open.push(good);
      expect(await good.connect(5_000)).toEqual({ connected: true });
      expect(await takes(good, [[key('k', 1, HOUR, Date.now())]])).toEqual(['taken']);
      const look = new Redis({ host: '127.0.0.1', port: own.port, password: 'pw-ok', db: 3 });
      expect(await look.keys(`${prefix}*`)).toHaveLength(1);
      await look.select(0);
      expect(await look.keys(`${prefix}*`)).toHaveLength(0);
      look.disconnect();

      const bad = new RedisCapStore({ host: '127.0.0.1', port: own.port, password: 'wrong', timeoutMs: 2_000 });
      open.push(bad);
      const c = await bad.connect(5_000);
      expect(c.connected).toBe(false);
      expect(await bad.take([[key('k', 1, HOUR, Date.now())]])).toMatchObject({ ok: false });
    } finally {
      await own.kill();
    }
  });
});
