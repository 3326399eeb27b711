/**
 * YAML → typed value, with every problem reported as `file:line:col: message` naming the key path.
 *
 * Shared by the policy loader and the gateway config loader: both are YAML written by people, both need
 * messages that point at the line to fix and say what was expected. Parsing keeps source positions
 * (yaml's LineCounter); validation is a zod schema; zod issues are mapped back to nodes by their path.
 */
import { LineCounter, parseDocument, isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { formatPath, type Diagnostic } from './diagnostic.js';
import { locate, type Anchor } from './locate.js';
import { expectedKeysAt } from './schema-keys.js';

/**
 * Called for every scalar before validation, with its key path. Return the scalar's new value (e.g.
 * after `${env:NAME}` expansion), `undefined` to keep it, or `{ error }` to report a problem at it.
 */
export type ScalarTransform = (
  value: unknown,
  path: readonly PropertyKey[],
) => unknown | undefined | { error: string };

export interface ParseOptions {
  transformScalar?: ScalarTransform;
}

/** Most problems reported for one file; one more line says how many were left out. */
export const MAX_DIAGNOSTICS = 100;
/** Deepest nesting of mappings and lists accepted (a policy needs a dozen levels). */
export const MAX_YAML_DEPTH = 64;
/**
 * Alias expansions allowed while building the value (the yaml package's maxAliasCount): a file of
 * aliases of aliases (`&a [*b, *b, …]`, "billion laughs") is refused instead of expanding to gigabytes.
 */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedYaml<T> {
  ok: true;
  value: T;
  doc: Document;
  lineCounter: LineCounter;
  /** Builds a diagnostic pointing at `path` in this file (for checks made after validation). */
  diagnosticAt(path: readonly PropertyKey[], message: string, options?: DiagnosticOptions): Diagnostic;
}

export interface DiagnosticOptions {
  anchor?: Anchor;
  severity?: Diagnostic['severity'];
}

export type ParseYamlResult<T> = ParsedYaml<T> | { ok: false; errors: Diagnostic[] };

function isErrorResult(v: unknown): v is { error: string } {
  return typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'string' && Object.keys(v).length === 1;
}

/** A node met by `walkNodes`: its key path, its depth, and whether it is a mapping key. */
interface Visit {
  node: Node;
  path: PropertyKey[];
  depth: number;
}

/**
 * Every node of the document, depth first, with its key path; aliases are not followed. Iterative
 * (an explicit stack), so nesting cannot overflow the call stack, and each node is visited once.
 * Stops early when `visit` returns false.
 */
function walkNodes(doc: Document, visit: (v: Visit) => boolean): void {
  const root = doc.contents as Node | null;
  if (root === null) return;
  const stack: Visit[] = [{ node: root, path: [], depth: 0 }];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (!visit(v)) return;
    const { node, path, depth } = v;
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i]!;
        if (!isPair(pair)) continue;
        const k = pair.key as Node | null;
        const seg: PropertyKey = isScalar(k) ? (k.value as PropertyKey) : String(k);
        if (pair.value !== null && pair.value !== undefined) stack.push({ node: pair.value as Node, path: [...path, seg], depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i] as Node | null;
        if (item !== null && item !== undefined) stack.push({ node: item, path: [...path, i], depth: depth + 1 });
      }
    }
  }
}

/** At most MAX_DIAGNOSTICS of `errors` (sorted by position), and a line saying how many more there are. */
function capped(errors: Diagnostic[], file: string): Diagnostic[] {
  if (errors.length <= MAX_DIAGNOSTICS) return errors;
  const shown = errors.slice(0, MAX_DIAGNOSTICS);
  const last = shown[shown.length - 1]!;
  shown.push({ file, line: last.line, col: last.col, severity: 'error', message: `${errors.length - MAX_DIAGNOSTICS} more errors not shown (at most ${MAX_DIAGNOSTICS} are reported per file)` });
  return shown;
}

