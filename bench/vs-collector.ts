/**
 * Loopgate beside the OpenTelemetry Collector, on the same load, in one run.
 *
 * Systems, each a real child process leading its own process group, exporting to one local sink:
 *   bare                 a Node.js HTTP server that reads each body and answers 200 (the floor)
 *   collector            the Collector of scripts/peers.sh: otlp → batch → otlphttp (bench/collector-plain.yaml)
 *   collector-redaction  the same with the redaction and transform processors (bench/collector-redaction.yaml)
 *   loopgate             `loopgate serve` (dist/) on policies/examples/redact-all.yaml, otlphttp to the sink
 *
 * Load: 100-span protobuf requests shaped like test/fixtures/producers (bench/support/producer-batches.ts),
 * from 8 keep-alive clients; every exporter sends protobuf with gzip. With --vary the common words of
 * every longer text are swapped per request (varyText), so no prompt repeats and no cache of scanned
 * text can answer for the fixtures' spans coming round again. Per system, in this order:
 *   1. quality: each producer fixture is sent once as captured; the planted values of the fixtures
 *      (test/fixtures/producers/README.md) that reach the sink verbatim are counted;
 *   2. warm-up (closed loop), not measured;
 *   3. full load (closed loop): spans/s answered 200, spans per CPU-second of the process group (user +
 *      system from /proc, every thread and child), latency percentiles;
 *   4. half load (open loop at half the rate step 3 reached): latency percentiles, counted from the
 *      moment each request was due.
 * Peak RSS is the process's VmHWM at the end. With --rounds > 1 the systems take turns round after
 * round and each figure is the median with the [min–max] of the rounds (a shared machine is noisy).
 *
 * Run: npm run build && bash scripts/peers.sh && npm run bench:vs-collector [-- --seconds 15 --rounds 3]
 *      [--before /path/to/older/dist/cli/main.js [--before-flags=--max-semi-space-size=2] [--before-env MALLOC_ARENA_MAX=2]
 *       --systems before-1,before-2,loopgate-1,loopgate-2]
 * Prints numbers only; nothing here is asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { encodeTracesProtobuf } from '../src/otlp/encode-protobuf.js';
import { PRODUCERS_DIR } from '../test/support/fixture-paths.js';
import { findPeer } from '../test/support/peers.js';
import { PRODUCERS_PLANTED } from '../test/support/planted.js';
import { closedLoop, openLoop, quantile, sendOnce, waitAnswering, type LoadResult, type LoadTarget } from './support/load-client.js';
import { groupCpuSeconds, groupPeakRssMiB, loadAverage } from './support/proc.js';
import { PRODUCERS, batchOf, loadProducer, varyText } from './support/producer-batches.js';
import { mulberry32 } from '../test/support/rng.js';
import { startBenchSink, type BenchSink } from './support/sink.js';
import { freePort } from '../test/support/free-port.js';
import { GATEWAY_PROCESS_ENV, MAIN_THREAD_NODE_FLAGS } from '../src/gateway/launch.js';

const ROOT = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '4' },
    'half-seconds': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '1' },
    systems: { type: 'string', default: `bare,collector,collector-redaction,loopgate-1,loopgate-${availableParallelism()}` },
    policy: { type: 'string', default: 'policies/examples/redact-all.yaml' },
    /** Swap the common words of every longer text per request (producer-batches.ts varyText). */
    vary: { type: 'boolean', default: false },
    /**
     * Another build's `dist/cli/main.js` (an older commit, checked out and built elsewhere): adds the
     * systems before-inline, before-1 and before-N, so two builds are compared in one run.
     */
    before: { type: 'string', default: '' },
    /**
     * Node flags (space-separated) for the --before build, to run it as its own `npm start` did, e.g.
     * `--before-flags=--max-semi-space-size=2` for a build from before launch.ts; none by default.
     */
    'before-flags': { type: 'string', default: '' },
    /** Environment (NAME=VALUE, comma-separated) for the --before build, e.g. `--before-env MALLOC_ARENA_MAX=2`. */
    'before-env': { type: 'string', default: '' },
  },
});
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const HALF_SECONDS = Number(args['half-seconds']);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);
const ROUNDS = Number(args.rounds);

