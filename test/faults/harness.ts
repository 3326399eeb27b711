/**
 * Black-box fault harness: the gateway as a real child process (`loopgate serve` from source through
 * tsx, so the tests always run the code in the tree), real OTLP/HTTP clients that remember which spans
 * were acknowledged with a 200, and a real OTLP sink that records what was delivered. Faults are real
 * too: kill -9, SIGTERM, a downstream that answers 503 or stalls, bytes flipped and cut in the queue's
 * files, a full file system.
 *
 * Everything is bounded: each wait has a deadline, each client loop stops on a flag, and every child
 * process is killed when its test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { encodeTracesProtobuf } from '../../src/otlp/encode-protobuf.js';
import { REPO_ROOT } from '../support/fixture-paths.js';
import type { OtlpSink } from '../support/otlp-sink.js';
import { genAiTraces } from '../support/spans.js';

const MAIN = join(REPO_ROOT, 'src/cli/main.ts');
export const REDACT_ALL = join(REPO_ROOT, 'policies/examples/redact-all.yaml');

export interface GatewayProcess {
  readonly pid: number;
  readonly receiverUrl: string;
  readonly telemetryUrl: string;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<void>;
  term(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  rssBytes(): number;
  metrics(): Promise<string>;
}

const live = new Set<ChildProcess>();

/** Kills every gateway a test left running (afterEach). */
export function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

/**
 * How long a gateway may take to start: generous, since tsx compiles the tree on a machine several
 * test runs share. A deadline on a condition, not an expectation of speed.
 */
const START_DEADLINE_MS = 120_000;

/**
 * The deadline on every condition a fault test waits for (spans at the sink, a queue to drain, a
 * signal to be handled): generous, so a loaded machine only makes a test slower, never red. A test
 * that passes waits only as long as the condition takes.
 */
export const DEADLINE_MS = 120_000;

export interface StartOptions {
  timeoutMs?: number;
  /** Extra environment (LOOPGATE_CRASH_AT for crash-point tests). */
  env?: Record<string, string>;
}

function spawnGateway(dir: string, config: string, env: Record<string, string> = {}): ChildProcess {
  const file = join(dir, 'loopgate.yaml');
  writeFileSync(file, config);
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--config', file], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  live.add(child);
  return child;
}

/**
 * Runs `loopgate serve` armed to kill itself at a crash point (src/export/crash-point.ts); resolves with
 * how it ended, which must be by SIGKILL before it served.
 */
export async function runToCrash(dir: string, config: string, env: Record<string, string>, timeoutMs = START_DEADLINE_MS): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; stdout: string }> {
  const child = spawnGateway(dir, config, env);
  let stdout = '';
  let timedOut = false;
  child.stdout!.on('data', (c: Buffer) => void (stdout += c.toString('utf8')));
  child.stderr!.resume();
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  live.delete(child);
  return { ...ended, timedOut, stdout };
}

/** Starts `loopgate serve` on `config` (written to `dir`); resolves once it serves. */
export async function startGateway(dir: string, config: string, options: StartOptions = {}): Promise<GatewayProcess> {
  const timeoutMs = options.timeoutMs ?? START_DEADLINE_MS;
  const child = spawnGateway(dir, config, options.env);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const serving = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in ${timeoutMs}ms: ${stderr.slice(-2000)}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'loopgate serving') {
            clearTimeout(timer);
            resolve(entry);
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.on('data', (c: Buffer) => void (stderr += c.toString('utf8')));
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before serving: ${stderr.slice(-2000)}`));
    });
  });
  const started = await serving;
  const pid = child.pid!;
  const status = (key: string): number => {
    try {
      const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : NaN;
    } catch {
      return NaN;
    }
  };
  return {
    pid,
    receiverUrl: started.receiver as string,
    telemetryUrl: started.telemetry as string,
    logs,
    exited,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async term() {
      child.kill('SIGTERM');
      return exited;
    },
    peakRssBytes: () => status('VmHWM'),
    rssBytes: () => status('VmRSS'),
    metrics: async () => (await fetch(`${started.telemetry as string}/metrics`)).text(),
  };
}

/** A config for one otlphttp exporter to `sinkUrl`, with `queue` lines under sending_queue. */
export function gatewayYaml(sinkUrl: string, opts: { queue?: string[]; shutdownTimeout?: string; receiver?: string[]; exporter?: string[] } = {}): string {
  return [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    '        endpoint: 127.0.0.1:0',
    ...(opts.receiver ?? []).map((l) => `        ${l}`),
    `policy: ${REDACT_ALL}`,
    'exporters:',
    '  otlphttp/sink:',
    `    endpoint: ${sinkUrl}`,
    '    timeout: 2s',
    '    retry_on_failure: { initial_interval: 100ms, max_interval: 500ms, max_elapsed_time: 0 }',
    ...(opts.exporter ?? []).map((l) => `    ${l}`),
    ...(opts.queue ? ['    sending_queue:', ...opts.queue.map((l) => `      ${l}`)] : []),
    'routes:',
    '  broad-use: [otlphttp/sink]',
    'service:',
    '  telemetry:',
    '    metrics: { address: 127.0.0.1:0 }',
    '    logs: { level: info }',
    `  shutdown_timeout: ${opts.shutdownTimeout ?? '5s'}`,
    '',
  ].join('\n');
}

/** Span identity as the sink sees it. */
export const spanKey = (traceId: string, spanId: string): string => `${traceId}/${spanId}`;

/** `n` spans in one request, all of trace `traceNo`: their keys and the protobuf body. */
export function batch(traceNo: number, n: number, tenant = 'acme'): { keys: string[]; body: Uint8Array } {
  const data = genAiTraces(n, tenant, traceNo);
  const keys = data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => spanKey(s.traceId, s.spanId))));
  return { keys, body: encodeTracesProtobuf(data) };
}

export type PostResult = { status: number; retryAfter: string | undefined; connection: string | undefined } | { status: 'error'; code: string };

/** One POST on a keep-alive agent; never throws. */
export function post(url: string, body: Uint8Array, agent: http.Agent, timeoutMs = 10_000): Promise<PostResult> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/v1/traces`, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], connection: res.headers.connection }));
      res.on('error', (err) => resolve({ status: 'error', code: (err as NodeJS.ErrnoException).code ?? err.name }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 'error', code: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(body);
  });
}

