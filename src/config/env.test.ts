import { describe, expect, it } from 'vitest';
import { expandConfigEnv } from './env.js';

describe('config ${env:} expansion', () => {
  const expand = expandConfigEnv({ HOST: '10.0.0.1', EMPTY: '', TRICKY: '${env:HOST}' });
  it.each([
    ['${env:HOST}:4318', '10.0.0.1:4318'],
    ['${env:PORT:-4318}', '4318'],
    ['${env:HOST:-127.0.0.1}:${env:PORT:-4318}', '10.0.0.1:4318'],
    ['${env:EMPTY:-fallback}', ''],
    ['${env:MISSING:-}', ''],
    ['${env:MISSING:-a${b}', 'a${b'],
    ['$${env:HOST}', '${env:HOST}'],
    ['$${env:MISSING:-x}', '${env:MISSING:-x}'],
    ['${env:TRICKY}', '${env:HOST}'],
    ['no references', undefined],
  ])('%s → %s', (input, expected) => expect(expand(input, [])).toEqual(expected));

  it('still refuses an unset variable without a default', () => {
    expect(expand('${env:MISSING}', [])).toEqual({ error: "environment variable 'MISSING' is not set" });
    expect(expand('${env:MISSING:-ok}-${env:ALSO_MISSING}', [])).toEqual({ error: "environment variable 'ALSO_MISSING' is not set" });
  });

  it('leaves non-strings alone', () => {
    expect(expand(4318, [])).toBeUndefined();
  });
});
