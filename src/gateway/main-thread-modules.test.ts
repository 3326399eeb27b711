/**
 * What the gateway's main thread loads (README "Memory of the main thread"): with policy workers it
 * only moves bytes, so it must not load the policy compiler or any detector (they cost ~22 MiB of RSS
 * there), nor the YAML parser and the schemas (the config and policy files are read on a
 * short-lived thread, files-thread.ts); ioredis and grpc-js load only for a config that uses them
 * (cap_store.redis, an OTLP/gRPC receiver), and `serve` never loads the other commands' code. Checked on a real `loopgate serve`
 * child, from the scripts its main isolate compiled (test/support/record-main-scripts.ts), not from
 * import statements: a dynamic import or a new static path shows up either way.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';
import { freePort } from '../../test/support/free-port.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');
const RECORDER = join(ROOT, 'test/support/record-main-scripts.ts');

/** What only a thread that compiles or runs the policy needs, and the optional packages. */
const COMPILER = /\/src\/policy\/(detect\/|compile\.ts|engine\.ts)/;
const IOREDIS = /\/node_modules\/ioredis\//;
const GRPC_JS = /\/node_modules\/@grpc\/grpc-js\//;
const OTHER_COMMANDS = /\/src\/cli\/commands\/(validate|test|explain|replay)\.ts/;
/** What reads the config and policy files: on a thread of its own with workers (files-thread.ts). */
const FILE_READING = /\/node_modules\/(zod|yaml)\/|\/src\/(config\/(load|schema)|policy\/(read-policy|schema))\.ts/;
/** The receiver's fallback for everything but export POSTs (lazy-listener.ts). */
const HONO = /\/node_modules\/(hono|@hono\/node-server)\//;

/**
 * Runs `loopgate serve` with `service` and `extra` config lines, sends one export request (and, with
 * `askFallback`, a GET the fallback answers 404), stops it; the scripts its main thread compiled.
 */
async function serveAndRecord(service: string[], extra: string[] = [], askFallback = false): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'loopgate-main-thread-'));
  const config = join(dir, 'loopgate.yaml');
  const record = join(dir, 'scripts.txt');
  await writeFile(
    config,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http: { endpoint: "127.0.0.1:0" }',
      ...extra.filter((l) => l.startsWith('      grpc:')),
      `policy: ${join(ROOT, 'policies/examples/redact-all.yaml')}`,
      'exporters: { file/broad: { path: ./data/broad-use.jsonl } }',
      'routes: { broad-use: [file/broad] }',
      ...extra.filter((l) => !l.startsWith('      grpc:')),
      'service:',
      '  telemetry: { metrics: { address: "127.0.0.1:0" } }',
      ...service.map((l) => `  ${l}`),
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, MAIN, 'serve', '--config', config], {
    cwd: ROOT,
    env: { ...process.env, LOOPGATE_RECORD_SCRIPTS: record },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const receiver = await new Promise<string>((resolvePromise, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n').find((l) => l.includes('"loopgate serving"'));
      if (line) resolvePromise((JSON.parse(line) as { receiver: string }).receiver);
    });
    child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
  });
  // The policy really runs (where it runs is the point): a request is redacted and written.
  const body = await readFile(join(PRODUCERS_DIR, 'vercel-ai.pb'));
  const res = await fetch(`${receiver}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  expect(res.status).toBe(200);
  if (askFallback) expect((await fetch(`${receiver}/`)).status).toBe(404);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const written = await readFile(join(dir, 'data/broad-use.jsonl'), 'utf8');
  expect(written.trim().split('\n')).toHaveLength(1);
  expect(written).not.toContain('jane.doe@example.com');
  return (await readFile(record, 'utf8')).split('\n');
}

const matching = (scripts: readonly string[], pattern: RegExp): string[] => scripts.filter((s) => pattern.test(s));

describe('the main thread of loopgate serve', () => {
  it('with a policy worker loads no file reader, compiler or detector, no ioredis, no grpc-js, no other command and no Hono while only exports arrive', async () => {
    const scripts = await serveAndRecord(['workers: 1']);
    // The recorder saw the gateway's own modules; the files were read on a thread of their own.
    expect(matching(scripts, /\/src\/gateway\/start\.ts/)).toHaveLength(1);
    expect(matching(scripts, /\/src\/gateway\/files-thread\.ts/)).toHaveLength(1);
    expect(matching(scripts, FILE_READING)).toEqual([]);
    expect(matching(scripts, COMPILER)).toEqual([]);
    expect(matching(scripts, IOREDIS)).toEqual([]);
    expect(matching(scripts, GRPC_JS)).toEqual([]);
    expect(matching(scripts, OTHER_COMMANDS)).toEqual([]);
    expect(matching(scripts, HONO)).toEqual([]);
  }, 60_000);

  it('with workers: 0 reads and compiles the policy here; a Redis cap store, a gRPC receiver and a request for the fallback load their packages', async () => {
    const redisPort = await freePort(); // nothing listens: the gateway serves anyway (caps fail closed)
    const scripts = await serveAndRecord(['workers: 0'], ['      grpc: { endpoint: "127.0.0.1:0" }', `cap_store: { redis: { endpoint: "127.0.0.1:${redisPort}" } }`], true);
    expect(matching(scripts, COMPILER).length).toBeGreaterThan(10);
    // the policy read here too (the config, as always, on its short-lived thread)
    expect(matching(scripts, /\/src\/policy\/read-policy\.ts/)).toHaveLength(1);
    expect(matching(scripts, IOREDIS).length).toBeGreaterThan(0);
    expect(matching(scripts, GRPC_JS).length).toBeGreaterThan(0);
    expect(matching(scripts, OTHER_COMMANDS)).toEqual([]);
    // the fallback's first request loaded it
    expect(matching(scripts, HONO).length).toBeGreaterThan(0);
  }, 60_000);
});
