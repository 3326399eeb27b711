/**
 * Scale-out, proven with real processes: three `loopgate serve` child processes share one real
 * redis-server as their cap store, and a round-robin client spreads one tenant's traffic over them.
 *
 *   - caps: across all replicas together a cap admits exactly its limit per window: not 3 × limit, not
 *     fewer; in two consecutive windows, and for traffic that runs straight across a boundary;
 *   - sampling: every span of a trace gets the same decision on every replica (10,000 traces whose
 *     spans are spread at random), and it is the decision the engine makes in this process;
 *   - Redis killed mid-run (SIGKILL): no replica crashes, capped spans fail closed
 *     (cap_store_unavailable), other classes keep flowing, one log line per outage per replica; when
 *     Redis returns, caps are counted again, exactly.
 *
 * Windows are fixed and epoch-aligned (4 s here). Which window a request's spans were counted in is
 * known when the request was sent and answered inside one window; a phase that straddled a boundary
 * (a loaded machine) is run again in a later window rather than guessed at. No timing is asserted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeTracesProtobuf } from '../../src/otlp/encode-protobuf.js';
import { getStringAttribute, newSpan, str, type KeyValue, type Span, type TracesData } from '../../src/otlp/model.js';
import { loadPolicy } from '../../src/policy/load.js';
import { describeWithPeers } from '../support/peers.js';
import { startGatewayProcess, sample, type GatewayProcess } from '../support/gateway-process.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { mulberry32 } from '../support/rng.js';

const WINDOW_MS = 4_000;
const LIMIT = 40;
const REPLICAS = 3;
const SAMPLE_RATE = 0.3;

const POLICY = `version: 1
tenants:
  default_contract: { broad_use: true, eval: true, tenant_only: true }
caps:
  - id: eval-per-tenant
    class: [eval-only]
    key: [tenant]
    limit: ${LIMIT}
    window: ${WINDOW_MS / 1000}s
rules:
  - id: feedback
    when: { attribute: { key: app.kind, equals: feedback } }
    class: eval-only
  - id: sampled
    when: { attribute: { key: app.kind, equals: sampled } }
    class: tenant-only
    sample: ${SAMPLE_RATE}
  - id: rest
    when: { always: true }
    class: broad-use
`;

const kv = (key: string, value: string): KeyValue => ({ key, value: str(value) });
let ids = 0;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function spanOf(kind: string, phase: string, traceId = hex(++ids, 32)): Span {
  return newSpan({ traceId, spanId: hex(++ids, 16), name: 'chat', attributes: [kv('app.kind', kind), kv('test.phase', phase)] });
}

function request(tenant: string, spans: Span[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('tenant.id', tenant), kv('service.name', 'replica-test')], droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 'test', version: '', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

const windowOf = (t: number): number => Math.floor(t / WINDOW_MS);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Waits until `margin` ms into the next window, and returns that window's number. */
async function nextWindow(margin = 150): Promise<number> {
  const now = Date.now();
  await sleep(WINDOW_MS - (now % WINDOW_MS) + margin);
  return windowOf(Date.now());
}

