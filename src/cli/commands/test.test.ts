import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../../otlp/encode-json.js';
import { batch, span } from '../../policy/test-helpers.js';
import { main } from '../main.js';
import type { CliIO } from './types.js';

function capture(cwd: string) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), env: {}, cwd };
  return { io, out };
}

const policy = (errorsClass: string): string => `version: 1
detectors: { builtin: [EMAIL_ADDRESS] }
tenants:
  default_contract: { broad_use: true, eval: true }
rules:
  - id: errors
    when: { status: error }
    class: ${errorsClass}
  - id: rest
    when: { always: true }
    class: broad-use
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loopgate-test-'));
  writeFileSync(join(dir, 'policy.yaml'), policy('eval-only'));
  const input = batch(
    { 'tenant.id': 'acme' },
    span({ name: 'chat gpt-4o', attrs: { prompt: 'mail jane@example.com' } }),
    span({ name: 'tool failed', status: { code: 2, message: '' } }),
  );
  mkdirSync(join(dir, 'fixtures', 'mixed'), { recursive: true });
  writeFileSync(join(dir, 'fixtures', 'mixed', 'input.json'), encodeTracesJson(input));
});

describe('loopgate test', () => {
  it('--update writes the expectations, then the same policy passes', async () => {
    const u = capture(dir);
    expect(await main(['test', 'policy.yaml', '--fixtures', 'fixtures', '--update'], u.io)).toBe(0);
    expect(u.out.stdout).toMatch(/updated 1 case in fixtures with policy [0-9a-f]{12}/);
    const broad = readFileSync(join(dir, 'fixtures', 'mixed', 'broad-use.json'), 'utf8');
    expect(broad).toContain('<EMAIL_ADDRESS>');
    expect(broad).toContain('"stringValue": "<policy.version>"');
    expect(existsSync(join(dir, 'fixtures', 'mixed', 'eval-only.json'))).toBe(true);
    expect(existsSync(join(dir, 'fixtures', 'mixed', 'tenant-only.json'))).toBe(false);

    const t = capture(dir);
    expect(await main(['test', 'policy.yaml', '--fixtures', 'fixtures'], t.io)).toBe(0);
    expect(t.out.stdout).toBe('ok   mixed\n1 cases, 1 passed, 0 failed\n');
  });

  it('fails with a unified diff per class, headed by the span, when the policy changes', async () => {
    await main(['test', 'policy.yaml', '--fixtures', 'fixtures', '--update'], capture(dir).io);
    writeFileSync(join(dir, 'policy.yaml'), policy('tenant-only'));
    const { io, out } = capture(dir);
    expect(await main(['test', 'policy.yaml', '--fixtures', 'fixtures'], io)).toBe(1);
    const text = out.stdout;
    expect(text).toMatch(/^FAIL mixed$/m);
    // The failing span moved from eval-only to tenant-only: one file expects it, another must stay empty.
    expect(text).toContain('fixtures/mixed/eval-only.json: nothing was exported to eval-only, but eval-only.json expects spans');
    expect(text).toContain('fixtures/mixed/tenant-only.json: spans were exported to tenant-only, but tenant-only.json does not exist (nothing may go there)');
    expect(text).toContain('--- fixtures/mixed/eval-only.json (expected)');
    expect(text).toContain('+++ tenant-only (exported by the policy)');
    expect(text).toMatch(/@@ -\d+,\d+ \+0,0 @@ span "tool failed" [0-9a-f]{16} \(trace [0-9a-f]{32}\)/);
    expect(text).toMatch(/^ {4}- {20}"stringValue": "eval-only"$/m);
    expect(text).toMatch(/^ {4}\+ {20}"stringValue": "tenant-only"$/m);
    expect(text).toMatch(/1 cases, 0 passed, 1 failed\n$/);
  });

  it('shows a changed value inside an expected file as -/+ lines of that span only', async () => {
    await main(['test', 'policy.yaml', '--fixtures', 'fixtures', '--update'], capture(dir).io);
    const file = join(dir, 'fixtures', 'mixed', 'broad-use.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('<EMAIL_ADDRESS>', '<REDACTED>'));
    const { io, out } = capture(dir);
    expect(await main(['test', 'policy.yaml', '--fixtures', 'fixtures'], io)).toBe(1);
    expect(out.stdout).toMatch(/@@ -\d+,7 \+\d+,7 @@ span "chat gpt-4o" /);
    expect(out.stdout).toContain('-                    "stringValue": "mail <REDACTED>"');
    expect(out.stdout).toContain('+                    "stringValue": "mail <EMAIL_ADDRESS>"');
    expect(out.stdout).not.toContain('jane@example.com');
  });

  it('defaults --fixtures to test/golden/<policy name>', async () => {
    const { io, out } = capture(dir);
    expect(await main(['test', 'policy.yaml'], io)).toBe(2);
    expect(out.stderr).toContain('test/golden/policy does not exist');
    mkdirSync(join(dir, 'test', 'golden'), { recursive: true });
    rmSync(join(dir, 'fixtures', 'mixed', 'broad-use.json'), { force: true });
    writeFileSync(join(dir, 'fixtures', 'mixed', 'context.json'), '{}');
    await main(['test', 'policy.yaml', '--fixtures', 'fixtures', '--update'], capture(dir).io);
    mkdirSync(join(dir, 'test', 'golden', 'policy'));
    writeFileSync(join(dir, 'test', 'golden', 'policy', 'input.json'), readFileSync(join(dir, 'fixtures', 'mixed', 'input.json')));
    for (const f of ['broad-use.json', 'eval-only.json']) writeFileSync(join(dir, 'test', 'golden', 'policy', f), readFileSync(join(dir, 'fixtures', 'mixed', f)));
    const ok = capture(dir);
    expect(await main(['test', 'policy.yaml'], ok.io)).toBe(0);
    expect(ok.out.stdout).toBe('ok   policy\n1 cases, 1 passed, 0 failed\n');
  });

  it('exits 1 on an invalid policy, 2 on a missing or empty fixture folder', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'version: 2\n');
    const a = capture(dir);
    expect(await main(['test', 'broken.yaml', '--fixtures', 'fixtures'], a.io)).toBe(1);
    expect(a.out.stderr).toMatch(/^broken\.yaml:1:\d+: version/m);
    const b = capture(dir);
    expect(await main(['test', 'policy.yaml', '--fixtures', 'nowhere'], b.io)).toBe(2);
    mkdirSync(join(dir, 'empty'));
    const c = capture(dir);
    expect(await main(['test', 'policy.yaml', '--fixtures', 'empty'], c.io)).toBe(2);
    expect(c.out.stderr).toContain('no fixture cases');
  });

  it('passes on the repository golden fixtures, as CI runs it', async () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const { io, out } = capture(root);
    expect(await main(['test', 'policies/examples/redact-all.yaml', '--fixtures', 'test/golden/redact-all'], io), out.stdout).toBe(0);
    expect(out.stdout).toMatch(/cases, (\d+) passed, 0 failed\n$/);
  });

  it('passes on the logs golden fixtures, and fails with hunks headed by the log record when an event rule changes', async () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    for (const [policyFile, fixtures] of [
      ['test/fixtures/policies/logs-by-event.yaml', 'test/golden/logs-by-event'],
      ['test/fixtures/policies/spans-only.yaml', 'test/golden/spans-only'],
    ]) {
      const { io, out } = capture(root);
      expect(await main(['test', policyFile!, '--fixtures', fixtures!], io), out.stdout).toBe(0);
      expect(out.stdout).toMatch(/cases, (\d+) passed, 0 failed\n$/);
    }
    // The model's answers go to the tenant instead of eval: the eval-only file's records move.
    const changed = readFileSync(join(root, 'test/fixtures/policies/logs-by-event.yaml'), 'utf8').replace(/(id: answers-to-eval[\s\S]*?class: )eval-only/, '$1tenant-only');
    writeFileSync(join(dir, 'logs-policy.yaml'), changed);
    const { io, out } = capture(dir);
    expect(await main(['test', 'logs-policy.yaml', '--fixtures', join(root, 'test/golden/logs-by-event')], io)).toBe(1);
    expect(out.stdout).toMatch(/^FAIL js-openai$/m);
    expect(out.stdout).toContain('nothing was exported to eval-only, but eval-only.json expects log records');
    expect(out.stdout).toMatch(/^ +@@ -\d+,\d+ \+\d+,\d+ @@ log record [0-9a-f]{16} \(trace [0-9a-f]{32}\)( and \d+ more log records?)?$/m);
    expect(out.stdout).toMatch(/^ +- +"stringValue": "answers-to-eval"$/m);
    expect(out.stdout).not.toMatch(/@@ span |more span/);
  });
});
