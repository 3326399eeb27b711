import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expandEnvTransform, formatDiagnostic, parseYamlWithSchema } from './index.js';

const Predicate = z.strictObject({
  key: z.string(),
  equals: z.string().optional(),
  in: z.array(z.string()).optional(),
  exists: z.boolean().optional(),
  matches: z.string().optional(),
});
const Rule = z.strictObject({ id: z.string(), when: z.strictObject({ attribute: Predicate.optional() }), class: z.enum(['a', 'b']) });
const Schema = z.strictObject({ version: z.literal(1), rules: z.array(Rule), mode: z.union([z.literal('all'), z.array(z.string())]).optional() });

function errors(text: string): string[] {
  const r = parseYamlWithSchema(text, 'p.yaml', Schema);
  if (r.ok) throw new Error('expected errors');
  return r.errors.map(formatDiagnostic);
}

describe('parseYamlWithSchema', () => {
  it('returns the typed value when valid', () => {
    const r = parseYamlWithSchema('version: 1\nrules:\n  - id: x\n    when: {}\n    class: a\n', 'p.yaml', Schema);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.rules[0]?.id).toBe('x');
  });

  it('points an unknown key at the key and lists what was expected', () => {
    const text = [
      'version: 1',
      'rules:',
      '  - id: r0',
      '    class: a',
      '    when:',
      '      attribute:',
      '        key: k',
      '        equalz: v',
    ].join('\n');
    expect(errors(text)).toEqual([
      "p.yaml:8:9: rules[0].when.attribute: unknown key 'equalz'; expected one of key, equals, in, exists, matches",
    ]);
  });

  it('points a wrong type at the value', () => {
    expect(errors('version: 1\nrules:\n  - id: 7\n    when: {}\n    class: a\n')).toEqual([
      'p.yaml:3:9: rules[0].id: expected a string, got a number',
    ]);
  });

  it('names the missing key at its parent', () => {
    expect(errors('version: 1\nrules:\n  - id: x\n    when: {}\n')).toEqual([
      "p.yaml:3:5: rules[0]: missing required key 'class' (expected one of \"a\", \"b\")",
    ]);
  });

  it('says which values an enum accepts', () => {
    expect(errors('version: 1\nrules:\n  - id: x\n    when: {}\n    class: c\n')).toEqual([
      'p.yaml:5:12: rules[0].class: expected one of "a", "b", got string "c"',
    ]);
  });

  it('summarises a union of scalars', () => {
    expect(errors('version: 1\nrules: []\nmode: 3\n')).toEqual([
      'p.yaml:3:7: mode: expected "all" or a list, got a number',
    ]);
  });

  it('reports YAML syntax errors with a position', () => {
    const e = errors('version: 1\nrules: [\n');
    expect(e[0]).toMatch(/^p\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('refuses duplicate keys', () => {
    expect(errors('version: 1\nversion: 1\nrules: []\n')[0]).toMatch(/^p\.yaml:2:1: YAML syntax error: .*unique/i);
  });

  it('expands ${env:NAME} before validation and reports unset variables where they are used', () => {
    const S = z.strictObject({ token: z.string(), n: z.number() });
    const ok = parseYamlWithSchema('token: ${env:TOK}-x\nn: 2\n', 'c.yaml', S, { transformScalar: expandEnvTransform({ TOK: 's3' }) });
    expect(ok.ok && ok.value).toEqual({ token: 's3-x', n: 2 });
    const escaped = parseYamlWithSchema('token: $${env:TOK}\nn: 2\n', 'c.yaml', S, { transformScalar: expandEnvTransform({}) });
    expect(escaped.ok && escaped.value.token).toBe('${env:TOK}');
    const bad = parseYamlWithSchema('n: 2\ntoken: ${env:NOPE}\n', 'c.yaml', S, { transformScalar: expandEnvTransform({}) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map(formatDiagnostic)).toEqual(["c.yaml:2:8: token: environment variable 'NOPE' is not set"]);
  });

  it('builds diagnostics for later checks at a key path', () => {
    const r = parseYamlWithSchema('version: 1\nrules:\n  - id: x\n    when: {}\n    class: a\n', 'p.yaml', Schema);
    if (!r.ok) throw new Error('unexpected');
    expect(formatDiagnostic(r.diagnosticAt(['rules', 0, 'id'], 'duplicate', { severity: 'warning' }))).toBe(
      'p.yaml:3:9: warning: duplicate',
    );
  });
});