describeWithPeers('three replicas sharing one Redis', ['redisServer'], (peer) => {
  let redis: RedisServer;
  let sink: OtlpSink;
  const replicas: GatewayProcess[] = [];
  let next = 0;

  beforeAll(async () => {
    redis = await startRedisServer(peer.redisServer);
    sink = await startOtlpSink();
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-replicas-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    writeFileSync(
      join(dir, 'loopgate.yaml'),
      [
        'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
        'policy: policy.yaml',
        `exporters: { otlphttp/sink: { endpoint: "${sink.url}", retry_on_failure: { initial_interval: 100ms } } }`,
        'routes: { broad-use: [otlphttp/sink], tenant-only: [otlphttp/sink], eval-only: [otlphttp/sink] }',
        // A generous timeout: this proves exactness on a shared, loaded machine, not latency.
        'cap_store: { redis: { endpoint: "${env:REDIS_ADDR}", timeout: 2s, key_prefix: "replicas-test:" } }',
        'service: { telemetry: { metrics: { address: "127.0.0.1:0" } }, shutdown_timeout: 5s }',
        '',
      ].join('\n'),
    );
    const started = await Promise.all(
      Array.from({ length: REPLICAS }, () => startGatewayProcess(join(dir, 'loopgate.yaml'), { env: { REDIS_ADDR: `127.0.0.1:${redis.port}` } })),
    );
    replicas.push(...started);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await sink?.close();
    await redis?.kill();
  }, 60_000);

  /** One request to the next replica in turn; resolves with when it was sent and answered. */
  const send = async (data: TracesData, to = replicas[next++ % REPLICAS]!): Promise<{ sentAt: number; answeredAt: number }> => {
    const sentAt = Date.now();
    const res = await fetch(`${to.receiverUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTracesProtobuf(data) });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    return { sentAt, answeredAt: Date.now() };
  };

  /** Once every span the replicas routed has reached the sink: nothing is still on its way. */
  const drained = async (): Promise<void> => {
    for (let i = 0; i < 600; i++) {
      let routed = 0;
      for (const r of replicas) {
        const m = await r.metrics();
        for (const cls of ['broad-use', 'tenant-only', 'eval-only']) routed += sample(m, `loopgate_spans_routed_total{class="${cls}",exporter="otlphttp/sink"}`);
      }
      if (routed === sink.spans().length) return;
      await sleep(50);
    }
    throw new Error('the replicas did not deliver what they routed');
  };

  const exported = (phase: string, cls?: string): Span[] =>
    sink.spans().filter((s) => getStringAttribute(s.attributes, 'test.phase') === phase && (cls === undefined || getStringAttribute(s.attributes, 'loopgate.class') === cls));

  const totals = async (series: string): Promise<number> => {
    let n = 0;
    for (const r of replicas) n += sample(await r.metrics(), series);
    return n;
  };

  /**
   * Offers `bursts` × 10 capped spans (plus 2 uncapped) for `tenant` inside one window, round-robin and
   * concurrently; runs again in a later window if any request left its window. Returns the phase id.
   */
  const burstInOneWindow = async (tenant: string, label: string, bursts = 12): Promise<{ phase: string; window: number }> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const window = await nextWindow();
      const phase = `${label}-${attempt}`;
      const timings = await Promise.all(
        Array.from({ length: bursts }, () => send(request(tenant, [...Array.from({ length: 10 }, () => spanOf('feedback', phase)), spanOf('other', phase), spanOf('other', phase)]))),
      );
      if (timings.every((t) => windowOf(t.sentAt) === window && windowOf(t.answeredAt) === window)) return { phase, window };
      await drained(); // a straddling phase: its spans are set aside (its own phase id), tried again
    }
    throw new Error('no burst fitted in one window in five tries: the machine is too loaded for this proof');
  };

  it('a cap admits exactly its limit per window across all replicas, in consecutive windows and across a boundary', async () => {
    // Two consecutive windows, each offered 3 × 40 spans over the three replicas.
    const first = await burstInOneWindow('acme', 'exact-a');
    const second = await burstInOneWindow('acme', 'exact-b');
    await drained();
    expect(exported(first.phase, 'eval-only')).toHaveLength(LIMIT);
    expect(exported(second.phase, 'eval-only')).toHaveLength(LIMIT);
    // Uncapped spans of the same requests all went through.
    expect(exported(first.phase, 'broad-use')).toHaveLength(24);
    expect(exported(second.phase, 'broad-use')).toHaveLength(24);

    // Traffic running straight across a boundary: requests from 1.2 s before it to 1.2 s after, each
    // with 4 capped spans. Each side sees more than the limit, so exactly 2 × limit pass in total.
    for (let attempt = 0; ; attempt++) {
      await nextWindow(WINDOW_MS - 1_200);
      const boundary = (windowOf(Date.now()) + 1) * WINDOW_MS;
      const phase = `across-${attempt}`;
      const inFlight: Promise<{ sentAt: number; answeredAt: number }>[] = [];
      while (Date.now() < boundary + 1_200) {
        inFlight.push(send(request('globex', Array.from({ length: 4 }, () => spanOf('feedback', phase)))));
        await sleep(40);
      }
      const timings = await Promise.all(inFlight);
      const before = timings.filter((t) => t.answeredAt < boundary).length;
      const after = timings.filter((t) => t.sentAt >= boundary).length;
      if (before * 4 > LIMIT && after * 4 > LIMIT) {
        await drained();
        expect(exported(phase, 'eval-only')).toHaveLength(2 * LIMIT);
        break;
      }
      if (attempt >= 3) throw new Error('fewer than the limit fitted on one side of the boundary in four tries: the machine is too loaded');
      await drained();
    }
    expect(await totals('loopgate_cap_store_errors_total{operation="take",reason="timeout"}')).toBe(0);
  }, 180_000);

  it('every span of a trace gets the same sampling decision on every replica (10,000 traces spread at random)', async () => {
    const rng = mulberry32(0x5ca1e);
    const phase = 'sampling';
    const TRACES = 10_000;
    const spans: Span[] = [];
    for (let t = 0; t < TRACES; t++) {
      const traceId = Array.from({ length: 4 }, () => hex(Math.floor(rng() * 2 ** 32), 8)).join('');
      for (let s = 0; s < 3; s++) spans.push(spanOf('sampled', phase, traceId));
    }
    // Shuffle, then cut into requests of 1 to 200 spans, each to a replica chosen at random.
    for (let i = spans.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [spans[i], spans[j]] = [spans[j]!, spans[i]!];
    }
    const replicaOf = new Map<string, Set<number>>();
    const sends: Promise<unknown>[] = [];
    for (let at = 0; at < spans.length; ) {
      const n = 1 + Math.floor(rng() * 200);
      const chunk = spans.slice(at, at + n);
      at += n;
      const r = Math.floor(rng() * REPLICAS);
      for (const s of chunk) (replicaOf.get(s.traceId) ?? replicaOf.set(s.traceId, new Set()).get(s.traceId)!).add(r);
      sends.push(send(request('initech', chunk), replicas[r]));
      if (sends.length >= 8) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    await drained();

    const keptPerTrace = new Map<string, number>();
    for (const s of exported(phase, 'tenant-only')) keptPerTrace.set(s.traceId, (keptPerTrace.get(s.traceId) ?? 0) + 1);
    // All three spans of a kept trace, or none of it.
    expect([...keptPerTrace.values()].filter((n) => n !== 3)).toEqual([]);
    // The traces were really spread: most had spans on more than one replica.
    expect([...replicaOf.values()].filter((r) => r.size > 1).length).toBeGreaterThan(TRACES / 2);
    // And the replicas decided what this process's engine decides for the same traces.
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-replicas-policy-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    const loaded = loadPolicy(join(dir, 'policy.yaml'), { env: {} });
    if (!loaded.ok) throw new Error('test policy must load');
    const expectedKept = new Set<string>();
    for (const o of loaded.policy.process(request('initech', spans), {}).outputs)
      if (o.signal === 'traces') for (const rs of o.data.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) expectedKept.add(s.traceId);
    expect(new Set(keptPerTrace.keys())).toEqual(expectedKept);
    expect(expectedKept.size / TRACES).toBeGreaterThan(SAMPLE_RATE - 0.03);
    expect(expectedKept.size / TRACES).toBeLessThan(SAMPLE_RATE + 0.03);
  }, 180_000);

  it('Redis killed mid-run: no crash, capped spans fail closed, the rest flows; caps resume, exactly, when it returns', async () => {
    const capped = (phase: string, n: number) => Array.from({ length: n }, () => spanOf('feedback', phase));
    const other = (phase: string, n: number) => Array.from({ length: n }, () => spanOf('other', phase));
    for (let i = 0; i < 6; i++) await send(request('hooli', [...capped('before', 5), ...other('before', 5)]));
    const unavailableBefore = await totals('loopgate_spans_discarded_total{reason="cap_store_unavailable"}');

    await redis.kill();
    const OUTAGE_REQUESTS = 30;
    for (let i = 0; i < OUTAGE_REQUESTS; i++) await send(request('hooli', [...capped('outage', 5), ...other('outage', 5)]));
    await drained();
    for (const r of replicas) {
      expect(r.exited()).toBeUndefined();
      expect((await fetch(`${r.telemetryUrl}/healthz`)).status).toBe(200);
    }
    expect(exported('outage', 'eval-only')).toHaveLength(0);
    expect(exported('outage', 'broad-use')).toHaveLength(OUTAGE_REQUESTS * 5);
    expect((await totals('loopgate_spans_discarded_total{reason="cap_store_unavailable"}')) - unavailableBefore).toBe(OUTAGE_REQUESTS * 5);
    expect(await totals('loopgate_spans_capped_total{reason="cap_store_unavailable"}')).toBe(OUTAGE_REQUESTS * 5);
    // Thirty failed checks, ten per replica within seconds: one line each, not one per span or request.
    for (const r of replicas) expect(r.logs.filter((l) => String(l.msg).startsWith('cap store unavailable'))).toHaveLength(1);

    await redis.restart();
    // Each replica reconnects on its own; wait until every one counts again.
    for (const r of replicas) {
      for (let i = 0; ; i++) {
        await send(request('umbrella', [spanOf('feedback', 'reconnect')]), r);
        if (r.logs.some((l) => String(l.msg).startsWith('cap store available again'))) break;
        if (i > 200) throw new Error('a replica never counted caps again after Redis returned');
        await sleep(50);
      }
    }
    const resumed = await burstInOneWindow('hooli', 'resumed');
    await drained();
    expect(exported(resumed.phase, 'eval-only')).toHaveLength(LIMIT);
  }, 180_000);
});
