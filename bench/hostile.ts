/**
 * Hostile load (issue #13): good clients keep sending while an attacker sends the worst shapes the
 * issue found, against a real gateway child process (`loopgate serve`, the compiled dist/, as
 * production runs it) supervised like a container: if it dies it is started again, and counted.
 *
 * Phases: quiet (good clients only); each attack shape alone (one attacker sending it back to back
 * for a few seconds); then every shape at once from several attackers, with slowloris and idle
 * sockets held open. Reported for each: the good clients' request latency (p50,
 * p99, max) and answers, /healthz latency from a prober polling every 50 ms, and what the attack
 * requests got. Then: restarts, peak RSS.
 *
 * Attack shapes (each small on the wire):
 *   links          20 MiB of empty Span.links (`6a 00`), gzipped to ~20 KB       → 413 (decode budget)
 *   attributes     20 MiB of empty attributes                                    → 413
 *   spans          20 MiB of minimal spans (ids only)                            → 413
 *   json-objects   20 MiB of `{}` links in OTLP/JSON                             → 413 before JSON.parse
 *   json-deep      AnyValue arrays nested 100 000 deep                           → 400
 *   gzip-bomb      1 GiB of zeros in 1.6 MB                                      → 413
 *   api-key        `api_key=AKIAIOSFODNN7EXAMPLE ` repeated to 2 MB (was quadratic) → 200, redacted
 *   url-userinfo   `http://user:pass@host.com ` repeated to 1.66 MB (was quadratic) → 200, redacted
 *   pem-headers    `-----BEGIN PRIVATE KEY-----` repeated to 1 MB               → 200, redacted
 *   prose-19MiB    one 19 MiB attribute of text with PII (linear, but the most CPU) → 200, redacted
 *   slowloris      sockets trickling headers, and idle sockets, held open           → 408 / closed
 *
 * Run: npm run bench:hostile [-- --quiet 10 --each 4 --seconds 30 --clients 4 --attackers 2 --shapes a,b
 *        --workers 2 --gateways before=/tmp/old/dist/cli/main.js,after=dist/cli/main.js]
 * `--gateways` runs every phase against each gateway build in turn (interleaved, phase by phase), in
 * this one run, and ends with a table of them side by side (default: this checkout's dist/ only). `--workers` sets service.workers
 * (default: the gateway's default, one per CPU).
 * Prints numbers only; nothing here is asserted. The machine may be shared: compare runs side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeTracesProtobuf } from '../src/otlp/encode-protobuf.js';
import { attackShapes } from './support/hostile-shapes.js';
import { PRODUCERS, batchOf, loadProducer } from './support/producer-batches.js';
import { freePort } from '../test/support/free-port.js';

const ROOT = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    quiet: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '30' },
    clients: { type: 'string', default: '4' },
    batch: { type: 'string', default: '20' },
    attackers: { type: 'string', default: '2' },
    shapes: { type: 'string', default: '' },
    each: { type: 'string', default: '4' },
    slowloris: { type: 'string', default: '50' },
    idle: { type: 'string', default: '500' },
    workers: { type: 'string', default: '' },
    gateways: { type: 'string', default: '' },
  },
});
const QUIET_S = Number(args.quiet);
const ATTACK_S = Number(args.seconds);
const CLIENTS = Number(args.clients);
const BATCH = Number(args.batch);
const ATTACKERS = Number(args.attackers);

// ---- the gateway, supervised ----


function startSink(): Promise<{ port: number; close: () => void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, close: () => server.close() })));
}

async function waitReady(url: string, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway not ready at ${url}`);
}

function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

// ---- measuring ----

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

class Series {
  readonly ms: number[] = [];
  readonly statuses = new Map<string, number>();
  add(ms: number, status: string): void {
    this.ms.push(ms);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }
  summary(): string {
    const s = [...this.ms].sort((a, b) => a - b);
    const st = [...this.statuses].map(([k, v]) => `${k}×${v}`).join(' ');
    return `n=${s.length}  p50 ${quantile(s, 0.5).toFixed(1)} ms  p99 ${quantile(s, 0.99).toFixed(1)} ms  max ${(s[s.length - 1] ?? NaN).toFixed(1)} ms  [${st}]`;
  }
}

function post(port: number, body: Buffer, type: string, agent: http.Agent, encoding?: string, timeoutMs = 60_000): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': type, 'content-length': body.byteLength };
    if (encoding) headers['content-encoding'] = encoding;
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: String(res.statusCode), ms: performance.now() - started }));
      res.on('error', () => resolve({ status: 'error', ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: e.message === 'timeout' ? 'timeout' : 'error', ms: performance.now() - started }));
    req.end(body);
  });
}

function get(url: string, agent: http.Agent, timeoutMs = 10_000): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: String(res.statusCode), ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: e.message === 'timeout' ? 'timeout' : 'error', ms: performance.now() - started }));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Windows = Map<string, { good: Series; health: Series; attack: Series }>;
type Shapes = Awaited<ReturnType<typeof attackShapes>>;

/** One gateway build under test: a supervised child process, with its own sink, ports and windows. */
interface Gateway {
  label: string;
  mainJs: string;
  port: number;
  telemetryPort: number;
  windows: Windows;
  restarts: number;
  exits: string[];
  peak: number;
  held: { slowloris: number; idle: number; closedByServer: number };
  stop(): Promise<void>;
}

