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
