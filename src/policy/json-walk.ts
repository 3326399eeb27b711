/**
 * Redaction inside JSON-valued strings (`gen_ai.input.messages`, `input.value`, `ai.prompt.messages`,
 * tool-call `arguments`…). The string is parsed, every string leaf (and every object key) is redacted,
 * and strings that themselves hold JSON are opened in turn, up to a depth bound. The result is
 * re-serialised only when something changed, so untouched values keep their exact bytes; a changed value
 * is valid JSON of the same shape.
 *
 * The walk over a parsed value uses an explicit stack and a nesting bound; JSON-in-JSON recursion is
 * bounded by `maxDepth`.
 */
import type { Location } from './types.js';

/** Cheap test before JSON.parse: first and last non-blank characters are a matching bracket pair. */
export function looksLikeJson(s: string): boolean {
  let i = 0;
  let j = s.length - 1;
  while (i <= j && isBlank(s.charCodeAt(i))) i++;
  while (j >= i && isBlank(s.charCodeAt(j))) j--;
  if (j - i < 1) return false;
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(j);
  return (a === 0x7b && b === 0x7d) || (a === 0x5b && b === 0x5d);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Redacts one plain string leaf. Returns the same string when unchanged. */
export type LeafRedactor = (text: string, where: () => Location) => string;

interface Frame {
  node: unknown;
  path: string;
  level: number;
}

/**
 * Deepest nesting walked. JSON.parse accepts far deeper documents, but JSON.stringify recurses and
 * would overflow the stack re-serialising them; such a document is refused (the engine then discards
 * the span as engine_error: fail closed) rather than forwarded unscanned.
 */
export const MAX_JSON_NESTING = 512;

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Redacts the JSON document in `text`. Returns `text` when nothing changed, or when `text` is not JSON
 * (then the caller scans it as plain text: `undefined` is returned for that case).
 */
export function redactJsonText(
  text: string,
  field: string,
  basePath: string,
  depth: number,
  maxDepth: number,
  leaf: LeafRedactor,
): string | undefined {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (root === null || typeof root !== 'object') return undefined;

  const redactLeaf = (s: string, path: string): string => {
    if (depth < maxDepth && looksLikeJson(s)) {
      const inner = redactJsonText(s, field, path, depth + 1, maxDepth, leaf);
      if (inner !== undefined) return inner;
    }
    return leaf(s, () => ({ field, jsonPath: path }));
  };

  let changed = false;
  const stack: Frame[] = [{ node: root, path: basePath, level: 1 }];
  while (stack.length > 0) {
    const { node, path, level } = stack.pop()!;
    if (level > MAX_JSON_NESTING) throw new RangeError(`JSON value nested deeper than ${MAX_JSON_NESTING} levels`);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') {
          const r = redactLeaf(v, childPath(path, i));
          if (r !== v) {
            node[i] = r;
            changed = true;
          }
        } else if (v !== null && typeof v === 'object') stack.push({ node: v, path: childPath(path, i), level: level + 1 });
      }
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      let renamed: [string, string][] | undefined;
      for (const key of Object.keys(obj)) {
        const v = obj[key];
        const p = childPath(path, key);
        if (typeof v === 'string') {
          const r = redactLeaf(v, p);
          if (r !== v) {
            obj[key] = r;
            changed = true;
          }
        } else if (v !== null && typeof v === 'object') stack.push({ node: v, path: p, level: level + 1 });
        // Keys are data too (a map keyed by e-mail address); they are redacted like values.
        const k = leaf(key, () => ({ field, jsonPath: `${p}(key)` }));
        if (k !== key) (renamed ??= []).push([key, k]);
      }
      if (renamed) {
        changed = true;
        renameKeys(obj, renamed);
      }
    }
  }
  return changed ? JSON.stringify(root) : text;
}

/** Renames keys in place, keeping their order. */
function renameKeys(obj: Record<string, unknown>, renames: [string, string][]): void {
  const map = new Map(renames);
  const entries = Object.entries(obj);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) obj[map.get(k) ?? k] = v;
}
