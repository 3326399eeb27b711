/**
 * The `loopgate` command: help and usage errors through main() with captured output, and `serve` as a
 * real child process (config error → exit 1 with file:line:col; SIGTERM → clean exit 0).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { COMMANDS } from './commands/index.js';
import type { CliIO } from './commands/types.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');

function io(): CliIO & { out: string; err: string } {
  const captured = {
    out: '',
    err: '',
    stdout: (t: string) => void (captured.out += t),
    stderr: (t: string) => void (captured.err += t),
    env: {},
    cwd: ROOT,
  };
  return captured;
}

describe('loopgate (in process)', () => {
  it('--help lists the commands and exits 0', async () => {
    const c = io();
    expect(await main(['--help'], c)).toBe(0);
    expect(c.out).toMatch(/^Usage: loopgate <command>/);
    expect(c.out).toMatch(/\n {2}serve +run the gateway/);
    // Every registered command is listed with its summary.
    for (const command of COMMANDS) expect(c.out).toContain(`  ${command.name}`);
  });

  it('each listed command loads the module of its name', async () => {
    for (const entry of COMMANDS) expect((await entry.load()).name).toBe(entry.name);
  });

  it('<cmd> --help and help <cmd> print the command help', async () => {
    const a = io();
    expect(await main(['serve', '--help'], a)).toBe(0);
    expect(a.out).toMatch(/^Usage: loopgate serve \[--config FILE\]/);
    const b = io();
    expect(await main(['help', 'serve'], b)).toBe(0);
    expect(b.out).toBe(a.out);
  });

  it('no command, an unknown command or an unknown flag is a usage error (exit 2)', async () => {
    const none = io();
    expect(await main([], none)).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toMatch(/^Usage: loopgate <command>/);
    const unknown = io();
    expect(await main(['frobnicate'], unknown)).toBe(2);
    expect(unknown.err).toMatch(/^loopgate: unknown command 'frobnicate'/);
    const flag = io();
    expect(await main(['serve', '--port', '1'], flag)).toBe(2);
    expect(flag.err).toMatch(/^loopgate serve: Unknown option '--port'/);
  });

  it('a config error prints file:line:col lines once and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-cli-'));
    const file = join(dir, 'loopgate.yaml');
    await writeFile(file, 'policy: p.yaml\nroutes:\n  broad-use: [file/nope]\n');
    const c = io();
    expect(await main(['serve', '--config', file], c)).toBe(1);
    expect(c.err).toBe(`${file}:3:15: routes.broad-use[0]: unknown exporter 'file/nope'; no exporters are defined\n`);
  });
});

describe('loopgate serve (child process)', () => {
  it('serves, writes each class under its data folder, and exits 0 on SIGTERM after draining', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-serve-'));
    const config = join(dir, 'loopgate.yaml');
    await writeFile(
      config,
      [
        'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
        `policy: ${join(ROOT, 'policies/examples/redact-all.yaml')}`,
        'exporters: { file/broad: { path: ./data/broad-use.jsonl } }',
        'routes: { broad-use: [file/broad] }',
        'service: { telemetry: { metrics: { address: "127.0.0.1:0" } } }',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--config', config], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const serving = await new Promise<{ receiver: string; telemetry: string }>((resolvePromise, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const line = stdout.split('\n').find((l) => l.includes('"loopgate serving"'));
        if (line) resolvePromise(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

    const body = await readFile(`${PRODUCERS_DIR}/vercel-ai.pb`);
    const res = await fetch(`${serving.receiver}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(res.status).toBe(200);
    expect((await fetch(`${serving.telemetry}/readyz`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"signal":"SIGTERM"');
    expect(stdout).toContain('"loopgate stopped"');
    const written = await readFile(join(dir, 'data/broad-use.jsonl'), 'utf8');
    expect(written.trim().split('\n')).toHaveLength(1);
    expect(written).not.toContain('jane.doe@example.com');
  });
});