/**
 * Clients sending batches of fresh spans on keep-alive connections until stopped. A 200 adds the
 * batch's spans to `acked`; a 503 (with `resend`) sends the same batch again after a short wait, as
 * OTLP exporters do; a connection error (the gateway was killed) leaves the batch unacknowledged.
 */
export class Load {
  readonly acked = new Set<string>();
  readonly statuses = new Map<string, number>();
  /** Per client, the results in order (for "no 200 after a shutdown 503" checks). */
  readonly perClient: PostResult[][] = [];
  private stopped = false;
  private readonly running: Promise<void>[] = [];
  private static nextTrace = 1;

  constructor(
    private readonly url: () => string,
    readonly clients: number,
    private readonly opts: { spansPerBatch?: number; resend?: boolean; pauseMs?: number; maxBatches?: number } = {},
  ) {}

  start(): this {
    for (let c = 0; c < this.clients; c++) {
      const results: PostResult[] = [];
      this.perClient.push(results);
      this.running.push(this.client(results));
    }
    return this;
  }

  /** Waits for clients with `maxBatches` to send them all. */
  async finished(): Promise<void> {
    await Promise.all(this.running);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  count(status: string): number {
    return this.statuses.get(status) ?? 0;
  }

  private async client(results: PostResult[]): Promise<void> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let sent = 0;
    try {
      while (!this.stopped && (this.opts.maxBatches === undefined || sent < this.opts.maxBatches)) {
        const b = batch(Load.nextTrace++, this.opts.spansPerBatch ?? 10);
        sent++;
        for (;;) {
          const r = await post(this.url(), b.body, agent);
          results.push(r);
          const key = r.status === 'error' ? `error:${r.code}` : String(r.status);
          this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
          if (r.status === 200) for (const k of b.keys) this.acked.add(k);
          if (r.status === 503 && this.opts.resend && !this.stopped) {
            await sleep(100);
            continue;
          }
          break;
        }
        if (this.opts.pauseMs) await sleep(this.opts.pauseMs);
      }
    } finally {
      agent.destroy();
    }
  }
}

/** Span keys the sink accepted, with how many times each arrived. */
export function delivered(sink: OtlpSink): Map<string, number> {
  const seen = new Map<string, number>();
  for (const s of sink.spans()) {
    const k = spanKey(s.traceId, s.spanId);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return seen;
}

export function missing(acked: Iterable<string>, got: Map<string, number>): string[] {
  return [...acked].filter((k) => !got.has(k));
}

export function duplicates(got: Map<string, number>): number {
  let n = 0;
  for (const c of got.values()) n += c - 1;
  return n;
}

/** The value of a Prometheus counter or gauge (summed over label sets matching `labels`). */
export function metric(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`, 'gm'))) {
    if (labels === '' || (m[1] ?? '').includes(labels)) sum += Number(m[2]);
  }
  return sum;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true; throws with `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms}ms waiting for ${what}`);
    await sleep(25);
  }
}
