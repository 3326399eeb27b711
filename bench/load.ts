/**
 * Load generator: the whole gateway, measured from outside.
 *
 * Starts `loopgate serve` as a child process (the compiled dist/, as production runs it) on the
 * redact-all policy, with an OTLP/HTTP exporter pointed at a local sink in this process. Sends
 * 100-span protobuf batches shaped like test/fixtures/producers (real instrumentation spans,
 * fresh ids) from several concurrent keep-alive connections for a fixed time, and reports:
 *   - spans/s accepted by the gateway and spans/s that reached the sink,
 *   - spans per CPU-second of the gateway process (user+system from /proc), which is what a
 *     sidecar's cost is billed in,
 *   - the gateway's peak RSS (VmHWM).
 *
 * Queue modes (--queues, comma-separated, run one after another in the same run, each on a fresh
 * gateway, so they can be compared side by side; --rounds repeats the whole set to show the spread):
 *   memory    the in-memory sending queue (default)
 *   fsync     sending_queue.storage, written and fsynced before each 200 (group commit)
 *   nofsync   sending_queue.storage with fsync: false
 *
 * Run: npm run build && npm run bench [-- --seconds 20 --concurrency 8 --batch 100]
 *      npm run bench -- --queues memory,fsync,nofsync --rounds 2
 * Prints numbers only; nothing here is asserted.
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeTracesProtobuf } from '../src/otlp/encode-protobuf.js';
import { PRODUCERS, batchOf, loadProducer } from './support/producer-batches.js';

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
  },
});
type QueueMode = 'memory' | 'fsync' | 'nofsync';
const MODES = args.queues!.split(',').map((m) => m.trim()) as QueueMode[];
for (const m of MODES) if (!['memory', 'fsync', 'nofsync'].includes(m)) throw new Error(`--queues: unknown mode '${m}' (memory, fsync, nofsync)`);
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);

function startSink(): Promise<{ port: number; requests: () => number; close: () => void }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        requests: () => requests,
        close: () => server.close(),
      }),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** utime+stime in seconds and VmHWM in MiB from /proc (Linux). */
function procStats(pid: number): { cpuSeconds: number; peakRssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of proc(5))
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return { cpuSeconds: ticks / 100, peakRssMiB: hwm ? Number(hwm[1]) / 1024 : NaN };
}

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

type Rows = [string, string][];

async function runMode(mode: QueueMode, batches: Uint8Array[]): Promise<Rows> {
  const sink = await startSink();
  const [port, telemetryPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'loopgate-bench-'));
  const configPath = path.join(dir, 'loopgate.yaml');
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
      `    endpoint: http://127.0.0.1:${sink.port}`,
      '    encoding: protobuf',
      `    compression: ${args.compression}`,
      ...(mode === 'memory' ? [] : ['    sending_queue:', `      storage: ${path.join(dir, 'queue')}`, `      fsync: ${mode === 'fsync'}`]),
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
      '',
    ].join('\n'),
  );

  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'serve', '--config', configPath], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const pid = child.pid!;
  try {
    await waitReady(`http://127.0.0.1:${telemetryPort}/readyz`, Date.now() + 15_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let accepted = 0;
    let refused = 0;
    let stop = false;
    const send = (body: Uint8Array): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/traces',
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
          },
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

    // Warm-up: JIT and connection set-up, excluded from the figures.
    const warm = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, WARMUP * 1000));
    stop = true;
    await Promise.all(warm);
    stop = false;

    const exportedSpans = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${telemetryPort}/metrics`)).text();
      let n = 0;
      for (const m of text.matchAll(/^loopgate_spans_exported_total\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
      return n;
    };
    const before = procStats(pid);
    const sinkBefore = sink.requests();
    const exportedBefore = await exportedSpans();
    const start = process.hrtime.bigint();
    accepted = 0;
    refused = 0;
    const run = Array.from({ length: CONCURRENCY }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    stop = true;
    await Promise.all(run);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    const after = procStats(pid);
    const cpu = after.cpuSeconds - before.cpuSeconds;
    const exported = (await exportedSpans()) - exportedBefore;
    agent.destroy();

    const rows: Rows = [
      ['queue', mode === 'memory' ? 'memory' : mode === 'fsync' ? 'storage, fsync' : 'storage, fsync: false'],
      ['policy', args.policy!],
      ['batch size (spans)', String(BATCH)],
      ['export compression', args.compression!],
      ['concurrency', String(CONCURRENCY)],
      ['duration (s)', elapsed.toFixed(1)],
      ['spans accepted', String(accepted)],
      ['spans refused (429/503)', String(refused)],
      ['spans/s accepted', (accepted / elapsed).toFixed(0)],
      ['spans/s exported to the sink', (exported / elapsed).toFixed(0)],
      ['sink requests/s (merged batches)', ((sink.requests() - sinkBefore) / elapsed).toFixed(1)],
      ['gateway CPU-seconds', cpu.toFixed(2)],
      ['spans per gateway CPU-second', (accepted / cpu).toFixed(0)],
      ['gateway peak RSS (MiB)', after.peakRssMiB.toFixed(1)],
    ];
    const text = await (await fetch(`http://127.0.0.1:${telemetryPort}/metrics`)).text();
    if (mode !== 'memory') {
      const sum = /^loopgate_queue_fsync_duration_seconds_sum\{[^}]*\} ([\d.e-]+)$/m.exec(text);
      const count = /^loopgate_queue_fsync_duration_seconds_count\{[^}]*\} (\d+)$/m.exec(text);
      const fsyncs = count ? Number(count[1]) : 0;
      rows.push(['fsyncs (whole run)', String(fsyncs)]);
      rows.push(['mean fsync (ms)', fsyncs > 0 ? ((Number(sum![1]) / fsyncs) * 1000).toFixed(2) : '-']);
    }
    if (process.env.LOOPGATE_BENCH_METRICS) {
      console.log(text.split('\n').filter((l) => /^loopgate_(spans|export|queue)/.test(l)).join('\n'));
    }
    return rows;
  } finally {
    // Let the gateway drain its queues into the sink before the sink goes away.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    sink.close();
  }
}

async function main(): Promise<void> {
  const producers = PRODUCERS.map(loadProducer);
  const batches = Array.from({ length: 64 }, (_, i) => encodeTracesProtobuf(batchOf(producers, BATCH, i * 7)));
  const columns: { name: string; rows: Rows }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of MODES) columns.push({ name: ROUNDS > 1 ? `${mode} #${round}` : mode, rows: await runMode(mode, batches) });
  }
  // One table, one column per run: the modes side by side.
  const keys = columns[0]!.rows.map(([k]) => k);
  for (const c of columns) for (const [k] of c.rows) if (!keys.includes(k)) keys.push(k);
  const width = Math.max(...keys.map((k) => k.length));
  const cell = (c: { rows: Rows }, k: string): string => c.rows.find(([key]) => key === k)?.[1] ?? '';
  const colWidth = columns.map((c) => Math.max(c.name.length, ...keys.map((k) => cell(c, k).length)));
  console.log(`${''.padEnd(width)}  ${columns.map((c, i) => c.name.padStart(colWidth[i]!)).join('  ')}`);
  for (const k of keys) console.log(`${k.padEnd(width)}  ${columns.map((c, i) => cell(c, k).padStart(colWidth[i]!)).join('  ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
