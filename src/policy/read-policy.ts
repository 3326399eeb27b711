/**
 * Reading a policy from disk without compiling it: a file, or a folder of `*.yaml`/`*.yml` files (one
 * base plus per-tenant overrides), parsed and checked against the policy schema. Every problem comes
 * back as a Diagnostic at file:line:col; nothing here throws on bad input.
 *
 * Kept apart from the compiler (compile.ts) so a thread that only hands the parsed sources on (the
 * gateway's main thread with policy workers) never loads the detectors: the compile's issues are
 * placed at file:line:col by `diagnose`, wherever the compile ran.
 *
 * Only regular files are read, at most MAX_POLICY_FILE_BYTES each (policy-limits.ts): an `extends:`
 * naming /dev/zero, a FIFO or a socket is refused at once instead of reading forever or hanging.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseYamlWithSchema, type Diagnostic, type ParsedYaml } from '../yaml/index.js';
import { readBoundedText } from '../yaml/read-file.js';
import type { PolicyIssue, PolicySource } from './compile.js';
import { PolicySchema, type PolicyDocument } from './schema.js';
import { MAX_POLICY_FILE_BYTES, MAX_POLICY_FILES } from './policy-limits.js';

export interface ReadPolicy {
  /** The parsed files, plain data: what a compile (here or in a policy worker) takes. */
  sources: PolicySource[];
  /** Unreadable files, YAML syntax and schema errors; when any, `sources` is not a whole policy. */
  errors: Diagnostic[];
  /** The compile's issues at the file:line:col of the key path they name. */
  diagnose(issues: readonly PolicyIssue[]): Diagnostic[];
}

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

/** Reads and parses the policy at `path` (a file or a folder), pulling in a lone override's base. */
export function readPolicy(path: string): ReadPolicy {
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
  const { parsed } = out;
  return { sources: out.sources, errors: out.errors, diagnose: (issues) => issues.map((i) => toDiagnostic(i, parsed)) };
}

/** The text of a policy file, or why it cannot be read (only a regular file of at most `limit` bytes). */
function readPolicyText(file: string, limit = MAX_POLICY_FILE_BYTES): { ok: true; text: string } | { ok: false; message: string } {
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