export function parseYamlWithSchema<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  options: ParseOptions = {},
): ParseYamlResult<z.infer<S>> {
  const lineCounter = new LineCounter();
  // Duplicate keys are refused, but checked here (one Set per mapping): the yaml package's own
  // `uniqueKeys` compares each key with every earlier one, quadratic in a mapping's size.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });

  const at = (path: readonly PropertyKey[], message: string, o: DiagnosticOptions = {}): Diagnostic => {
    const pos = locate(doc, lineCounter, path, o.anchor ?? 'value');
    const d: Diagnostic = { file, line: pos.line, col: pos.col, message, severity: o.severity ?? 'error' };
    if (path.length > 0) d.path = formatPath(path);
    return d;
  };

  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: capped(doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        // yaml's messages end with a source excerpt after a blank line; keep the first line only.
        const message = `YAML syntax error: ${e.message.split('\n')[0]}`;
        return { file, line: pos.line, col: pos.col, message, severity: 'error' as const };
      }), file),
    };
  }

  // Depth first: everything after (transforms, toJS, zod) recurses over the value.
  let tooDeep: Node | undefined;
  let firstAlias: Node | undefined;
  const duplicates: Diagnostic[] = [];
  walkNodes(doc, ({ node, depth }) => {
    if (firstAlias === undefined && isAlias(node)) firstAlias = node;
    if (depth > MAX_YAML_DEPTH) {
      tooDeep = node;
      return false;
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const k = String(pair.key.value);
        if (!seen.has(k)) {
          seen.add(k);
          continue;
        }
        const pos = lineCounter.linePos(pair.key.range?.[0] ?? 0);
        duplicates.push({ file, line: pos.line, col: pos.col, severity: 'error', message: `YAML syntax error: Map keys must be unique (${JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)} is repeated)` });
      }
    }
    return true;
  });
  if (tooDeep !== undefined) {
    const pos = lineCounter.linePos(tooDeep.range?.[0] ?? 0);
    return { ok: false, errors: [{ file, line: pos.line, col: pos.col, severity: 'error', message: `nested deeper than ${MAX_YAML_DEPTH} levels of mappings and lists` }] };
  }
  if (duplicates.length > 0) return { ok: false, errors: capped(duplicates, file) };

  if (options.transformScalar) {
    const transform = options.transformScalar;
    const errors: Diagnostic[] = [];
    walkNodes(doc, ({ node, path }) => {
      if (!isScalar(node)) return true;
      const out = transform(node.value, path);
      if (out === undefined) return true;
      if (isErrorResult(out)) {
        const pos = lineCounter.linePos(node.range?.[0] ?? 0);
        const d: Diagnostic = { file, line: pos.line, col: pos.col, message: `${formatPath(path)}: ${out.error}`, severity: 'error' };
        if (path.length > 0) d.path = formatPath(path);
        errors.push(d);
        return true;
      }
      node.value = out;
      return true;
    });
    if (errors.length > 0) return { ok: false, errors: capped(errors, file) };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml throws a ReferenceError past maxAliasCount (and for an alias to an unknown anchor)
    const at = firstAlias?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(at);
    const why = /alias count/i.test((e as Error).message)
      ? `YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies; write the values out instead of aliasing aliases`
      : `YAML aliases cannot be resolved: ${(e as Error).message.split('\n')[0]}`;
    return { ok: false, errors: [{ file, line: pos.line, col: pos.col, severity: 'error', message: why }] };
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) {
    return { ok: true, value: parsed.data, doc, lineCounter, diagnosticAt: at };
  }
  const errors = issuesToDiagnostics(parsed.error.issues, schema, data, at);
  errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return { ok: false, errors: capped(errors, file) };
}

type At = (path: readonly PropertyKey[], message: string, o?: DiagnosticOptions) => Diagnostic;

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

