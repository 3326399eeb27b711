/**
 * A real OpenTelemetry Collector as a child process, for the interop suites: written config, free
 * loopback ports, started and awaited until it says it is ready, killed at the end.
 *
 *   const otelcol = await startCollector(peer.otelcol, (p) => `receivers: … endpoint: 127.0.0.1:${p.http} …`);
 *   …send to `http://127.0.0.1:${otelcol.ports.http}`…
 *   await otelcol.close();
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export { freePort };

export interface CollectorPorts {
  /** OTLP/gRPC receiver. */
  grpc: number;
  /** OTLP/HTTP receiver. */
  http: number;
}

export interface RunningCollector {
  readonly ports: CollectorPorts;
  /** A folder for the config and whatever the Collector's file exporters write. */
  readonly dir: string;
  /** What the Collector logged so far (its own logs: config, components, export errors). */
  logs(): string;
  /** SIGTERM, and SIGKILL if it has not exited within 5 s. */
  close(): Promise<void>;
}

export interface StartCollectorOptions {
  env?: Readonly<Record<string, string>>;
  /** How long to wait for "Everything is ready". Default 30 s (a cold start on a busy machine). */
  readyTimeoutMs?: number;
}

/** The line the Collector logs once every pipeline has started. */
const READY = 'Everything is ready';
const MAX_LOG_CHARS = 256 * 1024;

/**
 * Starts `bin --config <file>` with the config `configFor(ports, dir)` returns, and resolves once the
 * Collector is ready; rejects (with the tail of its logs) when it exits or fails to get ready first.
 * A port taken between our probe and the Collector's bind (other test runs share the machine) gets
 * one more try on fresh ports.
 */
export async function startCollector(
  bin: string,
  configFor: (ports: CollectorPorts, dir: string) => string,
  options: StartCollectorOptions = {},
): Promise<RunningCollector> {
  try {
    return await startOnce(bin, configFor, options);
  } catch (err) {
    if (!(err instanceof Error && err.message.includes('address already in use'))) throw err;
    return startOnce(bin, configFor, options);
  }
}

async function startOnce(
  bin: string,
  configFor: (ports: CollectorPorts, dir: string) => string,
  options: StartCollectorOptions,
): Promise<RunningCollector> {
  const ports = { grpc: await freePort(), http: await freePort() };
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-otelcol-'));
  const configFile = join(dir, 'otelcol.yaml');
  writeFileSync(configFile, configFor(ports, dir));

  const child = spawn(bin, ['--config', configFile], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (chunk: Buffer): void => {
    if (log.length < MAX_LOG_CHARS) log += chunk.toString('utf8');
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tail = (): string => log.split('\n').slice(-20).join('\n');

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`not ready after ${options.readyTimeoutMs ?? 30_000}ms`), options.readyTimeoutMs ?? 30_000);
    const onData = (): void => {
      if (!log.includes(READY)) return;
      cleanup();
      resolve();
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited (code ${code}, signal ${signal}) before it was ready`);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
    }
    function fail(why: string): void {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`the Collector ${why}; its last log lines:\n${tail()}`));
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (err) => fail(`could not be started: ${err.message}`));
  });

  return {
    ports,
    dir,
    logs: () => log,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
