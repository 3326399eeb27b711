/**
 * What compiling a policy said, as plain data a thread can post: a policy worker compiles the sources
 * the main thread read and answers with this, so the main thread learns the version, the signals the
 * policy classifies and every issue (to place at file:line:col, read-policy.ts) without loading the
 * compiler. The same shape whether the compile ran in a worker or in this thread.
 */
import type { CompileResult, PolicyIssue } from './compile.js';
import type { RecordSignal } from './types.js';

export type CompileReport =
  | { ok: true; version: string; classifies: RecordSignal[]; warnings: PolicyIssue[] }
  | { ok: false; errors: PolicyIssue[]; warnings: PolicyIssue[] };

export function compileReport(r: CompileResult): CompileReport {
  if (!r.ok) return { ok: false, errors: r.errors, warnings: r.warnings };
  return { ok: true, version: r.policy.version, classifies: [...r.policy.classifies], warnings: r.warnings };
}
