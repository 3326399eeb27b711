/**
 * The policy worker pool itself (real worker threads): a reload under load reaches every worker
 * atomically. Each request runs under one compiled version, and every span of every body it returns
 * carries that version's stamp: never a mix within a request, never a version no worker compiled.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeTraces } from '../otlp/index.js';
import { loadPolicy } from '../policy/load.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';
import { PolicyWorkers } from './policy-workers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const base = readFileSync(join(ROOT, 'policies/examples/redact-all.yaml'), 'utf8');
const body = readFileSync(join(PRODUCERS_DIR, 'traceloop.pb'));
const plan = { traces: { 'broad-use': ['protobuf'], 'tenant-only': ['protobuf'], 'eval-only': ['protobuf'] } } as const;

describe('policy worker pool', () => {
  const pools: PolicyWorkers[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('a reload under load: every output carries the one version its request ran under', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-pool-'));
    writeFileSync(join(dir, 'a.yaml'), base);
    const a = loadPolicy(join(dir, 'a.yaml'), { env: {} });
    // A different policy: one more rule-free caps entry changes the canonical JSON, so the version.
    writeFileSync(join(dir, 'b.yaml'), `${base}\ncaps:\n  - id: roomy\n    key: [tenant]\n    limit: 1000000000\n    window: 1d\n`);
    const b = loadPolicy(join(dir, 'b.yaml'), { env: {} });
    if (!a.ok || !b.ok) throw new Error('policies must load');
    expect(a.policy.version).not.toBe(b.policy.version);
    const pool = new PolicyWorkers({ size: 2, policy: { sources: a.sources, version: a.policy.version }, env: {}, limits: { maxDepth: 64 }, plan, maxDecodedBytes: 64 << 20, logger: { error() {}, warn() {} } });
    pools.push(pool);
    await pool.ready();

    const takeAll = async (requests: readonly unknown[]) => requests.map(() => ({ taken: true }) as const);
    const seen = new Map<string, number>();
    const load = Array.from({ length: 120 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 2));
      const o = await pool.run({ signal: 'traces', encoding: 'protobuf', body: new Uint8Array(body), ctx: {} }, takeAll);
      expect(o.ok).toBe(true);
      if (!o.ok) return;
      expect([a.policy.version, b.policy.version]).toContain(o.policyVersion);
      seen.set(o.policyVersion, (seen.get(o.policyVersion) ?? 0) + 1);
      for (const out of o.outputs) {
        const d = decodeTraces(out.bodies.protobuf!, 'protobuf');
        if (!d.ok) throw new Error(d.error);
        for (const span of d.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))) {
          const stamp = span.attributes.find((kv) => kv.key === 'loopgate.policy.version')?.value;
          expect(stamp).toEqual({ kind: 'string', value: o.policyVersion });
        }
      }
    });
    const reloads = (async () => {
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 30));
        const next = i % 2 === 0 ? b : a;
        expect(await pool.reload(next.sources, next.policy.version)).toEqual({ ok: true });
      }
    })();
    await Promise.all([...load, reloads]);
    // Both versions served requests: the reloads really happened during the load.
    expect(seen.size).toBe(2);
  }, 120_000);
});
