/**
 * The pipeline's cap step with real stores: in memory, and a real redis-server that is killed and
 * restarted. What a request's claims become (kept, refused as cap_exceeded or cap_store_unavailable,
 * admitted unchecked), what is counted, and that an outage is logged once per interval, not per span.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCapStore } from '../policy/caps.js';
import { RedisCapStore } from '../policy/caps-redis.js';
import { batch, exportedSpans, policyOf, span } from '../policy/test-helpers.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import { noopMetrics } from '../telemetry/metrics-types.js';
import { describeWithPeers } from '../../test/support/peers.js';
import { startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import { createCapAdmission, type OnUnavailable } from './cap-admission.js';

const policy = policyOf({
  version: 1,
  tenants: { default_contract: { eval: true, broad_use: true } },
  caps: [{ id: 'eval-per-tenant', class: ['eval-only'], key: ['tenant'], limit: 3, window: '1h' }],
  rules: [
    { id: 'feedback', when: { attribute: { key: 'feedback', exists: true } }, class: 'eval-only' },
    { id: 'rest', when: { always: true }, class: 'broad-use' },
  ],
});
/** Two capped spans and one that no cap applies to. */
const request = () => policy.process(batch({ 'tenant.id': 'acme' }, span({ attrs: { feedback: 'up' } }), span(), span({ attrs: { feedback: 'edit' } })), {});

function recorder() {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const add = (k: string, n: number): void => void counts.set(k, (counts.get(k) ?? 0) + n);
  const metrics: GatewayMetrics = {
    ...noopMetrics,
    capStoreCall: (op, _s, outcome) => add(`call:${op}:${outcome}`, 1),
    spansCapped: (n, reason) => add(`capped:${reason}`, n),
    spansCapUnchecked: (n) => add('unchecked', n),
  };
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    warn: (obj: object, msg: string) => void lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    info: (obj: object, msg: string) => void lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
  };
  return { metrics, counts, calls, lines, logger };
}

describe('cap admission, in memory', () => {
  it('keeps what fits, refuses the rest as cap_exceeded, counts only once committed, gives back on release', async () => {
    const r = recorder();
    const caps = createCapAdmission({ store: new InMemoryCapStore(), onUnavailable: 'closed', metrics: r.metrics, logger: r.logger });
    const first = await caps.admit(request());
    expect(exportedSpans(first.result).map((e) => e.cls)).toEqual(['eval-only', 'eval-only', 'broad-use']);
    caps.commit(first);
    const second = await caps.admit(request());
    expect(exportedSpans(second.result).map((e) => e.cls)).toEqual(['eval-only', 'broad-use']);
    expect(second.result.discarded).toEqual({ cap_exceeded: 1 });
    expect(r.counts.get('capped:cap_exceeded')).toBe(0); // not committed yet
    // Refused after all (503): its one taken span is given back, so the resend fits again.
    await caps.release(second);
    const resend = await caps.admit(request());
    expect(resend.result.discarded).toEqual({ cap_exceeded: 1 });
    caps.commit(resend);
    expect(r.counts.get('capped:cap_exceeded')).toBe(1);
    expect(r.counts.get('call:take:ok')).toBe(3);
    expect(r.counts.get('call:give:ok')).toBe(1);
    expect(r.lines).toEqual([]);
  });

  it('does not call the store for a request that claims no cap', async () => {
    const r = recorder();
    const caps = createCapAdmission({ store: new InMemoryCapStore(), onUnavailable: 'closed', metrics: r.metrics, logger: r.logger });
    const result = policy.process(batch({ 'tenant.id': 'acme' }, span()), {});
    const settled = await caps.admit(result);
    expect(settled.result).toBe(result);
    expect(r.counts.size).toBe(0);
  });
});

describeWithPeers('cap admission, Redis killed and restarted', ['redisServer'], (peer) => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer(peer.redisServer);
  });
  afterAll(async () => {
    await server?.kill();
  });

  const setup = async (onUnavailable: OnUnavailable) => {
    const r = recorder();
    const store = new RedisCapStore({ host: '127.0.0.1', port: server.port, keyPrefix: `adm:${onUnavailable}:${Date.now()}:`, timeoutMs: 500 });
    expect(await store.connect(5_000)).toEqual({ connected: true });
    let now = 0;
    const caps = createCapAdmission({ store, onUnavailable, metrics: r.metrics, logger: r.logger, logIntervalMs: 30_000, nowMs: () => now });
    return { ...r, store, caps, advance: (ms: number) => void (now += ms) };
  };

  it('closed: while Redis is down capped spans are discarded as cap_store_unavailable, the rest flows, one log line per interval', async () => {
    const t = await setup('closed');
    try {
      expect(exportedSpans((await t.caps.admit(request())).result)).toHaveLength(3);
      await server.kill();
      for (let i = 0; i < 50; i++) {
        const s = await t.caps.admit(request());
        expect(exportedSpans(s.result).map((e) => e.cls)).toEqual(['broad-use']);
        expect(s.result.discarded).toEqual({ cap_store_unavailable: 2 });
        expect(s.taken).toEqual([]);
        t.caps.commit(s);
        t.advance(100); // 50 requests over 5 s: within one interval
      }
      expect(t.counts.get('capped:cap_store_unavailable')).toBe(100);
      expect(t.counts.get('call:take:unavailable')).toBe(50);
      expect(t.lines).toHaveLength(1);
      expect(t.lines[0]).toMatchObject({ level: 'warn', obj: { capStore: 'redis', operation: 'take', reason: 'unavailable', onUnavailable: 'closed', spans: 2, failedCalls: 1 } });
      expect(t.lines[0]!.msg).toMatch(/discarded as cap_store_unavailable/);

      t.advance(30_000);
      await t.caps.admit(request());
      expect(t.lines).toHaveLength(2); // the next interval: one more line, with what the outage cost since
      expect(t.lines[1]!.obj).toMatchObject({ failedCalls: 50, spans: 100 });

      await server.restart();
      let back = await t.caps.admit(request());
      for (let i = 0; i < 100 && back.result.discarded.cap_store_unavailable; i++) {
        await new Promise((r) => setTimeout(r, 50));
        back = await t.caps.admit(request());
      }
      // Redis came back empty: the cap counts again from zero (limit 3: the first two fit).
      expect(exportedSpans(back.result)).toHaveLength(3);
      const recovered = t.lines.filter((l) => l.level === 'info');
      expect(recovered).toHaveLength(1);
      expect(recovered[0]!.msg).toMatch(/available again/);
      const capped = await t.caps.admit(request());
      expect(capped.result.discarded).toEqual({ cap_exceeded: 1 });
    } finally {
      await t.store.close();
    }
  });

  it('open: while Redis is down capped spans are admitted uncounted and counted as such', async () => {
    const t = await setup('open');
    try {
      await server.kill();
      const s = await t.caps.admit(request());
      expect(exportedSpans(s.result)).toHaveLength(3);
      expect(s.result.discarded).toEqual({});
      t.caps.commit(s);
      expect(t.counts.get('unchecked')).toBe(2);
      expect(t.lines[0]!.msg).toMatch(/admitted uncounted \(on_unavailable: open\)/);
    } finally {
      await t.store.close();
      await server.restart();
    }
  });
});
