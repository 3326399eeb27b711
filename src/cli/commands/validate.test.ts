import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import type { CliIO } from './types.js';

function capture(cwd: string, env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), env, cwd };
  return { io, out };
}

const VALID = `version: 1
detectors:
  builtin: [EMAIL_ADDRESS]
tenants:
  default_contract: { broad_use: true }
rules:
  - id: clean
    when: { not: { detected: { any: true } } }
    class: broad-use
`;

const BAD_CLASS = `version: 1
rules:
  - id: clean
    when: { always: true }
    class: braod-use
`;

const UNREACHABLE = `version: 1
rules:
  - id: everything
    when: { always: true }
    class: tenant-only
  - id: never
    when: { status: error }
    class: eval-only
`;

const HASHED = `version: 1
detectors: { builtin: [EMAIL_ADDRESS] }
actions:
  entities:
    EMAIL_ADDRESS: { action: hash, key_env: LOOPGATE_TEST_HASH_KEY }
rules:
  - id: all
    when: { always: true }
    class: tenant-only
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loopgate-validate-'));
  writeFileSync(join(dir, 'valid.yaml'), VALID);
  writeFileSync(join(dir, 'bad.yaml'), BAD_CLASS);
  writeFileSync(join(dir, 'unreachable.yaml'), UNREACHABLE);
  writeFileSync(join(dir, 'hashed.yaml'), HASHED);
  writeFileSync(join(dir, 'gateway.yaml'), 'policy: valid.yaml\nexporters: { file/a: { path: a.jsonl } }\nroutes: { broad-use: [file/a] }\n');
  writeFileSync(join(dir, 'gateway-bad-policy.yaml'), 'policy: bad.yaml\n');
  writeFileSync(join(dir, 'gateway-logs.yaml'), 'policy: valid.yaml\nexporters: { file/a: { path: a.jsonl } }\nroutes:\n  traces: { broad-use: [file/a] }\n  logs: { broad-use: [file/a] }\n');
  writeFileSync(join(dir, 'logs-policy.yaml'), VALID.replace('when: { not:', 'when: { signal_type: [traces, logs], not:'));
  writeFileSync(join(dir, 'gateway-logs-ok.yaml'), 'policy: logs-policy.yaml\nexporters: { file/a: { path: a.jsonl } }\nroutes:\n  logs: { broad-use: [file/a] }\n');
  writeFileSync(join(dir, 'gateway-bad.yaml'), 'policy: valid.yaml\nexporters:\n  otlphttp/a:\n    endpoint: http://127.0.0.1:4318\n    retry_on_failure: { randomization_factor: 1 }\n');
  writeFileSync(join(dir, 'gateway-env.yaml'), 'policy: valid.yaml\nexporters:\n  otlphttp/a:\n    endpoint: ${env:LOOPGATE_TEST_ENDPOINT}\n');
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'folder', 'base.yaml'), VALID);
  writeFileSync(join(dir, 'folder', 'acme.yaml'), 'version: 1\ntenant: acme\ncontract: { broad_use: false }\n');
});

describe('loopgate validate', () => {
  it('accepts a valid policy and prints the summary', async () => {
    const { io, out } = capture(dir);
    expect(await main(['validate', 'valid.yaml'], io)).toBe(0);
    expect(out.stdout).toBe('1 file, 0 errors, 0 warnings\n');
  });

  it('prints each error as file:line:col naming the key and what was expected, and exits 1', async () => {
    const { io, out } = capture(dir);
    expect(await main(['validate', 'valid.yaml', 'bad.yaml'], io)).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bad\.yaml:5:12: .*rules\[0\]\.class.*broad-use/);
    expect(lines.at(-1)).toBe('2 files, 1 error, 0 warnings');
  });

  it('prints warnings without failing', async () => {
    const { io, out } = capture(dir);
    expect(await main(['validate', 'unreachable.yaml'], io)).toBe(0);
    expect(out.stdout).toMatch(/^unreachable\.yaml:6:\d+: warning: .*'never' is unreachable/m);
    expect(out.stdout).toMatch(/1 file, 0 errors, 1 warning\n$/);
  });

  it('counts every file of a policy folder', async () => {
    const { io, out } = capture(dir);
    expect(await main(['validate', 'folder'], io)).toBe(0);
    expect(out.stdout).toBe('2 files, 0 errors, 0 warnings\n');
  });

  it('validates hash actions without secrets, and checks them with --env', async () => {
    const { io, out } = capture(dir);
    expect(await main(['validate', 'hashed.yaml'], io)).toBe(0);
    expect(await main(['validate', '--env', 'hashed.yaml'], io)).toBe(1);
    expect(out.stdout).toMatch(/^hashed\.yaml:\d+:\d+: .*LOOPGATE_TEST_HASH_KEY/m);
    const withKey = capture(dir, { LOOPGATE_TEST_HASH_KEY: 'k' });
    expect(await main(['validate', '--env', 'hashed.yaml'], withKey.io)).toBe(0);
  });

  it('reports a missing path as an error', async () => {
    const { io, out } = capture(dir);
    expect(await main(['validate', 'nope.yaml'], io)).toBe(1);
    expect(out.stdout).toMatch(/^nope\.yaml:1:1: cannot read policy/m);
  });

  it('is a usage error without a path, and has --help', async () => {
    const { io, out } = capture(dir);
    expect(await main(['validate'], io)).toBe(2);
    expect(out.stderr).toContain('no config or policy given');
    expect(await main(['validate', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('Usage: loopgate validate [--env] [--config FILE]... [PATH...]');
    expect(out.stdout).toContain('--config FILE');
  });

  it('validates every shipped policy', async () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const { io, out } = capture(root);
    const code = await main(['validate', 'policies/default.yaml', 'policies/examples/redact-all.yaml', 'policies/examples/tenant-isolated.yaml', 'policies/examples/eval-capture.yaml', 'policies/examples/per-tenant'], io);
    expect(out.stdout, out.stdout).toMatch(/, 0 errors, /);
    expect(code).toBe(0);
  });

  describe('--config', () => {
    it('validates a gateway config and the policy it names, as serve loads them', async () => {
      const { io, out } = capture(dir);
      expect(await main(['validate', '--config', 'gateway.yaml'], io)).toBe(0);
      expect(out.stdout).toBe('2 files, 0 errors, 0 warnings\n');
    });

    it('reports a config mistake at its file:line:col, in our words, and exits 1', async () => {
      const { io, out } = capture(dir);
      expect(await main(['validate', '-c', 'gateway-bad.yaml'], io)).toBe(1);
      expect(out.stdout).toBe(
        'gateway-bad.yaml:5:47: exporters["otlphttp/a"].retry_on_failure.randomization_factor: must be at least 0 and less than 1, got 1\n' +
          '1 file, 1 error, 0 warnings\n',
      );
    });

    it("reports the policy's own errors at the policy's positions", async () => {
      const { io, out } = capture(dir);
      expect(await main(['validate', '--config', 'gateway-bad-policy.yaml'], io)).toBe(1);
      expect(out.stdout).toMatch(/^bad\.yaml:5:12: .*rules\[0\]\.class/m);
      expect(out.stdout).toMatch(/2 files, 1 error, 0 warnings\n$/);
    });

    it('expands ${env:NAME} from the environment, as serve does', async () => {
      const unset = capture(dir);
      expect(await main(['validate', '--config', 'gateway-env.yaml'], unset.io)).toBe(1);
      expect(unset.out.stdout).toMatch(/^gateway-env\.yaml:4:15: .*environment variable 'LOOPGATE_TEST_ENDPOINT' is not set$/m);
      const set = capture(dir, { LOOPGATE_TEST_ENDPOINT: 'http://127.0.0.1:4318' });
      expect(await main(['validate', '--config', 'gateway-env.yaml'], set.io)).toBe(0);
    });

    it('takes several configs and policies in one run', async () => {
      const { io, out } = capture(dir);
      expect(await main(['validate', '--config', 'gateway.yaml', '--config', 'gateway-bad.yaml', 'unreachable.yaml'], io)).toBe(1);
      expect(out.stdout).toMatch(/4 files, 1 error, 1 warning\n$/);
    });

    it('warns when routes.logs is configured but no rule of the policy applies to log records', async () => {
      const { io, out } = capture(dir);
      expect(await main(['validate', '--config', 'gateway-logs.yaml'], io)).toBe(0);
      expect(out.stdout).toBe(
        "gateway-logs.yaml:5:3: warning: routes.logs: no rule of the policy applies to log records (a rule applies to them when its 'when' names signal_type), so every log record would be discarded as no_rule_matched\n" +
          '2 files, 0 errors, 1 warning\n',
      );
      const ok = capture(dir);
      expect(await main(['validate', '--config', 'gateway-logs-ok.yaml'], ok.io)).toBe(0);
      expect(ok.out.stdout).toBe('2 files, 0 errors, 0 warnings\n');
    });

    it('reports a missing config file', async () => {
      const { io, out } = capture(dir);
      expect(await main(['validate', '--config', 'nope.yaml'], io)).toBe(1);
      expect(out.stdout).toMatch(/^nope\.yaml:1:1: config file not found$/m);
    });

    it('validates the shipped configs', async () => {
      const root = join(import.meta.dirname, '..', '..', '..');
      const { io, out } = capture(root);
      expect(await main(['validate', '--config', 'loopgate.yaml'], io), out.stdout).toBe(0);
    });
  });
});