async function startGateway(label: string, mainJs: string): Promise<Gateway> {
  const sink = await startSink();
  const [port, telemetryPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'loopgate-hostile-'));
  const configPath = path.join(dir, 'loopgate.yaml');
  writeFileSync(
    configPath,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      `policy: ${path.join(ROOT, 'policies/examples/redact-all.yaml')}`,
      'exporters:',
      '  otlphttp/sink:',
      `    endpoint: http://127.0.0.1:${sink.port}`,
      'routes:',
      '  broad-use: [otlphttp/sink]',
      'service:',
      '  telemetry:',
      `    metrics: { address: 127.0.0.1:${telemetryPort} }`,
      '    logs: { level: error }',
      ...(args.workers ? [`  workers: ${Number(args.workers)}`] : []),
      '',
    ].join('\n'),
  );
  let child: ChildProcess;
  let stopping = false;
  const gw: Gateway = {
    label,
    mainJs,
    port,
    telemetryPort,
    windows: new Map(),
    restarts: 0,
    exits: [],
    peak: 0,
    held: { slowloris: 0, idle: 0, closedByServer: 0 },
    stop: async () => {
      stopping = true;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      sink.close();
    },
  };
  const spawnGateway = (): void => {
    child = spawn(process.execPath, [mainJs, 'serve', '--config', configPath], { stdio: ['ignore', 'ignore', 'inherit'] });
    const pid = child.pid!;
    const rss = setInterval(() => (gw.peak = Math.max(gw.peak, peakRssMiB(pid) || 0)), 250);
    child.once('exit', (code, signal) => {
      clearInterval(rss);
      if (stopping) return;
      gw.restarts++;
      gw.exits.push(signal ?? `exit ${code}`);
      spawnGateway(); // as a supervisor would
    });
  };
  spawnGateway();
  await waitReady(`http://127.0.0.1:${telemetryPort}/readyz`, Date.now() + 20_000);
  return gw;
}

/**
 * One phase against one gateway: good clients and the /healthz prober for `seconds`, with `attack`
 * (the shapes sent back to back by `attackers` attackers) and, when `holdSockets`, slowloris and idle
 * sockets. Recorded under `name` unless it is 'warmup'.
 */
async function runPhase(gw: Gateway, name: string, seconds: number, batches: readonly Buffer[], attack: Shapes, attackers: number, holdSockets: boolean): Promise<void> {
  const goodAgent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const healthAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const attackAgent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, attackers) });
  let running = true;
  const w = { good: new Series(), health: new Series(), attack: new Series() };
  const goodClient = async (c: number): Promise<void> => {
    for (let i = c; running; i += CLIENTS) {
      const r = await post(gw.port, batches[i % batches.length]!, 'application/x-protobuf', goodAgent);
      if (running) w.good.add(r.ms, r.status);
      await sleep(20);
    }
  };
  const prober = async (): Promise<void> => {
    while (running) {
      const r = await get(`http://127.0.0.1:${gw.telemetryPort}/healthz`, healthAgent);
      if (running) w.health.add(r.ms, r.status);
      await sleep(50);
    }
  };
  const attacker = async (offset: number): Promise<void> => {
    for (let i = offset; running; i++) {
      const s = attack[i % attack.length]!;
      const r = await post(gw.port, s.body, s.type, attackAgent, 'gzip');
      w.attack.add(r.ms, r.status);
    }
  };
  /** Sockets that trickle header lines, reopened when the gateway closes them, and idle ones. */
  const sockets: net.Socket[] = [];
  const hold = (kind: 'slowloris' | 'idle'): void => {
    if (!running) return;
    const s = net.connect(gw.port, '127.0.0.1');
    sockets.push(s);
    s.on('error', () => {});
    s.on('data', () => {});
    s.once('connect', () => {
      gw.held[kind]++;
      if (kind === 'slowloris') s.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\n');
    });
    const trickle = kind === 'slowloris' ? setInterval(() => s.writable && s.write('X-Slow: 1\r\n'), 1000) : undefined;
    s.once('close', () => {
      clearInterval(trickle);
      if (running) {
        gw.held.closedByServer++;
        setTimeout(() => hold(kind), 100);
      }
    });
  };
  const tasks = [...Array.from({ length: CLIENTS }, (_, c) => goodClient(c)), prober()];
  if (attack.length > 0) tasks.push(...Array.from({ length: attackers }, (_, a) => attacker(a)));
  if (holdSockets) {
    for (let i = 0; i < Number(args.slowloris); i++) hold('slowloris');
    for (let i = 0; i < Number(args.idle); i++) hold('idle');
  }
  await sleep(seconds * 1000);
  running = false;
  await Promise.all(tasks);
  for (const s of sockets) s.destroy();
  for (const a of [goodAgent, healthAgent, attackAgent]) a.destroy();
  if (name !== 'warmup') gw.windows.set(name, w);
}

