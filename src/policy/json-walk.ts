/**
 * Redaction inside JSON-valued strings (`gen_ai.input.messages`, `input.value`, `ai.prompt.messages`,
 * tool-call `arguments`…). Every string leaf (and every object key) is redacted, and strings that
 * themselves hold JSON are opened in turn, up to a depth bound. The result is re-serialised only when
 * something changed, so untouched values keep their exact bytes (and their identity); a changed value
 * is valid JSON of the same shape.
 *
 * Most such strings hold nothing to redact, so before building a parse tree the text is read once by
 * `jsonIsClean`: a validating tokenizer (RFC 8259) that hands every string it meets, escapes decoded,
 * to the scanner exactly as the walk would, and allocates nothing but the strings it decodes. Only when
 * it finds something, or cannot vouch for the text, is the text parsed and walked.
 *
 * Why not simply scan the raw JSON text: a finding in a leaf need not be a finding in the text around
 * it. Detectors read a value's surroundings (a custom pattern anchored as `^[0-9]{6}$` matches the leaf
 * "123456" but nothing in `{"id":"123456"}`; context words are looked for in a window around a match),
 * and escapes hide or split values (the scanner blanks `\u0040`, so `a\u0040b.example` shows no '@' in
 * the raw text while its decoded leaf is an e-mail address). Scanning each decoded string on its own is
 * the check that agrees with the walk by construction.
 */
import type { RedactionAccount, TextRedactor } from './redact.js';

/** Cheap test before JSON.parse: first and last non-blank characters are a matching bracket pair. */
export function looksLikeJson(s: string): boolean {
  let i = 0;
  let j = s.length - 1;
  while (i <= j && isBlank(s.charCodeAt(i))) i++;
  while (j >= i && isBlank(s.charCodeAt(j))) j--;
  if (j - i < 1) return false;
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(j);
  return (a === LBRACE && b === RBRACE) || (a === LBRACKET && b === RBRACKET);
}

/** RFC 8259 §2: the four insignificant whitespace characters. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** What the walk needs to know about the strings it meets; TextRedactor is the engine's. */
export type LeafRedactor = Pick<TextRedactor, 'finds' | 'redact'>;

/**
 * Deepest nesting walked. JSON.parse accepts far deeper documents, but JSON.stringify recurses and
 * would overflow the stack re-serialising them; such a document is refused (the engine then discards
 * the span as engine_error: fail closed) rather than forwarded unscanned.
 */
export const MAX_JSON_NESTING = 512;

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const OBJECT = 1;
const ARRAY = 2;
const NOT_CLEAN = -1;