interface Running {
  readonly pid: number;
  readonly target: LoadTarget;
  stop(): Promise<void>;
}

interface SystemSpec {
  name: string;
  what: string;
  /** Whether it forwards to the sink (the bare receiver does not, so nothing can survive or not). */
  exports: boolean;
  start(sink: BenchSink, dir: string): Promise<Running>;
}


const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
});

/** Spawns `command` as the leader of a new process group and waits until its receiver answers. */
async function launch(command: string, argv: string[], env: Record<string, string>, port: number): Promise<Running> {
  const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  children.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const target: LoadTarget = { host: '127.0.0.1', port, path: '/v1/traces' };
  await Promise.race([
    waitAnswering(target, performance.now() + 30_000),
    exited.then(() => {
      throw new Error(`${path.basename(command)} exited during start-up`);
    }),
  ]);
  return {
    pid: child.pid!,
    target,
    async stop() {
      // SIGTERM: each system drains what it holds into the sink before it exits
      process.kill(-child.pid!, 'SIGTERM');
      const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
      children.delete(child);
    },
  };
}

/** The floor: read the body, answer 200. Plain JavaScript, so nothing but node:http is loaded. */
const BARE_RECEIVER = `
const http = require('node:http');
http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }).end());
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

function collector(name: string, config: string, what: string): SystemSpec {
  return {
    name,
    what,
    exports: true,
    async start(sink) {
      const peer = findPeer('otelcol');
      if (!peer.found) throw new Error(`${peer.reason}; get it: bash scripts/peers.sh`);
      const port = await freePort();
      return launch(peer.path, ['--config', path.join(ROOT, config)], { LOOPGATE_BENCH_RECEIVER: `127.0.0.1:${port}`, LOOPGATE_BENCH_SINK: sink.url }, port);
    },
  };
}

/** Loopgate with `workers` policy worker threads (0: the policy on the main thread, the old path). */
const THIS_MAIN = path.join(ROOT, 'dist/cli/main.js');

function loopgate(name: string, what: string, workers: number, main = THIS_MAIN, beforeFlags: readonly string[] = [], beforeEnv: Record<string, string> = {}): SystemSpec {
  return {
    name,
    what,
    exports: true,
    async start(sink, dir) {
      if (!existsSync(main)) throw new Error('dist/ is missing: run npm run build first');
      const [port, telemetryPort] = [await freePort(), await freePort()];
      const configPath = path.join(dir, `${name}.yaml`);
      writeFileSync(
        configPath,
        [
          'receivers:',
          '  otlp:',
          '    protocols:',
          '      http:',
          `        endpoint: 127.0.0.1:${port}`,
          `policy: ${path.join(ROOT, args.policy!)}`,
          'exporters:',
          '  otlphttp/sink:',
          `    endpoint: ${sink.url}`,
          '    encoding: protobuf',
          '    compression: gzip',
          'routes:',
          '  broad-use: [otlphttp/sink]',
          '  tenant-only: [otlphttp/sink]',
          '  eval-only: [otlphttp/sink]',
          'service:',
          '  telemetry:',
          '    metrics:',
          `      address: 127.0.0.1:${telemetryPort}`,
          '    logs:',
          '      level: error',
          `  workers: ${workers}`,
          '',
        ].join('\n'),
      );
      // This tree's gateway runs as its Dockerfile and `npm start` run it (flags and environment); an
      // older build as it was.
      const nodeFlags = main === THIS_MAIN ? MAIN_THREAD_NODE_FLAGS : beforeFlags;
      return launch(process.execPath, [...nodeFlags, main, 'serve', '--config', configPath], main === THIS_MAIN ? GATEWAY_PROCESS_ENV : beforeEnv, port);
    },
  };
}

const SYSTEMS: Record<string, SystemSpec> = {
  bare: {
    name: 'bare',
    what: 'Node.js HTTP server that only reads the body',
    exports: false,
    async start() {
      const port = await freePort();
      return launch(process.execPath, ['-e', BARE_RECEIVER], { PORT: String(port) }, port);
    },
  },
  collector: collector('collector', 'bench/collector-plain.yaml', 'Collector, receive → batch → export'),
  'collector-redaction': collector('collector-redaction', 'bench/collector-redaction.yaml', 'Collector, redaction + transform stamps'),
  'loopgate-inline': loopgate('loopgate-inline', 'Loopgate, redact-all, policy on the main thread (workers: 0)', 0),
  'loopgate-1': loopgate('loopgate-1', 'Loopgate, redact-all, 1 policy worker', 1),
  [`loopgate-${availableParallelism()}`]: loopgate(`loopgate-${availableParallelism()}`, `Loopgate, redact-all, ${availableParallelism()} policy workers (one per CPU)`, availableParallelism()),
};
if (args.before) {
  const main = path.resolve(args.before);
  for (const workers of [0, 1, availableParallelism()]) {
    const name = `before-${workers === 0 ? 'inline' : workers}`;
    const flags = args['before-flags']!.split(/\s+/).filter(Boolean);
    const env = Object.fromEntries(args['before-env']!.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const launched = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...(flags.length > 0 ? [`node ${flags.join(' ')}`] : [])].join(' ');
    SYSTEMS[name] = loopgate(name, `Loopgate as built at ${main}${launched ? ` (${launched})` : ''}, ${workers === 0 ? 'policy on the main thread' : `${workers} policy worker(s)`}`, workers, main, flags, env);
  }
}

interface Sample {
  spansPerSecond: number;
  spansPerCpuSecond: number;
  peakRssMiB: number;
  refused: number;
  full: LoadResult;
  half: LoadResult;
  halfRate: number;
  survivors: number | undefined;
}

/** Sends each producer fixture once, waits until the sink has been quiet for a while, counts planted values that arrived. */
async function plantedSurvivors(run: Running, sink: BenchSink): Promise<number> {
  sink.capture();
  for (const producer of PRODUCERS) {
    const body = readFileSync(path.join(PRODUCERS_DIR, `${producer}.pb`));
    const status = await sendOnce(run.target, body);
    if (status !== 200) throw new Error(`${producer}.pb answered ${status}`);
  }
  // the Collector's batch processor holds spans up to 200 ms; Loopgate exports at once
  let last = -1;
  let quietSince = performance.now();
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    if (sink.requests !== last) {
      last = sink.requests;
      quietSince = performance.now();
    } else if (performance.now() - quietSince > 1500) break;
  }
  const text = Buffer.concat(sink.captured()).toString('latin1');
  return PRODUCERS_PLANTED.filter((p) => text.includes(p.value)).length;
}

async function measure(spec: SystemSpec, sink: BenchSink, dir: string, bodies: readonly Uint8Array[]): Promise<Sample> {
  const run = await spec.start(sink, dir);
  try {
    const survivors = spec.exports ? await plantedSurvivors(run, sink) : undefined;
    await closedLoop(run.target, bodies, CONCURRENCY, WARMUP);
    const cpu0 = groupCpuSeconds(run.pid);
    const full = await closedLoop(run.target, bodies, CONCURRENCY, SECONDS);
    const cpu = groupCpuSeconds(run.pid) - cpu0;
    const halfRate = full.ok / full.seconds / 2;
    const half = await openLoop(run.target, bodies, CONCURRENCY, halfRate, HALF_SECONDS);
    const peakRssMiB = groupPeakRssMiB(run.pid);
    return {
      spansPerSecond: (full.ok * BATCH) / full.seconds,
      spansPerCpuSecond: (full.ok * BATCH) / cpu,
      peakRssMiB,
      refused: full.refused + half.refused,
      full,
      half,
      halfRate,
      survivors,
    };
  } finally {
    await run.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function figure(xs: number[], digits = 0): string {
  const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  if (xs.length === 1) return fmt(xs[0]!);
  return `${fmt(median(xs))} [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]`;
}

function ms(v: number): string {
  return v < 10 ? v.toFixed(2) : v.toFixed(1);
}

async function main(): Promise<void> {
  const names = args.systems!.split(',').map((s) => s.trim());
  for (const n of names) if (SYSTEMS[n] === undefined) throw new Error(`unknown system '${n}'; known: ${Object.keys(SYSTEMS).join(', ')}`);
  const producers = PRODUCERS.map(loadProducer);
  const random = mulberry32(10);
  const bodies = Array.from({ length: 64 }, (_, i) => {
    const batch = batchOf(producers, BATCH, i * 7);
    return encodeTracesProtobuf(args.vary ? varyText(batch, random) : batch);
  });
  const meanKB = bodies.reduce((n, b) => n + b.byteLength, 0) / bodies.length / 1024;
  const sink = await startBenchSink();
  const dir = mkdtempSync(path.join(tmpdir(), 'loopgate-vs-collector-'));
  const loadBefore = loadAverage();
  console.log(
    `${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism()}, Node ${process.version}; ${BATCH}-span protobuf requests (${meanKB.toFixed(0)} KB), ` +
      `${args.vary ? 'texts varied per request, ' : ''}${CONCURRENCY} keep-alive clients, ${SECONDS} s full load + ${HALF_SECONDS} s half load per system, ${ROUNDS} round(s); load average ${loadBefore}`,
  );
  const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const n of names) {
        const s = await measure(SYSTEMS[n]!, sink, dir, bodies);
        samples.get(n)!.push(s);
        console.log(
          `round ${round} ${n.padEnd(20)} ${s.spansPerSecond.toFixed(0).padStart(7)} spans/s  ${s.spansPerCpuSecond.toFixed(0).padStart(7)} spans/CPU-s  ` +
            `${s.peakRssMiB.toFixed(0).padStart(4)} MiB  p99 ${ms(quantile(s.full.latencies, 0.99))} ms full, ${ms(quantile(s.half.latencies, 0.99))} ms half` +
            `${s.refused > 0 ? `  (${s.refused} refused)` : ''}`,
        );
      }
    }
  } finally {
    await sink.close();
  }

  const reference = samples.get('collector-redaction');
  const refCpu = reference ? median(reference.map((s) => s.spansPerCpuSecond)) : undefined;
  const refRate = reference ? median(reference.map((s) => s.spansPerSecond)) : undefined;
  console.log(`\nload average before ${loadBefore}, after ${loadAverage()}\n`);
  console.log(
    '| system | spans/s | spans per CPU-second | × Collector+redaction (CPU, rate) | peak RSS MiB | full load p50 / p99 ms | half load p50 / p99 / p999 ms | planted values surviving |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of names) {
    const ss = samples.get(n)!;
    const spec = SYSTEMS[n]!;
    const cpu = ss.map((s) => s.spansPerCpuSecond);
    const rate = ss.map((s) => s.spansPerSecond);
    const ratio = refCpu && refRate ? `${(median(cpu) / refCpu).toFixed(2)}, ${(median(rate) / refRate).toFixed(2)}` : '';
    const full = (q: number) => ms(median(ss.map((s) => quantile(s.full.latencies, q))));
    const half = (q: number) => ms(median(ss.map((s) => quantile(s.half.latencies, q))));
    const surv = spec.exports ? `${Math.max(...ss.map((s) => s.survivors ?? 0))} of ${PRODUCERS_PLANTED.length}` : 'exports nothing';
    console.log(`| ${spec.what} | ${figure(rate)} | ${figure(cpu)} | ${ratio} | ${figure(ss.map((s) => s.peakRssMiB))} | ${full(0.5)} / ${full(0.99)} | ${half(0.5)} / ${half(0.99)} / ${half(0.999)} | ${surv} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
