/**
 * Writes schema/policy.schema.json from the zod policy schema, for editors (yaml-language-server) and
 * for anyone who reads JSON Schema. `src/policy/schema-json.test.ts` fails when the committed file is
 * stale; rerun `node --import tsx scripts/gen-schema.ts` after changing src/policy/schema.ts.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyJsonSchemaText } from '../src/policy/schema-json.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'policy.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, policyJsonSchemaText());
process.stdout.write(`wrote ${out}\n`);
