import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyJsonSchemaText } from './schema-json.js';

describe('schema/policy.schema.json', () => {
  it('is in step with src/policy/schema.ts (run: node --import tsx scripts/gen-schema.ts)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'policy.schema.json'), 'utf8');
    expect(committed).toBe(policyJsonSchemaText());
  });
});
