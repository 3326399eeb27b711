/**
 * Golden fixtures for every shipped policy, and for two test policies pinning how rules apply to log
 * records (design principle 8). Each folder under test/golden/<policy> is a case (traces or logs);
 * see src/policy/fixtures.ts for the layout. To regenerate after a deliberate change:
 *   LOOPGATE_UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
 * and review the diff like code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFixtureReport, runFixtures } from '../src/policy/fixtures.js';
import { loadPolicy } from '../src/policy/load.js';

const ROOT = join(import.meta.dirname, '..');
const POLICIES: Record<string, string> = {
  default: 'policies/default.yaml',
  'redact-all': 'policies/examples/redact-all.yaml',
  'tenant-isolated': 'policies/examples/tenant-isolated.yaml',
  'eval-capture': 'policies/examples/eval-capture.yaml',
  'per-tenant': 'policies/examples/per-tenant',
  // Test policies that pin how rules see log records (docs/policy-reference.md, "Spans and log records").
  'spans-only': 'test/fixtures/policies/spans-only.yaml',
  'logs-by-event': 'test/fixtures/policies/logs-by-event.yaml',
};
/** A fixed key so hashed tokens in the expectations are stable; a fixed clock for cap windows. */
const ENV = { LOOPGATE_HASH_KEY: 'golden-fixtures-key' };
const CLOCK = { nowMs: () => Date.UTC(2025, 0, 1) };

describe('golden fixtures', () => {
  for (const [name, path] of Object.entries(POLICIES)) {
    it(`${name}: every case produces exactly its expected outputs`, () => {
      const loaded = loadPolicy(join(ROOT, path), { env: ENV, clock: CLOCK });
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
      const run = runFixtures(loaded.policy, join(ROOT, 'test', 'golden', name), { update: process.env['LOOPGATE_UPDATE_GOLDEN'] === '1' });
      expect(run.cases.length).toBeGreaterThan(0);
      expect(run.ok, formatFixtureReport(run)).toBe(true);
    });
  }
});
