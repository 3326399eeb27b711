/**
 * Loading policies from disk for the CLI and an inline gateway: read and parsed (read-policy.ts), then
 * compiled (compile.ts). Every problem comes back as a Diagnostic at file:line:col; nothing here
 * throws on bad input.
 */
import type { Diagnostic } from '../yaml/index.js';
import { compilePolicy, type CompileOptions, type PolicySource } from './compile.js';
import { readPolicy } from './read-policy.js';
import type { CompiledPolicy } from './types.js';

export type LoadResult =
  /** `sources`: the parsed files, plain data, so a policy worker compiles exactly what was loaded. */
  | { ok: true; policy: CompiledPolicy; warnings: Diagnostic[]; sources: PolicySource[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

/** Loads and compiles a policy file or folder. */
export function loadPolicy(path: string, options: CompileOptions = {}): LoadResult {
  const { sources, errors, diagnose } = readPolicy(path);
  if (errors.length > 0) return { ok: false, errors, warnings: [] };
  const r = compilePolicy(sources, options);
  const warnings = diagnose(r.warnings);
  if (!r.ok) return { ok: false, errors: diagnose(r.errors), warnings };
  return { ok: true, policy: r.policy, warnings, sources };
}

/**
 * For `loopgate validate PATH…`: every error and warning in each path. Hash keys are not needed to
 * validate a policy's shape, so a missing key variable is reported only when `env` is given.
 */
export function validatePolicyPaths(
  paths: readonly string[],
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): { errors: Diagnostic[]; warnings: Diagnostic[]; classifies: (ReadonlySet<string> | undefined)[] } {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  /** Per path: the signals its rules classify, when it compiled. */
  const classifies: (ReadonlySet<string> | undefined)[] = [];
  for (const path of paths) {
    const { sources, errors: pe, diagnose } = readPolicy(path);
    errors.push(...pe);
    if (pe.length > 0) {
      classifies.push(undefined);
      continue;
    }
    const env = options.env ?? placeholderKeys(sources);
    const r = compilePolicy(sources, { env });
    warnings.push(...diagnose(r.warnings));
    if (!r.ok) errors.push(...diagnose(r.errors));
    classifies.push(r.ok ? r.policy.classifies : undefined);
  }
  return { errors, warnings, classifies };
}

/** Validation without secrets: every key_env gets a placeholder so the rest of the policy is checked. */
function placeholderKeys(sources: readonly PolicySource[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of sources) {
    const a = s.doc.actions;
    if (a?.default?.key_env) env[a.default.key_env] = 'validate-placeholder';
    for (const spec of Object.values(a?.entities ?? {})) if (spec.key_env) env[spec.key_env] = 'validate-placeholder';
  }
  return env;
}
