/**
 * Property-based fuzzing of the policy loader (issue #13, "what must exist"), seeded and bounded:
 * mutated shipped policies, random YAML documents and random values written as YAML. Whatever the
 * text, loading never throws, and every problem is a diagnostic at a real file:line:col with a
 * message, at most 100 of them (plus the line saying how many more).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../test/support/fixture-paths.js';
import { fuzzParams } from '../../test/support/otlp-arbitraries.js';
import type { Diagnostic } from '../yaml/index.js';
import { loadPolicy } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'loopgate-policy-fuzz-'));
const SHIPPED = ['policies/default.yaml', 'policies/examples/redact-all.yaml', 'policies/examples/eval-capture.yaml', 'policies/examples/tenant-isolated.yaml'].map((p) =>
  readFileSync(join(REPO_ROOT, p), 'utf8'),
);

function checkDiagnostics(errors: readonly Diagnostic[], text: string): void {
  const lines = text.split('\n').length;
  expect(errors.length).toBeLessThanOrEqual(101);
  for (const e of errors) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines + 1);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message).not.toMatch(/internal error|Maximum call stack|undefined is not|Cannot read prop/);
  }
}

let n = 0;
function load(text: string): void {
  const file = join(dir, `p${n++ % 50}.yaml`);
  writeFileSync(file, text);
  const r = loadPolicy(file, { env: { LOOPGATE_HASH_KEY: 'k' } });
  if (!r.ok) {
    expect(r.errors.length).toBeGreaterThan(0);
    checkDiagnostics(r.errors, text);
  }
  checkDiagnostics(r.warnings, text);
}

const TOKENS = ['&a ', '*a', '*b', '<<: *a', '{', '}', '[', ']', ': ', '- ', '? ', '!!binary ', '!!str ', '"', "'", '#', '|', '>', '\t', '  ', '\n', '%YAML 1.2\n', '---\n', '...\n', 'version: 1\n', 'extends: /dev/zero\n', 'tenant: acme\n', '${env:NOPE}', '\u0000', '\ufeff', '日本', 'a'.repeat(300)];

/** A shipped policy mutated line by line and token by token. */
const mutatedPolicy = fc
  .tuple(
    fc.constantFrom(...SHIPPED),
    fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', maxLength: 12 })), fc.constantFrom('insert', 'replace-line', 'delete-line', 'duplicate-line')), { minLength: 1, maxLength: 6 }),
  )
  .map(([text, edits]) => {
    let lines = text.split('\n');
    for (const [at, token, op] of edits) {
      const i = at % Math.max(1, lines.length);
      if (op === 'delete-line') lines.splice(i, 1);
      else if (op === 'duplicate-line') lines.splice(i, 0, lines[i] ?? '');
      else if (op === 'replace-line') lines[i] = token;
      else {
        const line = lines[i] ?? '';
        const col = at % (line.length + 1);
        lines[i] = line.slice(0, col) + token + line.slice(col);
      }
      lines = lines.join('\n').split('\n');
    }
    return lines.join('\n');
  });

describe('policy loader fuzz: never throws, always says where', () => {
  it('mutated shipped policies', () => {
    fc.assert(fc.property(mutatedPolicy, load), fuzzParams(400));
  });

  it('random YAML-ish text', () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'grapheme-ascii', maxLength: 10 })), { maxLength: 40 }).map((t) => t.join(''));
    fc.assert(fc.property(text, load), fuzzParams(400));
  });

  it('random values written as YAML (wrong types and keys everywhere)', () => {
    const doc = fc.record(
      {
        version: fc.oneof(fc.constant(1), fc.anything({ maxDepth: 1 })),
        detectors: fc.anything({ maxDepth: 3 }),
        scan: fc.oneof(fc.record({ skip_keys: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }), json_max_depth: fc.integer() }, { requiredKeys: [] }), fc.anything({ maxDepth: 2 })),
        actions: fc.anything({ maxDepth: 3 }),
        rules: fc.array(fc.record({ id: fc.string({ maxLength: 8 }), when: fc.anything({ maxDepth: 3 }), class: fc.constantFrom('broad-use', 'discard', 'nope') }, { requiredKeys: [] }), { maxLength: 4 }),
        caps: fc.anything({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(doc, (d) => {
        let text: string;
        try {
          text = stringify(d);
        } catch {
          return; // not representable as YAML: nothing to load
        }
        load(text);
      }),
      fuzzParams(300),
    );
  });
});
