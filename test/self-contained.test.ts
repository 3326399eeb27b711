/**
 * The repository stands alone: a `git clone` with nothing beside it must pass `npm ci && npm test`.
 * So no tracked file may read (or tell a reader to read) anything outside the repository; the
 * material tests, benchmarks and docs need is committed under test/fixtures and test/corpus.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PII_DEV_CORPUS, PII_STRESS_CORPUS, PRODUCERS_DIR, PRODUCERS_LOGS_DIR, REPO_ROOT } from './support/fixture-paths.js';

// Spelled in pieces so this file does not match its own search.
const OUTSIDE = ['..', 'shared'].join('/');

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f !== '' && existsSync(join(REPO_ROOT, f)));
}

describe('the repository is self-contained', () => {
  it(`no tracked file names ${OUTSIDE}`, () => {
    const offenders: string[] = [];
    for (const file of trackedFiles()) {
      const path = join(REPO_ROOT, file);
      if (!statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      if (bytes.includes(0)) continue; // binary payloads (.pb) hold no paths
      const text = bytes.toString('utf8');
      let at = text.indexOf(OUTSIDE);
      while (at !== -1) {
        offenders.push(`${file}:${text.slice(0, at).split('\n').length}`);
        at = text.indexOf(OUTSIDE, at + 1);
      }
    }
    expect(offenders, `copy what these need into the repository:\n${offenders.join('\n')}`).toEqual([]);
  });

  it.each([
    ['producer traces', PRODUCERS_DIR],
    ['producer logs', PRODUCERS_LOGS_DIR],
  ])('the %s fixtures are committed with their README', (_what, dir) => {
    expect(existsSync(join(dir, 'README.md'))).toBe(true);
    const tracked = trackedFiles().filter((f) => join(REPO_ROOT, f).startsWith(dir + '/'));
    expect(tracked.filter((f) => f.endsWith('.pb')).length).toBeGreaterThan(0);
    expect(tracked.filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
  });

  it.each([PII_DEV_CORPUS, PII_STRESS_CORPUS])('the corpus %s is committed', (corpus) => {
    expect(trackedFiles().map((f) => join(REPO_ROOT, f))).toContain(corpus);
  });
});
