/**
 * Caps benchmark: the whole gateway with its caps counted in memory vs in a shared Redis, side by side.
 *
 * Starts a real redis-server (found as the tests find it: LOOPGATE_REDIS_SERVER, `.peers/env` or
 * PATH) and, for each round, one `loopgate serve` child process per store on the same policy: every
 * span is eval-only and two caps apply to it (per tenant, and per tenant and model), with limits high
 * enough that every span is admitted, so each request pays one full atomic take. Sends 100-span
 * producer-shaped protobuf batches from several keep-alive connections, and reports per store:
 * spans/s accepted, spans per gateway CPU-second, Redis CPU-seconds, and the cap store's latency
 * (median and 99th percentile read from loopgate_cap_store_duration_seconds). The stores alternate
 * (memory, redis, memory, redis, …) so a busy neighbour on a shared machine hits both alike; each
 * figure is printed as median [min–max] over the rounds.
 *
 * Run: npm run bench:caps [-- --seconds 8 --rounds 3 --concurrency 8 --batch 100 --detectors all|none]
 * Prints numbers only; nothing here is asserted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeTracesProtobuf } from '../src/otlp/encode-protobuf.js';
import { startGatewayProcess, sample, type GatewayProcess } from '../test/support/gateway-process.js';
import { findPeer } from '../test/support/peers.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { PRODUCERS, batchOf, loadProducer } from './support/producer-batches.js';
import { cpuSecondsOf } from './support/proc.js';
import { startBenchSink } from './support/sink.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '100' },
    detectors: { type: 'string', default: 'all' },
  },
});
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);

const POLICY = `version: 1
${args.detectors === 'none' ? '' : 'detectors: { builtin: all }\n'}tenants:
  default_contract: { broad_use: true, eval: true, tenant_only: true }
caps:
  - id: per-tenant-hourly
    key: [tenant]
    limit: 1000000000
    window: 1h
  - id: per-model-daily
    key: [tenant, attribute:gen_ai.request.model]
    limit: 1000000000
    window: 1d
rules:
  - id: everything-eval
    when: { always: true }
    class: eval-only
`;

/** A quantile of a Prometheus histogram's cumulative buckets (the bucket's upper bound). */
function quantile(metrics: string, name: string, q: number): number {
  const buckets: [number, number][] = [];
  for (const m of metrics.matchAll(new RegExp(`^${name}_bucket\\{[^}]*operation="take"[^}]*outcome="ok"[^}]*le="([^"]+)"\\} (\\d+)$`, 'gm'))) {
    buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  for (const [le, n] of buckets) if (n >= q * total) return le;
  return Infinity;
}

interface RunFigures {
  spansPerSecond: number;
  spansPerCpuSecond: number;
  redisCpuSeconds: number;
  takeP50Ms: number;
  takeP99Ms: number;
  refused: number;
}

async function run(gw: GatewayProcess, batches: Uint8Array[], redisPid: number | undefined): Promise<RunFigures> {
  const url = new URL(`${gw.receiverUrl}/v1/traces`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let accepted = 0;
  let refused = 0;
  let stop = false;
  const send = (body: Uint8Array): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async (w: number): Promise<void> => {
    for (let i = w; !stop; i += CONCURRENCY) {
      const status = await send(batches[i % batches.length]!);
      if (status === 200) accepted += BATCH;
      else refused += BATCH;
    }
  };
  const phase = async (seconds: number): Promise<void> => {
    stop = false;
    const workers = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    stop = true;
    await Promise.all(workers);
  };

  await phase(WARMUP);
  const cpu0 = cpuSecondsOf(gw.pid);
  const redis0 = redisPid === undefined ? 0 : cpuSecondsOf(redisPid);
  const t0 = process.hrtime.bigint();
  accepted = 0;
  refused = 0;
  await phase(SECONDS);
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSecondsOf(gw.pid) - cpu0;
  const redisCpu = redisPid === undefined ? 0 : cpuSecondsOf(redisPid) - redis0;
  agent.destroy();
  const metrics = await gw.metrics();
  const capped = sample(metrics, 'loopgate_spans_discarded_total{reason="cap_exceeded"}') + sample(metrics, 'loopgate_spans_discarded_total{reason="cap_store_unavailable"}');
  if (capped > 0) console.error(`note: ${capped} spans were capped in this run (the limits are meant to admit every span)`);
  return {
    spansPerSecond: accepted / elapsed,
    spansPerCpuSecond: accepted / cpu,
    redisCpuSeconds: redisCpu,
    takeP50Ms: quantile(metrics, 'loopgate_cap_store_duration_seconds', 0.5) * 1000,
    takeP99Ms: quantile(metrics, 'loopgate_cap_store_duration_seconds', 0.99) * 1000,
    refused,
  };
}

function spread(values: number[], digits = 0): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
  return `${f(median)} [${f(sorted[0]!)}–${f(sorted.at(-1)!)}]`;
}

async function main(): Promise<void> {
  const redisBin = findPeer('redisServer');
  if (!redisBin.found) throw new Error(`bench:caps needs redis-server: ${redisBin.reason}. Get it: bash scripts/peers.sh`);
  const redis = await startRedisServer(redisBin.path);
  const sink = await startBenchSink();
  const producers = PRODUCERS.map(loadProducer);
  const batches = Array.from({ length: 64 }, (_, i) => encodeTracesProtobuf(batchOf(producers, BATCH, i * 7)));
  const dir = mkdtempSync(path.join(tmpdir(), 'loopgate-bench-caps-'));
  writeFileSync(path.join(dir, 'policy.yaml'), POLICY);
  const config = (store: 'memory' | 'redis'): string => {
    const file = path.join(dir, `${store}.yaml`);
    writeFileSync(
      file,
      [
        'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
        'policy: policy.yaml',
        `exporters: { otlphttp/sink: { endpoint: "${sink.url}" } }`,
        'routes: { eval-only: [otlphttp/sink] }',
        ...(store === 'redis' ? [`cap_store: { redis: { endpoint: "127.0.0.1:${redis.port}", timeout: 1s } }`] : []),
        'service: { telemetry: { metrics: { address: "127.0.0.1:0" }, logs: { level: info } } }',
        '',
      ].join('\n'),
    );
    return file;
  };
  const configs = { memory: config('memory'), redis: config('redis') };
  const figures: Record<'memory' | 'redis', RunFigures[]> = { memory: [], redis: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const store of ['memory', 'redis'] as const) {
        const gw = await startGatewayProcess(configs[store]);
        try {
          figures[store].push(await run(gw, batches, store === 'redis' ? redis.pid : undefined));
        } finally {
          await gw.stop();
        }
      }
    }
  } finally {
    await sink.close();
    await redis.kill();
  }

  const rows: [string, (f: RunFigures[]) => string][] = [
    ['spans/s accepted', (f) => spread(f.map((x) => x.spansPerSecond))],
    ['spans per gateway CPU-second', (f) => spread(f.map((x) => x.spansPerCpuSecond))],
    ['cap take p50 (ms, bucket bound)', (f) => spread(f.map((x) => x.takeP50Ms), 2)],
    ['cap take p99 (ms, bucket bound)', (f) => spread(f.map((x) => x.takeP99Ms), 2)],
    ['redis-server CPU-seconds', (f) => spread(f.map((x) => x.redisCpuSeconds), 2)],
    ['spans refused (503)', (f) => spread(f.map((x) => x.refused))],
  ];
  console.log(`caps bench: ${ROUNDS} rounds × ${SECONDS} s per store, ${CONCURRENCY} connections, ${BATCH}-span batches, detectors ${args.detectors}, 2 caps on every span; median [min–max]`);
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`${''.padEnd(width)}  ${'memory'.padEnd(26)}redis`);
  for (const [name, of] of rows) console.log(`${name.padEnd(width)}  ${of(figures.memory).padEnd(26)}${of(figures.redis)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
