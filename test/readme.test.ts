/**
 * The README is part of the contract: its config reference must load with the real config loader, and
 * the commands it tells CI to run must exist.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';
import { parseGatewayConfig } from '../src/config/index.js';
import { formatDiagnostic } from '../src/yaml/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('its gateway config reference loads with the real loader', () => {
    const block = /## Gateway config reference[\s\S]*?```yaml\n([\s\S]*?)```/.exec(README)?.[1];
    expect(block, 'config reference block').toBeDefined();
    const r = parseGatewayConfig(block!, resolve(ROOT, 'README.md'), { env: { ACME_TOKEN: 't-acme', BROAD_KEY: 'k' } });
    expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([]);
  });

  it('names only loopgate commands that exist', () => {
    const used = new Set([...README.matchAll(/npx loopgate (\w+)/g)].map((m) => m[1]));
    const known = new Set(COMMANDS.map((c) => c.name));
    for (const name of used) expect(known, name).toContain(name);
  });

  it('keeps the two set-up commands', () => {
    expect(README).toContain('npm ci');
    expect(README).toContain('npm start');
    expect(README).toContain('npm test');
  });
});
