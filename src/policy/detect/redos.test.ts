import { check, type Parameters } from 'recheck';
import { describe, expect, it } from 'vitest';
import { builtinPatterns } from './builtin.js';

/**
 * recheck's analysis with every limit counted in steps, none in time, so a verdict depends only on
 * the pattern: the automaton checker is exact; the fuzzer (for patterns too large for it) is seeded
 * and bounded by the number of characters its VM reads. With the default time limits a loaded
 * machine ended incubation or attacks early and a pattern could pass one run and fail the next.
 */
const RECHECK_PARAMS: Parameters = {
  randomSeed: 20261111,
  timeout: null,
  attackTimeout: null,
  incubationTimeout: null,
  seedingTimeout: null,
  recallTimeout: -1, // no wall-clock recall validation: the step-counted attack is the verdict
  attackLimit: 1_500_000_000,
  incubationLimit: 25_000,
  seedingLimit: 1_000,
};

// Design principle 4: built-in patterns are vetted for catastrophic backtracking. recheck analyses
// each regex (automaton or fuzzing) and must report it 'safe' (no exponential or polynomial attack).
describe('built-in regexes are safe from catastrophic backtracking (recheck)', () => {
  for (const { detector, pattern } of builtinPatterns()) {
    it(`${detector}: /${pattern.source.slice(0, 60)}${pattern.source.length > 60 ? '…' : ''}/`, async () => {
      // the 'd' (match indices) flag does not change what or how a pattern matches; recheck rejects it
      const diagnostics = await check(pattern.source, pattern.flags.replace('d', ''), RECHECK_PARAMS);
      const detail = diagnostics.status === 'vulnerable' ? `${diagnostics.complexity.type} on ${JSON.stringify(diagnostics.attack.string.slice(0, 40))}` : diagnostics.status;
      expect(diagnostics.status, detail).toBe('safe');
    }, 600_000);
  }
});
