/**
 * `${env:NAME}` expansion for the gateway config, plus the Collector's `${env:NAME:-default}` form for
 * optional settings. The shared YAML transform (src/yaml/env.ts) does the expansion and its error for
 * unset variables; this layer only resolves the `:-default` references first:
 *   - NAME set   → rewritten to `${env:NAME}`, expanded by the shared transform;
 *   - NAME unset → the default text, with any `${` in it escaped so it is taken literally.
 * `$${` stays an escape for a literal `${`.
 */
import { expandEnvTransform, type ScalarTransform } from '../yaml/index.js';

const WITH_DEFAULT = /\$\$\{|\$\{env:([A-Za-z_][A-Za-z0-9_]*):-([^}]*)\}/g;

export function expandConfigEnv(env: Readonly<Record<string, string | undefined>>): ScalarTransform {
  const expand = expandEnvTransform(env);
  return (value, path) => {
    if (typeof value !== 'string' || !value.includes(':-')) return expand(value, path);
    const rewritten = value.replace(WITH_DEFAULT, (m, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return m;
      return env[name] !== undefined ? `\${env:${name}}` : fallback!.replaceAll('${', '$${');
    });
    const out = expand(rewritten, path);
    return out === undefined ? rewritten : out;
  };
}
