/**
 * Where a gateway's CPU goes, by thread (issue #10, scaling): a `loopgate serve` child (dist/) with
 * `--workers` policy workers on redact-all, protobuf+gzip export to a local sink, 100-span protobuf
 * requests from 8 closed-loop keep-alive clients (the vs-collector load), and the CPU seconds each
 * thread used during the measured window, from /proc/<pid>/task. The main thread is the process id;
 * the policy workers are the threads that used the most CPU besides it; the rest are Node's platform
 * threads (V8's concurrent GC and compiler) and libuv's pool (zlib, fs).
 *
 * Run: npm run build && node --import tsx bench/thread-cpu.ts [-- --workers 2 --seconds 8 --main dist/cli/main.js]
 * Prints numbers only; nothing here is asserted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeTracesProtobuf } from '../src/otlp/encode-protobuf.js';
import { closedLoop } from './support/load-client.js';
import { threadCpuSeconds } from './support/proc.js';
import { PRODUCERS, batchOf, loadProducer } from './support/producer-batches.js';
import { startBenchSink } from './support/sink.js';
import { freePort } from '../test/support/free-port.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: String(availableParallelism()) },
    seconds: { type: 'string', default: '8' },
    main: { type: 'string', default: path.join(ROOT, 'dist/cli/main.js') },
  },
});
const WORKERS = Number(args.workers);


const sink = await startBenchSink();
const [port, telemetryPort] = [await freePort(), await freePort()];
const config = path.join(mkdtempSync(path.join(tmpdir(), 'loopgate-threads-')), 'loopgate.yaml');
writeFileSync(
  config,
  [
    `receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:${port}" } } } }`,
    `policy: ${JSON.stringify(path.join(ROOT, 'policies/examples/redact-all.yaml'))}`,
    `exporters: { otlphttp/sink: { endpoint: "${sink.url}", encoding: protobuf, compression: gzip } }`,
    'routes: { broad-use: [otlphttp/sink], tenant-only: [otlphttp/sink], eval-only: [otlphttp/sink] }',
    `service: { telemetry: { metrics: { address: "127.0.0.1:${telemetryPort}" }, logs: { level: error } }, workers: ${WORKERS} }`,
    '',
  ].join('\n'),
);
const child = spawn(process.execPath, [path.resolve(args.main), 'serve', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
const pid = child.pid!;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${telemetryPort}/readyz`)).ok) break;
  } catch {
    // not listening yet
  }
  if (i > 200) throw new Error('gateway not ready');
  await new Promise((r) => setTimeout(r, 100));
}
const producers = PRODUCERS.map(loadProducer);
const bodies = Array.from({ length: 16 }, (_, i) => encodeTracesProtobuf(batchOf(producers, 100, i * 13)));
const target = { host: '127.0.0.1', port, path: '/v1/traces' };
await closedLoop(target, bodies, 8, 2); // warm-up: JIT, connections
const before = threadCpuSeconds(pid);
const result = await closedLoop(target, bodies, 8, Number(args.seconds));
const after = threadCpuSeconds(pid);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await sink.close();

const used = [...after].map(([tid, s]) => ({ tid, seconds: s - (before.get(tid) ?? 0) }));
const main = used.find((t) => t.tid === pid)?.seconds ?? 0;
const others = used.filter((t) => t.tid !== pid).sort((a, b) => b.seconds - a.seconds);
const workers = others.slice(0, WORKERS).reduce((a, t) => a + t.seconds, 0);
const rest = others.slice(WORKERS).reduce((a, t) => a + t.seconds, 0);
const spans = result.ok * 100;
console.log(`${path.resolve(args.main)}, workers ${WORKERS}, ${result.seconds.toFixed(1)} s: ${Math.round(spans / result.seconds)} spans/s`);
console.log(`  CPU seconds: main thread ${main.toFixed(2)}, policy workers ${workers.toFixed(2)} (${others.slice(0, WORKERS).map((t) => t.seconds.toFixed(2)).join(' + ')}), other threads ${rest.toFixed(2)}`);
console.log(`  spans per policy-worker CPU-second ${workers > 0 ? Math.round(spans / workers) : '-'}; per gateway CPU-second ${Math.round(spans / (main + workers + rest))}`);
process.exit(0);
