/**
 * A problem found in a YAML file, pointing at the node that caused it. Formatted the way compilers and
 * linters print them (`file:line:col: message`) so editors and CI annotate the right line.
 */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  col: number;
  message: string;
  severity: Severity;
  /** The YAML key path, e.g. `rules[2].when.attribute`, when the problem belongs to a key. */
  path?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line}:${d.col}: ${prefix}${d.message}`;
}

/** `['rules', 2, 'when', 'attribute']` → `rules[2].when.attribute`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      const plain = /^[A-Za-z_$][\w$.-]*$/.test(s) && !s.includes('.');
      if (plain) out += out === '' ? s : `.${s}`;
      else out += `[${JSON.stringify(s)}]`;
    }
  }
  return out === '' ? '(root)' : out;
}
