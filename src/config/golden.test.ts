/**
 * The config's validation layer, pinned by testdata/ (in the Collector's style):
 *
 *   testdata/bad/NAME.yaml      a config with mistakes;
 *   testdata/bad/NAME.expected  exactly what `loopgate validate --config bad/NAME.yaml` prints for it,
 *                               run from testdata/ (file:line:col: message lines, then the summary);
 *   testdata/good/NAME.yaml     configs at the edges of what is accepted: each must load AND start a
 *                               gateway, because validation is the only layer that checks.
 *
 * UPDATE_GOLDEN=1 npx vitest run src/config/golden.test.ts rewrites the .expected files; review the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { startGateway } from '../gateway/start.js';
import { createLogger } from '../telemetry/logger.js';
import { formatDiagnostic } from '../yaml/index.js';
import { loadGatewayConfig } from './load.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const yamlIn = (dir: string): string[] =>
  readdirSync(join(TESTDATA, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
/** The environment the goldens see: nothing they reference is set unless listed here. */
const ENV = { PATH: process.env.PATH };

/** What `loopgate validate --config FILE` prints, run from testdata/, and its exit code. */
async function validate(file: string): Promise<{ code: number; lines: string[] }> {
  let out = '';
  const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s), env: ENV, cwd: TESTDATA };
  const code = await main(['validate', '--config', file], io);
  return { code, lines: out.trimEnd().split('\n') };
}

describe('config testdata/bad: every mistake reported at its position, in our words', () => {
  const files = yamlIn('bad');

  it('has a case for every check (the list grows with the schema)', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(files)('%s', async (name) => {
    const { code, lines } = await validate(join('bad', name));
    const expectedFile = join(TESTDATA, 'bad', name.replace(/\.yaml$/, '.expected'));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedFile, `${lines.join('\n')}\n`);
    expect(existsSync(expectedFile), `${expectedFile} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true);
    expect(lines).toEqual(readFileSync(expectedFile, 'utf8').trimEnd().split('\n'));
    expect(code).toBe(1);
    const messages = lines.slice(0, -1);
    expect(messages.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(new RegExp(`^1 file, ${messages.length} errors?, 0 warnings$`));
    for (const line of messages) {
      expect(line).toMatch(new RegExp(`^bad/${name.replace('.', '\\.')}:\\d+:\\d+: `));
      // zod's own texts ("Too small: expected number to be >=0", "Invalid input") never reach users.
      expect(line).not.toMatch(/Too (small|big)|Invalid (input|option)|expected number to be|received|expected record/);
      // Nor does a token or header value quoted back.
      expect(line).not.toMatch(/s3cret/);
    }
  });
});

describe('config testdata/good: what validates, starts', () => {
  it.each(yamlIn('good'))('%s', async (name) => {
    expect(await validate(join('good', name))).toEqual({ code: 0, lines: [expect.stringMatching(/^\d+ files, 0 errors, 0 warnings$/)] });
    const r = await loadGatewayConfig(join(TESTDATA, 'good', name), { env: ENV });
    expect(r.ok ? [] : r.errors.map(formatDiagnostic)).toEqual([]);
    if (!r.ok) return;
    const gateway = await startGateway(r.config, { env: ENV, logger: createLogger({ level: 'silent' }) });
    await gateway.close();
  });
});
