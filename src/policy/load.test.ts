import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../yaml/index.js';
import { loadPolicy, validatePolicyPaths } from './load.js';

function write(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const dir = mkdtempSync(join(tmpdir(), 'loopgate-policy-'));

describe('validatePolicyPaths', () => {
  it('reports cross-reference errors and warnings at file:line:col naming the key', () => {
    const p = write(
      dir,
      'bad.yaml',
      [
        'version: 1',
        'detectors:',
        '  builtin: [EMAIL_ADDRESS, EMAIL_ADRESS]',
        '  custom:',
        '    - id: emp',
        '      entity: EMPLOYEE_ID',
        "      pattern: '(a'",
        'rules:',
        '  - id: all',
        '    when: { always: true }',
        '    class: broad-use',
        '  - id: all',
        '    when: { detected: { entities: [NOPE] } }',
        '    class: eval-only',
      ].join('\n'),
    );
    const r = validatePolicyPaths([p]);
    expect(r.errors.map(formatDiagnostic)).toEqual([
      `${p}:3:28: detectors.builtin[1]: unknown built-in detector 'EMAIL_ADRESS'; expected one of ${r.errors[0]!.message.split('expected one of ')[1]}`,
      `${p}:7:16: detectors.custom[0].pattern: invalid RE2 pattern: ${r.errors[1]!.message.split('invalid RE2 pattern: ')[1]}`,
      `${p}:12:9: rules[1].id: duplicate rule id 'all' (also rules[0])`,
      `${p}:13:36: rules[1].when.detected.entities[0]: unknown entity 'NOPE': no enabled detector reports it`,
    ]);
    expect(r.warnings.map(formatDiagnostic)).toEqual([
      `${p}:12:5: warning: rules[1]: rule 'all' is unreachable: rules[0] matches every span first`,
    ]);
  });

  it('reports schema errors with the key path and what was expected', () => {
    const p = write(dir, 'typo.yaml', 'version: 1\nrules:\n  - id: r\n    when:\n      attribute: { key: k, equalz: v }\n    class: broad-use\n');
    expect(validatePolicyPaths([p]).errors.map(formatDiagnostic)).toEqual([
      `${p}:5:28: rules[0].when.attribute: unknown key 'equalz'; expected one of key, exists, equals, in, matches, gt, lt`,
    ]);
  });

  it('accepts every shipped policy', () => {
    const root = join(import.meta.dirname, '..', '..', 'policies');
    const r = validatePolicyPaths([
      join(root, 'default.yaml'),
      ...['redact-all.yaml', 'tenant-isolated.yaml', 'eval-capture.yaml', 'per-tenant'].map((f) => join(root, 'examples', f)),
    ]);
    expect([...r.errors, ...r.warnings].map(formatDiagnostic)).toEqual([]);
  });
});

describe('loadPolicy', () => {
  it('refuses a hash action whose key variable is unset, pointing at key_env', () => {
    const p = write(dir, 'hash.yaml', 'version: 1\nactions:\n  default: { action: hash, key_env: HK }\nrules: []\n');
    const r = loadPolicy(p, { env: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(formatDiagnostic)).toEqual([`${p}:3:37: actions.default.key_env: environment variable 'HK' (the HMAC key) is not set`]);
    expect(loadPolicy(p, { env: { HK: 'k' } }).ok).toBe(true);
  });

  it('loads a folder as base + tenant overrides; an override file alone pulls in its base', () => {
    const folder = join(dir, 'tenants');
    mkdirSync(folder);
    write(folder, 'base.yaml', 'version: 1\nrules:\n  - { id: own, when: { tenant: { exists: true } }, class: tenant-only }\n');
    const o = write(folder, 'acme.yaml', 'version: 1\ntenant: acme\nextends: base.yaml\ncontract: { broad_use: true }\nrules:\n  - { id: acme-broad, when: { always: true }, class: broad-use }\n');
    const viaFolder = loadPolicy(folder);
    const viaFile = loadPolicy(o);
    expect(viaFolder.ok && viaFile.ok).toBe(true);
    if (viaFolder.ok && viaFile.ok) expect(viaFile.policy.version).toBe(viaFolder.policy.version);
  });

  it('the version is a content hash: comments do not change it, meaning does', () => {
    const a = write(dir, 'a.yaml', 'version: 1\nrules: []\n');
    const b = write(dir, 'b.yaml', '# a comment\nversion: 1\nrules: []   # none\n');
    const c = write(dir, 'c.yaml', 'version: 1\nname: x\nrules: []\n');
    const [va, vb, vc] = [a, b, c].map((p) => {
      const r = loadPolicy(p);
      if (!r.ok) throw new Error('load failed');
      return r.policy.version;
    });
    expect(va).toBe(vb);
    expect(va).not.toBe(vc);
  });
});

/** Issue #13 items 9–11 and 13: policy files are input too. */
describe('#13 hostile policy files', () => {
  const errorsOf = (p: string): string[] => {
    const r = loadPolicy(p);
    expect(r.ok).toBe(false);
    return r.ok ? [] : r.errors.map(formatDiagnostic);
  };

  it('#13.9 billion laughs: alias expansion is capped and reported at file:line:col', () => {
    const lines = ['version: 1', 'description: &a "lol"'];
    let prev = 'a';
    for (const name of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) {
      lines.push(`x_${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
      prev = name;
    }
    const p = write(dir, 'laughs.yaml', lines.join('\n'));
    const errors = errorsOf(p);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${p.replace(/[.\\/]/g, '\\$&')}:3:\\d+: YAML aliases expand to more than 100 copies`));
  });

  it('#13.10 forty thousand unknown keys: reported in linear time, at most 100 of them', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `  k${i}: 1`);
    const p = write(dir, 'many-keys.yaml', ['version: 1', 'scan:', ...keys].join('\n'));
    const errors = errorsOf(p);
    expect(errors).toHaveLength(101);
    expect(errors[0]).toBe(`${p}:3:3: scan: unknown key 'k0'; expected one of skip_keys, default_skip_keys, json, json_max_depth, base64`);
    expect(errors[99]).toMatch(/:102:3: scan: unknown key 'k99'/);
    expect(errors[100]).toMatch(/39900 more errors not shown/);
  });

  it('#13.10 mappings and lists nested deeper than 64 levels are refused at the deep node', () => {
    const p = write(dir, 'deep.yaml', `version: 1\nrules:\n  - id: r\n    class: broad-use\n    when: ${'{not: '.repeat(200)}{always: true}${'}'.repeat(200)}\n`);
    expect(errorsOf(p)).toEqual([expect.stringMatching(/:5:\d+: nested deeper than 64 levels of mappings and lists$/)]);
  });

  it('#13.11 extends: pointing at a device is refused at once, never read', () => {
    const p = write(dir, 'zero.yaml', 'version: 1\ntenant: acme\nextends: /dev/zero\nrules: []\n');
    expect(errorsOf(p)).toEqual(['/dev/zero:1:1: cannot read policy: not a regular file (a device, FIFO, socket or folder)']);
  });

  it('#13.11 extends: pointing at a FIFO is refused without waiting for a writer', () => {
    const fifo = join(dir, 'base.fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      console.log('skipped: mkfifo is not available (install coreutils)');
      return;
    }
    const p = write(dir, 'fifo.yaml', `version: 1\ntenant: acme\nextends: ${fifo}\nrules: []\n`);
    expect(errorsOf(p)).toEqual([`${fifo}:1:1: cannot read policy: not a regular file (a device, FIFO, socket or folder)`]);
  });

  it('#13.11 a policy file over 1 MiB is refused before it is parsed', () => {
    const p = write(dir, 'huge.yaml', `version: 1\ndescription: "${'x'.repeat(1024 * 1024)}"\n`);
    expect(errorsOf(p)).toEqual([`${p}:1:1: policy file is larger than 1048576 bytes (a policy limit)`]);
  });

  it('#13.13 5,000 skip keys of 10k characters are refused by size; too many or too long keys by count', () => {
    const huge = write(dir, 'huge-keys.yaml', ['version: 1', 'scan:', '  skip_keys:', ...Array.from({ length: 5000 }, (_, i) => `    - ${'k'.repeat(10_000)}${i}`)].join('\n'));
    expect(errorsOf(huge)).toEqual([`${huge}:1:1: policy file is larger than 1048576 bytes (a policy limit)`]);
    const many = write(dir, 'many-skip.yaml', ['version: 1', 'scan:', '  skip_keys:', ...Array.from({ length: 1001 }, (_, i) => `    - app.k${i}`)].join('\n'));
    expect(errorsOf(many)).toEqual([`${many}:4:5: scan.skip_keys: at most 1000 entries (a policy limit)`]);
    const long = write(dir, 'long-skip.yaml', `version: 1\nscan:\n  skip_keys: [${'a*'.repeat(200)}b]\n`);
    expect(errorsOf(long)).toEqual([`${long}:3:15: scan.skip_keys[0]: at most 256 characters (a policy limit)`]);
  });
});
