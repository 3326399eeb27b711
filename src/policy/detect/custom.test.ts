import { describe, expect, it } from 'vitest';
import { compileCustomDetector, createScanner, type Detector, type Finding } from './index.js';

function compile(spec: Parameters<typeof compileCustomDetector>[0]): Detector {
  const r = compileCustomDetector(spec);
  if (!r.ok) throw new Error(r.error);
  return r.detector;
}

function run(d: Detector, text: string): string[] {
  const out: Finding[] = [];
  if (d.mayMatch(text)) d.find(text, out);
  return out.map((f) => text.slice(f.start, f.end));
}

describe('compileCustomDetector', () => {
  it('finds every match with UTF-16 offsets and reports its id and entity', () => {
    const d = compile({ id: 'employee-id', entity: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' });
    const text = '😀 EMP-123456 and EMP-654321, not EMP-12';
    const out: Finding[] = [];
    d.find(text, out);
    expect(out).toEqual([
      { entity: 'EMPLOYEE_ID', start: 3, end: 13, detector: 'employee-id' },
      { entity: 'EMPLOYEE_ID', start: 18, end: 28, detector: 'employee-id' },
    ]);
  });

  it('honours caseInsensitive', () => {
    expect(run(compile({ id: 'p', entity: 'PROJECT', pattern: 'project-[a-z]+' }), 'PROJECT-X project-y')).toEqual(['project-y']);
    expect(run(compile({ id: 'p', entity: 'PROJECT', pattern: 'project-[a-z]+', caseInsensitive: true }), 'PROJECT-X project-y')).toEqual(['PROJECT-X', 'project-y']);
  });

  it('with context words, keeps only matches near one of them', () => {
    const d = compile({ id: 'member', entity: 'MEMBER_ID', pattern: '\\b\\d{8}\\b', context: ['member', 'Mitglied'] });
    expect(d.mayMatch('order 12345678')).toBe(false);
    expect(run(d, 'Member number: 12345678')).toEqual(['12345678']);
    expect(run(d, `mitglied 11223344 ${'x'.repeat(100)} 87654321`)).toEqual(['11223344']);
  });

  it('runs in linear time on patterns that backtrack catastrophically elsewhere', () => {
    const d = compile({ id: 'evil', entity: 'EVIL', pattern: '(a+)+$' });
    const text = 'a'.repeat(100_000) + '!';
    // a backtracking engine would not finish this in years, far past the test's timeout (RE2 semantics)
    expect(run(d, text)).toEqual([]);
  });

  it.each([
    ['(a)\\1', /backreferences .* not supported/],
    ['(?<name>a)\\k<name>', /not supported|invalid/],
    ['foo(?=bar)', /lookahead assertions .* not supported/],
    ['foo(?!bar)', /lookahead assertions .* not supported/],
    ['(?<=foo)bar', /lookbehind assertions .* not supported/],
    ['(?<!foo)bar', /lookbehind assertions .* not supported/],
    ['a{2,5000}', /repeat count/],
    ['[z-a]', /invalid character class range/],
    ['(unclosed', /missing closing \)/],
  ])('refuses %s with a clear message', (pattern, message) => {
    const r = compileCustomDetector({ id: 'x', entity: 'X', pattern });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^'pattern' is not a valid RE2 regular expression: /);
      expect(r.error).toMatch(message);
    }
  });

  it('refuses empty ids, bad entity names and patterns that match the empty string', () => {
    expect(compileCustomDetector({ id: ' ', entity: 'X', pattern: 'a' })).toEqual({ ok: false, error: "'id' must not be empty" });
    expect(compileCustomDetector({ id: 'x', entity: 'employee id', pattern: 'a' }).ok).toBe(false);
    expect(compileCustomDetector({ id: 'x', entity: 'X', pattern: 'a*' })).toEqual({
      ok: false,
      error: "'pattern' matches the empty string, so it would match everywhere",
    });
  });

  it('composes with built-ins in a scanner', () => {
    const d = compile({ id: 'ticket', entity: 'TICKET', pattern: 'TCK-[0-9]{4}' });
    const scanner = createScanner([d]);
    expect(scanner.entities).toEqual(['TICKET']);
    expect(scanner.scan('see TCK-1234').map((f) => f.entity)).toEqual(['TICKET']);
  });
});
