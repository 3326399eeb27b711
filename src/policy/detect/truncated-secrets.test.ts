/**
 * Truncated secrets: model answers and logs echo pieces of credentials. A vendor-prefixed fragment long
 * enough to be secret material is still redacted (per-family floors in detectors/secrets.ts); shorter
 * fragments, placeholders and prefixed identifiers are not.
 */
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from './index.js';

const scanner = createScanner(builtinDetectors('all'));
const found = (text: string): [string, string][] => scanner.scan(text).map((f) => [f.entity, text.slice(f.start, f.end)]);

type Row = [input: string, expected: [string, string][]];

const redacted: Row[] = [
  ['your token ghp_1234567890abcdefghij was revoked', [['GITHUB_TOKEN', 'ghp_1234567890abcdefghij']]],
  ['gho_Ab3dEf6hIj9kLm2n… (truncated)', [['GITHUB_TOKEN', 'gho_Ab3dEf6hIj9kLm2n']]],
  ['ghs_16C7e42F292c6912 and ghr_a1B2c3D4e5F6g7H8', [['GITHUB_TOKEN', 'ghs_16C7e42F292c6912'], ['GITHUB_TOKEN', 'ghr_a1B2c3D4e5F6g7H8']]],
  ['github_pat_11ABCDEFG0123456789', [['GITHUB_TOKEN', 'github_pat_11ABCDEFG0123456789']]],
  ['glpat-x9Yz8Wv7Ut6Sr5Qp', [['GITLAB_TOKEN', 'glpat-x9Yz8Wv7Ut6Sr5Qp']]],
  ['key starts sk_live_51HxYz2eZvKYlo2C…', [['STRIPE_KEY', 'sk_live_51HxYz2eZvKYlo2C']]],
  ['rk_live_4eC39HqLyjWDarjt', [['STRIPE_KEY', 'rk_live_4eC39HqLyjWDarjt']]],
  ['xoxb-27158370-abc', [['SLACK_TOKEN', 'xoxb-27158370-abc']]],
  ['the id AKIAIOSFODNN7EXAMPLE leaked', [['AWS_ACCESS_KEY', 'AKIAIOSFODNN7EXAMPLE']]],
  ['sk-ant-api03-R2D2xYz9Qw8Er7Ty…', [['ANTHROPIC_KEY', 'sk-ant-api03-R2D2xYz9Qw8Er7Ty']]],
  ['sk-proj-Ab12Cd34Ef56Gh78Ij90', [['OPENAI_KEY', 'sk-proj-Ab12Cd34Ef56Gh78Ij90']]],
  ['sk-svcacct-Zz9Yy8Xx7Ww6Vv5Uu4Tt', [['OPENAI_KEY', 'sk-svcacct-Zz9Yy8Xx7Ww6Vv5Uu4Tt']]],
  ['hf_AbCdEfGhIjKlMn0pQrSt', [['HUGGINGFACE_TOKEN', 'hf_AbCdEfGhIjKlMn0pQrSt']]],
  ['npm_AbCdEfGh1jKlMnOpQrSt', [['NPM_TOKEN', 'npm_AbCdEfGh1jKlMnOpQrSt']]],
  ['AIzaSyA1b2C3d4E5f6G7h8I9j0K1', [['GCP_API_KEY', 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1']]],
];

const kept: Row[] = [
  // below each family's floor
  ['ghp_1234567890abcde (15)', []],
  ['sk_live_4eC39HqLyjWD (12)', []],
  ['xoxb-1234 is a doc example', []],
  ['AKIA12345678901234 (14 after the prefix)', []],
  ['sk-ant-api03-abc12', []],
  ['sk-proj-Ab12Cd34Ef56', []],
  ['hf_AbCdEfGh1jKlMn', []],
  ['npm_AbCdEfGh1jKl', []],
  // placeholders and identifiers that only share a prefix
  ['ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', []],
  ['export GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXX', []],
  ['sk-ant-api03-...', []],
  ['sk_live_aaaaaaaaaaaaaaaaaaaa', []],
  ['ghs_buildcachesettingsenabled', []],
  ['npm_packagelockversionfield', []],
  ['hf_transformers_cache_dir', []],
];

describe('truncated vendor secrets are still redacted', () => {
  it.each(redacted)('%j', (input, expected) => expect(found(input)).toEqual(expected));
});

describe('fragments below the floor, placeholders and prefixed identifiers are kept', () => {
  it.each(kept)('%j', (input, expected) => expect(found(input)).toEqual(expected));
});
