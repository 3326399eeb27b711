/**
 * Load generator: the whole gateway, measured from outside.
 *
 * Starts `loopgate serve` as a child process (the compiled dist/, as production runs it) on the
 * redact-all policy, serving OTLP/HTTP and OTLP/gRPC, with an OTLP/HTTP exporter pointed at a local
 * sink in this process. For each signal (traces: 100-span batches shaped like test/fixtures/producers;
 * logs: 100-record batches of the GenAI events in test/fixtures/producers-logs; fresh ids) and each
 * protocol (OTLP/HTTP over keep-alive connections; OTLP/gRPC, one channel per client) it sends from
 * several concurrent clients for a fixed time, after a warm-up, and reports:
 *   - records/s accepted by the gateway and records/s exported to the sink,
 *   - records per CPU-second of the gateway process (user+system from /proc), which is what a
 *     sidecar's cost is billed in, and the gRPC/HTTP ratio of that figure per signal,
 *   - the gateway's peak RSS (VmHWM).
 *
 * Queue modes (--queues, comma-separated, run one after another in the same run, each on a fresh
 * gateway, so they can be compared side by side; --rounds repeats the whole set to show the spread):
 *   memory    the in-memory sending queue (default)
 *   fsync     sending_queue.storage, written and fsynced before each 200 (group commit)
 *   nofsync   sending_queue.storage with fsync: false
 *
 * Run: npm run build && npm run bench [-- --seconds 20 --concurrency 8 --batch 100]
 *      npm run bench -- --signal traces,logs --protocol http,grpc --rounds 3
 *      npm run bench -- --queues memory,fsync,nofsync --signal traces --protocol http --rounds 2
 * Prints numbers only; nothing here is asserted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { CODECS, encodeRequest, type Signal } from '../src/otlp/signal.js';
import { LOG_PRODUCERS, PRODUCERS, batchOf, loadLogProducer, loadProducer, logBatchOf } from './support/producer-batches.js';
import { freePort } from '../test/support/free-port.js';
import { cpuSecondsOf, peakRssMiB } from './support/proc.js';
import { startBenchSink } from './support/sink.js';

const ROOT = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '100' },
    policy: { type: 'string', default: 'policies/examples/redact-all.yaml' },
    compression: { type: 'string', default: 'gzip' },
    queues: { type: 'string', default: 'memory' },
    rounds: { type: 'string', default: '1' },
    signal: { type: 'string', default: 'traces,logs' },
    protocol: { type: 'string', default: 'http,grpc' },
    /** service.workers of the gateway under load; unset: its default (one per CPU). */
    workers: { type: 'string' },
  },
});
type BenchSignal = 'traces' | 'logs';
type Protocol = 'http' | 'grpc';
const SIGNAL_LIST = args.signal!.split(',').map((x) => x.trim()) as BenchSignal[];
for (const x of SIGNAL_LIST) if (x !== 'traces' && x !== 'logs') throw new Error(`--signal: unknown signal '${x}' (traces, logs)`);
const PROTOCOLS = args.protocol!.split(',').map((x) => x.trim()) as Protocol[];
for (const x of PROTOCOLS) if (x !== 'http' && x !== 'grpc') throw new Error(`--protocol: unknown protocol '${x}' (http, grpc)`);
type QueueMode = 'memory' | 'fsync' | 'nofsync';
const MODES = args.queues!.split(',').map((m) => m.trim()) as QueueMode[];
for (const m of MODES) if (!['memory', 'fsync', 'nofsync'].includes(m)) throw new Error(`--queues: unknown mode '${m}' (memory, fsync, nofsync)`);
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);

