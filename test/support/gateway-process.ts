/**
 * A gateway as a real child process: `loopgate serve --config FILE`, run from the sources (tsx), so a
 * test exercises exactly the code of the working tree. Its pino lines are collected; the ports it bound
 * (port 0 in the config) are read from its 'loopgate serving' line.
 *
 *   const gw = await startGatewayProcess(configPath, { env: { REDIS_ADDR } });
 *   await fetch(`${gw.receiverUrl}/v1/traces`, …);
 *   gw.counter('loopgate_spans_discarded_total{reason="cap_exceeded"}', await gw.metrics());
 *   await gw.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixture-paths.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface GatewayProcess {
  readonly pid: number;
  readonly receiverUrl: string;
  readonly telemetryUrl: string;
  /** Every JSON line it logged so far. */
  readonly logs: readonly LogLine[];
  /** Exit code or signal once it exited; undefined while it runs. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The Prometheus text of its /metrics. */
  metrics(): Promise<string>;
  /** SIGTERM (graceful: drains its queues), then waits for the exit. */
  stop(): Promise<void>;
}

const STARTUP_MS = 60_000;

/**
 * `fileLimit`: the child's limit of open file descriptors (RLIMIT_NOFILE, set by `ulimit -n` in a
 * shell that then execs node, so the pid is the gateway's).
 */
export async function startGatewayProcess(configPath: string, options: { env?: Record<string, string>; fileLimit?: number } = {}): Promise<GatewayProcess> {
  const args = ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--config', configPath];
  const [command, argv] =
    options.fileLimit === undefined ? [process.execPath, args] : ['/bin/sh', ['-c', `ulimit -n ${options.fileLimit} && exec "$0" "$@"`, process.execPath, ...args]];
  const child: ChildProcess = spawn(command, argv, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.on('exit', (code, signal) => (exit = { code, signal }));
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));

  const serving = new Promise<LogLine>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (b: Buffer) => {
      buffered += b.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as LogLine;
          logs.push(parsed);
          if (parsed.msg === 'loopgate serving') resolve(parsed);
        } catch {
          // not a log line
        }
      }
    });
    child.on('exit', (code, signal) => reject(new Error(`gateway exited before serving (code ${code}, signal ${signal}): ${stderr}`)));
    setTimeout(() => reject(new Error(`gateway did not start within ${STARTUP_MS} ms: ${stderr}`)), STARTUP_MS).unref();
  });
  let line: LogLine;
  try {
    line = await serving;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    pid: child.pid!,
    receiverUrl: line['receiver'] as string,
    telemetryUrl: line['telemetry'] as string,
    logs,
    exited: () => exit,
    metrics: async () => (await fetch(`${line['telemetry'] as string}/metrics`)).text(),
    async stop() {
      if (exit) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

/** The value of one sample line (`name{labels}`, exactly as exposed), or 0 when absent. */
export function sample(metricsText: string, series: string): number {
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}
