/**
 * docs/policy-reference.md is kept in step with the schema: every key the policy language accepts
 * (read from the JSON Schema generated from the zod schemas) is documented there.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const schema = JSON.parse(readFileSync(resolve(ROOT, 'schema/policy.schema.json'), 'utf8')) as unknown;
const reference = readFileSync(resolve(ROOT, 'docs/policy-reference.md'), 'utf8');

/** Every property name anywhere in the schema (iterative walk; the schema is recursive via $defs). */
function propertyNames(root: unknown): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'properties' && v !== null && typeof v === 'object') for (const name of Object.keys(v)) names.add(name);
        stack.push(v);
      }
    }
  }
  return names;
}

describe('docs/policy-reference.md', () => {
  it('documents every key of the policy schema', () => {
    const names = [...propertyNames(schema)].sort();
    expect(names.length).toBeGreaterThan(30);
    const missing = names.filter((name) => !reference.includes(`\`${name}\``) && !reference.includes(`${name}:`));
    expect(missing).toEqual([]);
  });
});