async function waitReady(url: string, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway not ready at ${url}`);
}

/** One client: sends a request body and resolves with whether it was accepted. */
type Sender = (body: Uint8Array) => Promise<boolean>;

function httpSenders(port: number, signal: Signal, n: number): { senders: Sender[]; close: () => void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: n });
  const send: Sender = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: CODECS[signal].path, method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { senders: Array.from({ length: n }, () => send), close: () => agent.destroy() };
}

/** One gRPC channel (its own HTTP/2 connection) per client, raw bytes as the receiver takes them. */
function grpcSenders(address: string, signal: Signal, n: number): { senders: Sender[]; close: () => void } {
  const raw = (b: Buffer): Buffer => b;
  const clients = Array.from({ length: n }, () => new Client(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
  const senders = clients.map(
    (c): Sender =>
      (body) =>
        new Promise((resolve) => {
          c.makeUnaryRequest(CODECS[signal].grpcMethod, raw, raw, Buffer.from(body.buffer, body.byteOffset, body.byteLength), new Metadata(), {}, (err) => resolve(err === null));
        }),
  );
  return { senders, close: () => clients.forEach((c) => c.close()) };
}

interface PhaseResult {
  signal: BenchSignal;
  protocol: Protocol;
  elapsed: number;
  accepted: number;
  refused: number;
  exported: number;
  cpu: number;
}

type Bodies = Record<BenchSignal, Uint8Array[]>;

/** One fresh gateway with the queue `mode`; every signal × protocol phase against it. */
async function runMode(mode: QueueMode, bodies: Bodies): Promise<{ phases: PhaseResult[]; notes: string[] }> {
  const sink = await startBenchSink();
  const [port, grpcPort, telemetryPort] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'loopgate-bench-'));
  const configPath = path.join(dir, 'loopgate.yaml');
  const classes = '{ broad-use: [otlphttp/sink], tenant-only: [otlphttp/sink], eval-only: [otlphttp/sink] }';
  writeFileSync(
    configPath,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      '      grpc:',
      `        endpoint: 127.0.0.1:${grpcPort}`,
      `policy: ${path.join(ROOT, args.policy!)}`,
      'exporters:',
      '  otlphttp/sink:',
      `    endpoint: ${sink.url}`,
      '    encoding: protobuf',
      `    compression: ${args.compression}`,
      ...(mode === 'memory' ? [] : ['    sending_queue:', `      storage: ${path.join(dir, 'queue')}`, `      fsync: ${mode === 'fsync'}`]),
      'routes:',
      `  traces: ${classes}`,
      `  logs: ${classes}`,
      'service:',
      '  telemetry:',
      '    metrics:',
      `      address: 127.0.0.1:${telemetryPort}`,
      '    logs:',
      '      level: error',
      ...(args.workers !== undefined ? [`  workers: ${Number(args.workers)}`] : []),
      '',
    ].join('\n'),
  );

  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'serve', '--config', configPath], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = child.pid!;
  const phases: PhaseResult[] = [];
  const notes: string[] = [];
  try {
    await waitReady(`http://127.0.0.1:${telemetryPort}/readyz`, Date.now() + 15_000);
    const exportedRecords = async (signal: BenchSignal): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${telemetryPort}/metrics`)).text();
      const name = signal === 'traces' ? 'loopgate_spans_exported_total' : 'loopgate_log_records_exported_total';
      let n = 0;
      for (const m of text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'gm'))) n += Number(m[1]);
      return n;
    };

    for (const signal of SIGNAL_LIST) {
      for (const protocol of PROTOCOLS) {
        const { senders, close } = protocol === 'http' ? httpSenders(port, signal, CONCURRENCY) : grpcSenders(`127.0.0.1:${grpcPort}`, signal, CONCURRENCY);
        const batches = bodies[signal];
        let accepted = 0;
        let refused = 0;
        let stop = false;
        const worker = async (w: number): Promise<void> => {
          for (let i = w; !stop; i += CONCURRENCY) {
            if (await senders[w]!(batches[i % batches.length]!)) accepted += BATCH;
            else refused += BATCH;
          }
        };
        // Warm-up: JIT and connection set-up, excluded from the figures.
        const warm = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
        await new Promise((r) => setTimeout(r, WARMUP * 1000));
        stop = true;
        await Promise.all(warm);
        // Let the queue drain what warm-up left, so each phase is billed for its own work only.
        await new Promise((r) => setTimeout(r, 1000));
        stop = false;

        const before = cpuSecondsOf(pid);
        const exportedBefore = await exportedRecords(signal);
        const start = process.hrtime.bigint();
        accepted = 0;
        refused = 0;
        const run = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
        await new Promise((r) => setTimeout(r, SECONDS * 1000));
        stop = true;
        await Promise.all(run);
        const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
        const cpu = cpuSecondsOf(pid) - before;
        const exported = (await exportedRecords(signal)) - exportedBefore;
        close();
        phases.push({ signal, protocol, elapsed, accepted, refused, exported, cpu });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }

    const text = await (await fetch(`http://127.0.0.1:${telemetryPort}/metrics`)).text();
    notes.push(`peak RSS ${peakRssMiB(pid).toFixed(1)} MiB, ${sink.requests} sink requests (merged batches)`);
    if (mode !== 'memory') {
      const sum = /^loopgate_queue_fsync_duration_seconds_sum\{[^}]*\} ([\d.e-]+)$/m.exec(text);
      const count = /^loopgate_queue_fsync_duration_seconds_count\{[^}]*\} (\d+)$/m.exec(text);
      const fsyncs = count ? Number(count[1]) : 0;
      notes.push(`${fsyncs} fsyncs, mean ${fsyncs > 0 ? ((Number(sum![1]) / fsyncs) * 1000).toFixed(2) : '-'} ms`);
    }
    if (process.env.LOOPGATE_BENCH_METRICS) {
      console.log(text.split('\n').filter((l) => /^loopgate_(spans|log_records|export|queue|grpc)/.test(l)).join('\n'));
    }
    return { phases, notes };
  } finally {
    // Let the gateway drain its queues into the sink before the sink goes away.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await sink.close();
  }
}

