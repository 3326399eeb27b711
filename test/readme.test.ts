/**
 * The README is part of the contract: its config reference must load with the real config loader, and
 * the commands it tells CI to run must exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands/index.js';
import { main } from '../src/cli/main.js';
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

  it('every `npx loopgate validate|test` line it shows for CI passes on the shipped policies', async () => {
    const lines = [...README.matchAll(/^npx loopgate ((?:validate|test) .+)$/gm)].map((m) => m[1]!);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      // The shell's job: expand `dir/*.yaml`.
      const args = line.split(/\s+/).flatMap((a) => {
        const glob = /^(.*)\/\*(\.ya?ml)$/.exec(a);
        if (!glob) return [a];
        return readdirSync(resolve(ROOT, glob[1]!)).filter((f) => f.endsWith(glob[2]!)).sort().map((f) => `${glob[1]}/${f}`);
      });
      let out = '';
      const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: { LOOPGATE_HASH_KEY: 'golden-fixtures-key' }, cwd: ROOT };
      expect(await main(args, io), `${line}\n${out}`).toBe(0);
    }
  });

  it('keeps the two set-up commands', () => {
    expect(README).toContain('npm ci');
    expect(README).toContain('npm start');
    expect(README).toContain('npm test');
  });
});
