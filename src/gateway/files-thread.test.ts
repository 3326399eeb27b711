import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../config/load.js';
import { compilePolicy } from '../policy/compile.js';
import { readPolicy } from '../policy/read-policy.js';
import { loadConfigOffThread, readPolicyHere, readPolicyOffThread } from './files-thread.js';

const ROOT = resolve(import.meta.dirname, '../..');
const REDACT_ALL = join(ROOT, 'policies/examples/redact-all.yaml');

/** A policy the schema takes and the compiler refuses: an invalid RE2 pattern, an unknown entity, an unreachable rule. */
function compilerRefused(): string {
  return readFileSync(REDACT_ALL, 'utf8')
    .replace('  builtin: all\n', '  builtin: all\n  custom:\n    - { id: t, entity: TICKET, pattern: "(" }\n')
    .replace('actions:\n', 'actions:\n  entities:\n    NOPE: { action: replace }\n')
    .concat('  - id: catch-all\n    when: { always: true }\n    class: discard\n  - id: never\n    when: { always: true }\n    class: discard\n');
}

describe('the gateway config read off the main thread', () => {
  it('gives the config loadGatewayConfig gives, ${env:} expanded from the env it is handed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-files-'));
    const file = join(dir, 'loopgate.yaml');
    await writeFile(
      file,
      [
        'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:4318" }, grpc: { endpoint: "127.0.0.1:4317" } } } }',
        `policy: ${REDACT_ALL}`,
        'exporters:',
        '  otlphttp/x: { endpoint: "${env:SINK}", compression: gzip }',
        '  file/eval: { path: ./data/eval.jsonl }',
        'routes: { broad-use: [otlphttp/x], eval-only: [file/eval] }',
        'service: { workers: 1, telemetry: { metrics: { address: "127.0.0.1:0" } } }',
      ].join('\n'),
    );
    const env = { SINK: 'http://127.0.0.1:9/' };
    const here = await loadGatewayConfig(file, { env });
    const off = await loadConfigOffThread(file, env);
    if (!here.ok) throw new Error(here.errors.map((e) => e.message).join('; '));
    expect(off).toEqual({ ok: true, config: here.config });
  });

  it('gives the same file:line:col errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-files-'));
    const file = join(dir, 'loopgate.yaml');
    await writeFile(file, 'receivers:\n  otlp:\n    protocols:\n      http: { endpoint: "nowhere" }\nservice: { workers: -1 }\n');
    const here = await loadGatewayConfig(file, { env: {} });
    const off = await loadConfigOffThread(file, {});
    expect(here.ok).toBe(false);
    expect(off).toEqual({ ok: false, errors: here.ok ? [] : here.errors });
    expect((await loadConfigOffThread(join(dir, 'missing.yaml'), {})).ok).toBe(false);
  });
});

describe('the policy read off the main thread', () => {
  it('gives the sources and errors readPolicy gives, and places a compile\'s issues as it does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-files-'));
    const file = join(dir, 'policy.yaml');
    await writeFile(file, compilerRefused());
    const here = readPolicy(file);
    const compiled = compilePolicy(here.sources, { env: {} });
    if (compiled.ok) throw new Error('the policy must be refused by the compiler');
    const issues = [...compiled.errors, ...compiled.warnings];
    expect(issues.length).toBeGreaterThanOrEqual(3);
    for (const read of [await readPolicyOffThread(file), await readPolicyHere(file)]) {
      expect(read.sources).toEqual(here.sources);
      expect(read.errors).toEqual([]);
      expect(await read.diagnose(issues)).toEqual(here.diagnose(issues));
      expect(await read.diagnose([])).toEqual([]);
      await read.close();
    }
  });

  it('gives the schema errors of a broken file, and after close it places nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-files-'));
    const file = join(dir, 'policy.yaml');
    await writeFile(file, 'version: 1\nname: broken\nrules: [ { id: r, when: { always: true }, clas: broad-use } ]\n');
    const read = await readPolicyOffThread(file);
    expect(read.errors).toEqual(readPolicy(file).errors);
    expect(read.errors.length).toBeGreaterThan(0);
    await read.close();
    await expect(read.diagnose([{ source: file, path: ['rules'], message: 'x', severity: 'error' }])).rejects.toThrow(/closed/);
  });
});
