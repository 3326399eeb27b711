import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from './fixture-paths.js';
import { leakedValues, PRODUCERS_LOGS_PLANTED, PRODUCERS_PLANTED, type PlantedValue } from './planted.js';

describe('planted values (the fixture READMEs)', () => {
  it.each<[string, string, readonly PlantedValue[], number]>([
    ['producers', PRODUCERS_DIR, PRODUCERS_PLANTED, 8],
    ['producers-logs', PRODUCERS_LOGS_DIR, PRODUCERS_LOGS_PLANTED, 10],
  ])('%s: every listed value is really in the fixtures', (_name, dir, planted, count) => {
    expect(planted).toHaveLength(count);
    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.json') || f.endsWith('.pb'))
      .map((f) => readFileSync(join(dir, f), 'latin1'))
      .join('\n');
    for (const { kind, value } of planted) expect(text, `${kind} ${value}`).toContain(value);
  });

  it('producers-logs: the README lists what manifest.json lists', () => {
    const manifest = JSON.parse(readFileSync(join(PRODUCERS_LOGS_DIR, 'manifest.json'), 'utf8')) as { files: Record<string, { planted?: Record<string, string[]> }> };
    const listed = new Set(Object.values(manifest.files).flatMap((f) => Object.values(f.planted ?? {}).flat()));
    expect(new Set(PRODUCERS_LOGS_PLANTED.map((p) => p.value))).toEqual(listed);
  });

  it('finds a leaked value in exported text, and none in redacted text', () => {
    expect(leakedValues('mail jane.doe@example.com now')).toEqual(['jane.doe@example.com']);
    expect(leakedValues('mail <EMAIL_ADDRESS> now')).toEqual([]);
  });
});
