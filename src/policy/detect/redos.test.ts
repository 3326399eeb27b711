import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { builtinPatterns } from './builtin.js';

// Design principle 4: built-in patterns are vetted for catastrophic backtracking. recheck analyses
// each regex (automaton or fuzzing) and must report it 'safe' (no exponential or polynomial attack).
describe('built-in regexes are safe from catastrophic backtracking (recheck)', () => {
  for (const { detector, pattern } of builtinPatterns()) {
    it(`${detector}: /${pattern.source.slice(0, 60)}${pattern.source.length > 60 ? '…' : ''}/`, async () => {
      // the 'd' (match indices) flag does not change what or how a pattern matches; recheck rejects it
      const diagnostics = await check(pattern.source, pattern.flags.replace('d', ''), { timeout: 20_000 });
      const detail = diagnostics.status === 'vulnerable' ? `${diagnostics.complexity.type} on ${JSON.stringify(diagnostics.attack.string.slice(0, 40))}` : diagnostics.status;
      expect(diagnostics.status, detail).toBe('safe');
    }, 30_000);
  }
});