function report(gw: Gateway, shapes: Shapes): void {
  const row = (name: string, w: { good: Series; health: Series; attack: Series } | undefined): void => {
    if (w === undefined) return;
    console.log(`  ${name}`);
    console.log(`    good clients  ${w.good.summary()}`);
    console.log(`    /healthz      ${w.health.summary()}`);
    if (w.attack.ms.length > 0) console.log(`    attacker      ${w.attack.summary()}`);
  };
  console.log(`\n=== ${gw.label}: ${gw.mainJs}`);
  console.log(`node ${process.version}, gateway on redact-all, workers ${args.workers || 'default'}, ${CLIENTS} good clients (${BATCH}-span protobuf batches, 20 ms apart), /healthz every 50 ms`);
  console.log(`\nquiet: good clients only (${QUIET_S} s)`);
  row('no attack', gw.windows.get('quiet'));
  console.log(`\neach shape alone, one attacker back to back (${args.each} s each; body size on the wire)`);
  for (const s of shapes) row(`${s.name} (${s.body.length} B)`, gw.windows.get(s.name));
  console.log(`\nevery shape at once: ${ATTACKERS} attackers, ${args.slowloris} slowloris and ${args.idle} idle sockets held (${ATTACK_S} s)`);
  row('all', gw.windows.get('attack'));
  console.log(`  slowloris/idle sockets opened ${gw.held.slowloris}/${gw.held.idle}, closed by the gateway ${gw.held.closedByServer}`);
  console.log(`\ngateway restarts: ${gw.restarts}${gw.exits.length ? ` (${gw.exits.join(', ')})` : ''}; peak RSS ${gw.peak.toFixed(0)} MiB`);
}

function p99(s: Series | undefined): string {
  if (s === undefined || s.ms.length === 0) return '-';
  return quantile([...s.ms].sort((a, b) => a - b), 0.99).toFixed(0);
}

async function main(): Promise<void> {
  const producers = PRODUCERS.map(loadProducer);
  const batches = Array.from({ length: 32 }, (_, i) => Buffer.from(encodeTracesProtobuf(batchOf(producers, BATCH, i * 7))));
  const shapes = await attackShapes(args.shapes ? args.shapes.split(',') : undefined);
  const specs = args.gateways
    ? args.gateways.split(',').map((g) => {
        const at = g.indexOf('=');
        return at === -1 ? { label: g, mainJs: path.resolve(g) } : { label: g.slice(0, at), mainJs: path.resolve(g.slice(at + 1)) };
      })
    : [{ label: 'this checkout', mainJs: path.join(ROOT, 'dist/cli/main.js') }];
  const gateways: Gateway[] = [];
  for (const g of specs) gateways.push(await startGateway(g.label, g.mainJs));
  // Each phase runs against every gateway in turn (the others idle meanwhile), so a noisy moment on a
  // shared machine hits one phase of each, not a whole run of one.
  const phases: { name: string; seconds: number; attack: Shapes; attackers: number; hold: boolean }[] = [
    { name: 'warmup', seconds: 3, attack: [], attackers: 0, hold: false },
    { name: 'quiet', seconds: QUIET_S, attack: [], attackers: 0, hold: false },
    ...shapes.map((s) => ({ name: s.name, seconds: Number(args.each), attack: [s], attackers: 1, hold: false })),
    { name: 'attack', seconds: ATTACK_S, attack: shapes, attackers: ATTACKERS, hold: true },
  ];
  for (const ph of phases) {
    for (const gw of gateways) {
      await runPhase(gw, ph.name, ph.seconds, batches, ph.attack, ph.attackers, ph.hold);
      await sleep(500);
    }
  }
  for (const gw of gateways) await gw.stop();
  for (const gw of gateways) report(gw, shapes);
  if (gateways.length < 2) return;
  console.log(`\nside by side, phases interleaved: good-client p99 / /healthz p99 in ms (workers ${args.workers || 'default'})`);
  const width = 18;
  console.log(`  ${'phase'.padEnd(14)}${gateways.map((g) => g.label.padStart(width)).join('')}`);
  for (const ph of phases.slice(1)) {
    const cells = gateways.map((g) => `${p99(g.windows.get(ph.name)?.good)} / ${p99(g.windows.get(ph.name)?.health)}`.padStart(width));
    console.log(`  ${(ph.name === 'attack' ? 'all at once' : ph.name).padEnd(14)}${cells.join('')}`);
  }
  console.log(`  ${'restarts'.padEnd(14)}${gateways.map((g) => String(g.restarts).padStart(width)).join('')}`);
  console.log(`  ${'peak RSS MiB'.padEnd(14)}${gateways.map((g) => g.peak.toFixed(0).padStart(width)).join('')}`);
}

await main();