function skipBlanks(t: string, i: number): number {
  while (i < t.length && isBlank(t.charCodeAt(i))) i++;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Returns the end, or -1. */
function numberEnd(t: string, i: number): number {
  if (t.charCodeAt(i) === MINUS) i++;
  const first = t.charCodeAt(i);
  if (first === 0x30) i++;
  else if (isDigit(first)) while (isDigit(t.charCodeAt(i))) i++;
  else return NOT_CLEAN;
  if (t.charCodeAt(i) === 0x2e) {
    i++;
    if (!isDigit(t.charCodeAt(i))) return NOT_CLEAN;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  const e = t.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = t.charCodeAt(i);
    if (sign === 0x2b || sign === MINUS) i++;
    if (!isDigit(t.charCodeAt(i))) return NOT_CLEAN;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  return i;
}

/**
 * Reads the string token opening at `t[i]` (a quote), decodes it (RFC 8259 §7), and checks it the way
 * the walk would redact it: keys as plain text; values opened as JSON first when they look like JSON.
 * Returns the index after the closing quote, or NOT_CLEAN (invalid, or something to redact).
 */
function cleanString(t: string, i: number, isKey: boolean, leaf: LeafRedactor, depth: number, maxDepth: number): number {
  const start = i + 1;
  let j = start;
  let decoded: string | undefined; // built only when the token has escapes
  let from = start;
  for (;;) {
    if (j >= t.length) return NOT_CLEAN;
    const c = t.charCodeAt(j);
    if (c === QUOTE) break;
    if (c < 0x20) return NOT_CLEAN; // control characters must be escaped
    if (c !== BACKSLASH) {
      j++;
      continue;
    }
    const e = t.charCodeAt(j + 1);
    let ch: string;
    let len = 2;
    switch (e) {
      case QUOTE: ch = '"'; break;
      case BACKSLASH: ch = '\\'; break;
      case 0x2f: ch = '/'; break;
      case 0x62: ch = '\b'; break;
      case 0x66: ch = '\f'; break;
      case 0x6e: ch = '\n'; break;
      case 0x72: ch = '\r'; break;
      case 0x74: ch = '\t'; break;
      case 0x75: {
        const h0 = hexValue(t.charCodeAt(j + 2));
        const h1 = hexValue(t.charCodeAt(j + 3));
        const h2 = hexValue(t.charCodeAt(j + 4));
        const h3 = hexValue(t.charCodeAt(j + 5));
        if ((h0 | h1 | h2 | h3) < 0) return NOT_CLEAN;
        ch = String.fromCharCode((h0 << 12) | (h1 << 8) | (h2 << 4) | h3);
        len = 6;
        break;
      }
      default:
        return NOT_CLEAN;
    }
    decoded = (decoded ?? '') + t.slice(from, j) + ch;
    j += len;
    from = j;
  }
  const s = decoded === undefined ? t.slice(start, j) : decoded + t.slice(from, j);
  if (!isKey && depth < maxDepth && looksLikeJson(s)) {
    // The walk would open it. Clean as JSON: nothing to do. Not clean: either it holds something, or it
    // is not JSON after all and the walk scans it as text; either way the full walk decides.
    if (!jsonIsClean(s, leaf, depth + 1, maxDepth)) return NOT_CLEAN;
  } else if (leaf.finds(s)) return NOT_CLEAN;
  return j + 1;
}

/**
 * True when `text` is a JSON object or array in which no string (value or key, escapes decoded, JSON
 * inside strings opened up to `maxDepth` as the walk does) holds anything to redact. False when
 * something does, when the text is not such a document, or when it nests deeper than the walk accepts:
 * then the walk decides. True therefore means exactly "the walk would return `text` unchanged".
 */
export function jsonIsClean(text: string, leaf: LeafRedactor, depth: number, maxDepth: number): boolean {
  let i = skipBlanks(text, 0);
  const root = text.charCodeAt(i);
  if (root !== LBRACE && root !== LBRACKET) return false;
  const stack: number[] = [];
  let expectValue = true;
  for (;;) {
    i = skipBlanks(text, i);
    if (expectValue) {
      const c = text.charCodeAt(i);
      if (c === LBRACE || c === LBRACKET) {
        if (stack.length >= MAX_JSON_NESTING) return false;
        stack.push(c === LBRACE ? OBJECT : ARRAY);
        i = skipBlanks(text, i + 1);
        if (text.charCodeAt(i) === (c === LBRACE ? RBRACE : RBRACKET)) {
          stack.pop();
          i++;
          expectValue = false;
        } else if (c === LBRACE) {
          i = cleanMember(text, i, leaf, depth, maxDepth);
          if (i < 0) return false;
        }
        continue;
      }
      if (c === QUOTE) i = cleanString(text, i, false, leaf, depth, maxDepth);
      else if (c === MINUS || isDigit(c)) i = numberEnd(text, i);
      else if (text.startsWith('true', i) || text.startsWith('null', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else return false;
      if (i < 0) return false;
      expectValue = false;
      continue;
    }
    if (stack.length === 0) return i === text.length;
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === COMMA) {
      i = skipBlanks(text, i + 1);
      if (top === OBJECT) {
        i = cleanMember(text, i, leaf, depth, maxDepth);
        if (i < 0) return false;
      }
      expectValue = true;
    } else if ((top === OBJECT && c === RBRACE) || (top === ARRAY && c === RBRACKET)) {
      stack.pop();
      i++;
    } else return false;
  }
}

/** An object member's key and colon, from `t[i]`; returns the index where its value starts. */
function cleanMember(t: string, i: number, leaf: LeafRedactor, depth: number, maxDepth: number): number {
  if (t.charCodeAt(i) !== QUOTE) return NOT_CLEAN;
  i = cleanString(t, i, true, leaf, depth, maxDepth);
  if (i < 0) return NOT_CLEAN;
  i = skipBlanks(t, i);
  return t.charCodeAt(i) === COLON ? i + 1 : NOT_CLEAN;
}

interface Frame {
  node: unknown;
  /** JSON path of this node; empty when the account collects no records (paths are for explain). */
  path: string;
  level: number;
}

/**
 * A child's JSON path. Keys are written as they appear in the output (redacted when they held
 * something), so a path never carries a detected value.
 */
function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Redacts the JSON document in `text`. Returns `text` itself when nothing changed, a re-serialised
 * document when something did, and `undefined` when `text` is not a JSON object or array (the caller
 * then scans it as plain text). `field` and `path` only matter when `acc` collects records.
 */
export function redactJsonText(
  text: string,
  leaf: LeafRedactor,
  acc: RedactionAccount,
  field: string,
  maxDepth: number,
  path = '$',
  depth = 1,
): string | undefined {
  if (jsonIsClean(text, leaf, depth, maxDepth)) return text;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (root === null || typeof root !== 'object') return undefined;

  const track = acc.records !== undefined;
  let changed = false;
  const stack: Frame[] = [{ node: root, path: track ? path : '', level: 1 }];
  while (stack.length > 0) {
    const { node, path: here, level } = stack.pop()!;
    if (level > MAX_JSON_NESTING) throw new RangeError(`JSON value nested deeper than ${MAX_JSON_NESTING} levels`);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') {
          const r = redactLeaf(v, leaf, acc, field, track ? childPath(here, i) : '', depth, maxDepth);
          if (r !== v) {
            node[i] = r;
            changed = true;
          }
        } else if (v !== null && typeof v === 'object') stack.push({ node: v, path: track ? childPath(here, i) : '', level: level + 1 });
      }
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      let renamed: [string, string][] | undefined;
      for (const key of Object.keys(obj)) {
        // Keys are data too (a map keyed by e-mail address): redacted like values, and first, so the
        // paths below a redacted key name its placeholder, never the value.
        const before = track ? acc.records!.length : 0;
        const k = leaf.redact(key, acc, field, track ? `${here}(key)` : undefined);
        if (k !== key) (renamed ??= []).push([key, k]);
        const p = track ? childPath(here, k) : '';
        if (track) for (let r = before; r < acc.records!.length; r++) acc.records![r]!.location = { field, jsonPath: `${p}(key)` };
        const v = obj[key];
        if (typeof v === 'string') {
          const r = redactLeaf(v, leaf, acc, field, p, depth, maxDepth);
          if (r !== v) {
            obj[key] = r;
            changed = true;
          }
        } else if (v !== null && typeof v === 'object') stack.push({ node: v, path: p, level: level + 1 });
      }
      if (renamed) {
        changed = true;
        renameKeys(obj, renamed);
      }
    }
  }
  return changed ? JSON.stringify(root) : text;
}

function redactLeaf(s: string, leaf: LeafRedactor, acc: RedactionAccount, field: string, path: string, depth: number, maxDepth: number): string {
  if (depth < maxDepth && looksLikeJson(s)) {
    const inner = redactJsonText(s, leaf, acc, field, maxDepth, path, depth + 1);
    if (inner !== undefined) return inner;
  }
  return leaf.redact(s, acc, field, acc.records !== undefined ? path : undefined);
}

/** Renames keys in place, keeping their order. */
function renameKeys(obj: Record<string, unknown>, renames: [string, string][]): void {
  const map = new Map(renames);
  const entries = Object.entries(obj);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) obj[map.get(k) ?? k] = v;
}