async function main(): Promise<void> {
  const bodies: Bodies = {
    traces: ((producers) => Array.from({ length: 64 }, (_, i) => encodeRequest({ signal: 'traces', data: batchOf(producers, BATCH, i * 7) }, 'protobuf')))(PRODUCERS.map(loadProducer)),
    logs: ((producers) => Array.from({ length: 64 }, (_, i) => encodeRequest({ signal: 'logs', data: logBatchOf(producers, BATCH, i * 7) }, 'protobuf')))(LOG_PRODUCERS.map(loadLogProducer)),
  };
  console.log(`policy ${args.policy}, ${BATCH} records per request, ${CONCURRENCY} clients, export compression ${args.compression}, ${SECONDS} s per phase`);
  const unit = (s: BenchSignal): string => (s === 'traces' ? 'spans' : 'log records');
  const header = ['queue', 'signal', 'protocol', 'accepted/s', 'exported/s', 'refused', 'CPU-s', 'per CPU-second'];
  const table: string[][] = [];
  const ratios: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of MODES) {
      const name = ROUNDS > 1 ? `${mode} #${round}` : mode;
      const { phases, notes } = await runMode(mode, bodies);
      for (const r of phases) {
        table.push([name, unit(r.signal), r.protocol === 'http' ? 'OTLP/HTTP' : 'OTLP/gRPC', (r.accepted / r.elapsed).toFixed(0), (r.exported / r.elapsed).toFixed(0), String(r.refused), r.cpu.toFixed(2), (r.accepted / r.cpu).toFixed(0)]);
      }
      for (const signal of SIGNAL_LIST) {
        const h = phases.find((r) => r.signal === signal && r.protocol === 'http');
        const g = phases.find((r) => r.signal === signal && r.protocol === 'grpc');
        if (h && g) ratios.push(`${name}, ${unit(signal)}: gRPC/HTTP ${(g.accepted / g.cpu / (h.accepted / h.cpu)).toFixed(2)} per CPU-second, ${(g.accepted / g.elapsed / (h.accepted / h.elapsed)).toFixed(2)} per second`);
      }
      for (const n of notes) ratios.push(`${name}: ${n}`);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  for (const row of [header, ...table]) console.log(row.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  for (const r of ratios) console.log(r);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