/** True when the parent at `path` is a mapping that simply lacks the last key. */
function isMissing(data: unknown, path: readonly PropertyKey[]): boolean {
  const parent = valueAt(data, path.slice(0, -1));
  const key = path[path.length - 1];
  return typeof parent === 'object' && parent !== null && !Array.isArray(parent) && typeof key === 'string' && !(key in parent);
}

/**
 * What a value is, for "expected X, got Y": its kind, never the value itself. A value of the wrong
 * type may be a secret in the wrong place (`token: 12345`, or an `${env:}` expansion), and these
 * messages go to CI logs and the gateway's own logs.
 */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return v === '' ? 'an empty string' : 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a number with a fraction';
  if (typeof v === 'boolean') return `${v}`;
  return typeof v;
}

/**
 * What a value is for "expected one of …": a short string is shown (a misspelt enum word such as
 * `brod-use` is what the author needs to see, and an enum slot holds no secret); anything else by kind.
 */
function describeChoice(v: unknown): string {
  return typeof v === 'string' && v.length <= 40 && /^[\w.:/+-]*$/.test(v) ? `string ${JSON.stringify(v)}` : describe(v);
}

function expectedName(t: string): string {
  switch (t) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    default:
      return t;
  }
}

function issuesToDiagnostics(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, data: unknown, at: At): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) out.push(...issueToDiagnostics(issue, [], schema, data, at));
  return out;
}

function issueToDiagnostics(
  issue: z.core.$ZodIssue,
  base: readonly PropertyKey[],
  schema: z.ZodType,
  data: unknown,
  at: At,
): Diagnostic[] {
  const path = [...base, ...issue.path];
  const where = formatPath(path);
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && path.length > 0 && isMissing(data, path)) {
    const parent = path.slice(0, -1);
    const key = String(path[path.length - 1]);
    const wanted = issue.code === 'invalid_type' ? expectedName(issue.expected) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    return [at(parent, `${formatPath(parent)}: missing required key '${key}' (expected ${wanted})`)];
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const expected = expectedKeysAt(schema, path);
      const tail = expected.length > 0 ? `; expected one of ${expected.join(', ')}` : '';
      return issue.keys.map((k) =>
        at([...path, k], `${where}: unknown key '${k}'${tail}`, { anchor: 'key' }),
      );
    }
    case 'invalid_type': {
      const got = valueAt(data, path);
      return [at(path, `${where}: expected ${expectedName(issue.expected)}, got ${describe(got)}`)];
    }
    case 'invalid_value': {
      const got = valueAt(data, path);
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return [at(path, `${where}: expected one of ${values}, got ${describeChoice(got)}`)];
    }
    case 'invalid_union': {
      // Prefer the branch that got furthest into the value: its issues are about what the author meant.
      const branches = issue.errors.filter((b) => b.length > 0);
      const depth = (b: readonly z.core.$ZodIssue[]): number =>
        Math.max(...b.map((i) => i.path.length + (i.code === 'invalid_type' || i.code === 'invalid_value' ? 0 : 0.5)));
      const best = branches.reduce<readonly z.core.$ZodIssue[] | undefined>(
        (acc, b) => (acc === undefined || depth(b) > depth(acc) ? b : acc),
        undefined,
      );
      const allShallow = branches.every((b) => b.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')));
      if (best === undefined || allShallow) {
        const parts = branches.flat().map((i) =>
          i.code === 'invalid_type' ? expectedName(i.expected) : i.code === 'invalid_value' ? i.values.map((v) => JSON.stringify(v)).join(' or ') : i.message,
        );
        const uniq = [...new Set(parts)];
        return [at(path, `${where}: expected ${uniq.join(' or ')}, got ${describe(valueAt(data, path))}`)];
      }
      return best.flatMap((i) => issueToDiagnostics(i, path, schema, data, at));
    }
    default:
      return [at(path, `${where}: ${issue.message}`)];
  }
}
