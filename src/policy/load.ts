/**
 * Loading policies from disk for the gateway and the CLI: a file, or a folder of `*.yaml`/`*.yml`
 * files (one base plus per-tenant overrides). Every problem comes back as a Diagnostic at
 * file:line:col; nothing here throws on bad input.
 *
 * Only regular files are read, at most MAX_POLICY_FILE_BYTES each (policy-limits.ts): an `extends:`
 * naming /dev/zero, a FIFO or a socket is refused at once instead of reading forever or hanging.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseYamlWithSchema, type Diagnostic, type ParsedYaml } from '../yaml/index.js';
import { readBoundedText } from '../yaml/read-file.js';
import { compilePolicy, type CompileOptions, type PolicyIssue, type PolicySource } from './compile.js';
import { PolicySchema, type PolicyDocument } from './schema.js';
import type { CompiledPolicy } from './types.js';
import { MAX_POLICY_FILE_BYTES, MAX_POLICY_FILES } from './policy-limits.js';

export type LoadResult =
  /** `sources`: the parsed files, plain data, so a policy worker compiles exactly what was loaded. */
  | { ok: true; policy: CompiledPolicy; warnings: Diagnostic[]; sources: PolicySource[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

function policyFiles(path: string): { files: string[]; error?: Diagnostic } {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    return { files: [], error: { file: path, line: 1, col: 1, severity: 'error', message: `cannot read policy: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` } };
  }
  if (!st.isDirectory()) return { files: [path] };
  const files = readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length > MAX_POLICY_FILES) {
    return { files: [], error: { file: path, line: 1, col: 1, severity: 'error', message: `more than ${MAX_POLICY_FILES} *.yaml policy files in this folder (a policy limit)` } };
  }
  if (files.length === 0) return { files, error: { file: path, line: 1, col: 1, severity: 'error', message: 'no *.yaml policy files in this folder' } };
  return { files };
}

interface Parsed {
  sources: PolicySource[];
  parsed: Map<string, ParsedYaml<PolicyDocument>>;
  errors: Diagnostic[];
}

function parseAll(path: string): Parsed {
  const { files, error } = policyFiles(path);
  const out: Parsed = { sources: [], parsed: new Map(), errors: error ? [error] : [] };
  parseFiles(files, out);
  // `extends:` names the base an override applies to. Loading an override file alone pulls its base
  // in; in a folder the base must be one of the folder's files.
  const loaded = new Set(out.sources.map((s) => resolve(s.source)));
  for (const s of [...out.sources]) {
    const ext = s.doc.extends;
    if (ext === undefined) continue;
    const target = resolve(dirname(s.source), ext);
    if (loaded.has(target)) continue;
    const before = out.errors.length;
    if (files.length === 1) parseFiles([target], out);
    else out.errors.push(out.parsed.get(s.source)!.diagnosticAt(['extends'], `extends: '${ext}' is not one of the policy files in this folder`));
    if (out.errors.length === before) loaded.add(target);
  }
  return out;
}

/** The text of a policy file, or why it cannot be read (only a regular file of at most `limit` bytes). */
export function readPolicyText(file: string, limit = MAX_POLICY_FILE_BYTES): { ok: true; text: string } | { ok: false; message: string } {
  const read = readBoundedText(file, limit, { what: 'policy', limit: 'a policy limit' });
  return read.ok ? read : { ok: false, message: read.message };
}

function parseFiles(files: readonly string[], out: Parsed): void {
  for (const file of files) {
    const read = readPolicyText(file);
    if (!read.ok) {
      out.errors.push({ file, line: 1, col: 1, severity: 'error', message: read.message });
      continue;
    }
    const text = read.text.charCodeAt(0) === 0xfeff ? read.text.slice(1) : read.text;
    const r = parseYamlWithSchema(text, file, PolicySchema);
    if (!r.ok) out.errors.push(...r.errors);
    else {
      out.sources.push({ doc: r.value, source: file });
      out.parsed.set(file, r);
    }
  }
}

function toDiagnostic(i: PolicyIssue, parsed: Map<string, ParsedYaml<PolicyDocument>>): Diagnostic {
  const p = parsed.get(i.source);
  if (p) return p.diagnosticAt(i.path, i.path.length > 0 ? `${formatIssuePath(i.path)}: ${i.message}` : i.message, { anchor: i.anchor ?? 'value', severity: i.severity });
  return { file: i.source, line: 1, col: 1, message: i.message, severity: i.severity };
}

function formatIssuePath(path: PropertyKey[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? String(seg) : `.${String(seg)}`;
  return s;
}

/** Loads and compiles a policy file or folder. */
export function loadPolicy(path: string, options: CompileOptions = {}): LoadResult {
  const { sources, parsed, errors } = parseAll(path);
  if (errors.length > 0) return { ok: false, errors, warnings: [] };
  const r = compilePolicy(sources, options);
  const warnings = r.warnings.map((w) => toDiagnostic(w, parsed));
  if (!r.ok) return { ok: false, errors: r.errors.map((e) => toDiagnostic(e, parsed)), warnings };
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
    const { sources, parsed, errors: pe } = parseAll(path);
    errors.push(...pe);
    if (pe.length > 0) {
      classifies.push(undefined);
      continue;
    }
    const env = options.env ?? placeholderKeys(sources);
    const r = compilePolicy(sources, { env });
    warnings.push(...r.warnings.map((w) => toDiagnostic(w, parsed)));
    if (!r.ok) errors.push(...r.errors.map((e) => toDiagnostic(e, parsed)));
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
