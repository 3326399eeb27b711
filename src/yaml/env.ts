/**
 * `${env:NAME}` expansion in scalar values, as the OpenTelemetry Collector's config does. A reference to
 * an unset variable is an error, never an empty string: a missing secret must not become "no secret".
 * `$${` escapes a literal `${`.
 */
import type { ScalarTransform } from './parse.js';

const REF = /\$\$\{|\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function expandEnvTransform(env: Readonly<Record<string, string | undefined>>): ScalarTransform {
  return (value) => {
    if (typeof value !== 'string' || !value.includes('${')) return undefined;
    const missing: string[] = [];
    const out = value.replace(REF, (m, name: string | undefined) => {
      if (m === '$${') return '${';
      const v = env[name!];
      if (v === undefined) {
        missing.push(name!);
        return '';
      }
      return v;
    });
    if (missing.length > 0) return { error: `environment variable ${missing.map((n) => `'${n}'`).join(', ')} is not set` };
    return out;
  };
}
