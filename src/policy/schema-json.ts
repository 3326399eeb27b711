/** The JSON Schema of the policy language, derived from the zod schema (never written by hand). */
import { z } from 'zod';
import { PolicySchema } from './schema.js';

export function policyJsonSchemaText(): string {
  const schema = z.toJSONSchema(PolicySchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  const withMeta = {
    $id: 'https://loopgate.dev/schema/policy.schema.json',
    title: 'Loopgate policy',
    ...schema,
  };
  return `${JSON.stringify(withMeta, null, 2)}\n`;
}
