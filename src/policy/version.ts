/**
 * The policy version stamped on every exported span: 12 hex digits of SHA-256 over the canonical JSON
 * of the parsed policy documents (keys sorted). Comments and formatting do not change it; any change in
 * meaning does. Secrets never enter it: hash keys are named by environment variable, not included.
 */
import { createHash } from 'node:crypto';

function canonical(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function policyVersion(documents: readonly unknown[]): string {
  return createHash('sha256').update(canonical(documents)).digest('hex').slice(0, 12);
}
