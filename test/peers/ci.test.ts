/**
 * CI runs what the README tells a newcomer to run, plus the peers' set-up, in that order: so a green
 * CI means the README's commands work, with every interop suite running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixture-paths.js';

const commands = (script: string): string[] =>
  script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));

describe('.ci/run', () => {
  it('is npm ci, bash scripts/peers.sh, npm test', () => {
    expect(commands(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8'))).toEqual(['npm ci', 'bash scripts/peers.sh', 'npm test']);
  });

  it('runs commands the README shows', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const command of ['npm ci', 'bash scripts/peers.sh', 'npm test']) expect(readme).toContain(`${command} `);
  });

  it('.peers, where scripts/peers.sh caches (or a link to such a folder), is ignored by git', () => {
    expect(readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.peers');
  });
});
