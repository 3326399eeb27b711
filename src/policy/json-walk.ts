/**
 * Redaction inside JSON-valued strings (`gen_ai.input.messages`, `input.value`, `ai.prompt.messages`,
 * tool-call `arguments`…). Every string in the document (values and object keys, escapes decoded) is
 * redacted on its own, and strings that themselves hold JSON are opened in turn, up to a depth bound.
 *
 * No parse tree is built: the text is read once by one small RFC 8259 tokenizer, which checks it is a
 * well-formed object or array while it scans each string it meets. What the scans find is counted in
 * an account of the document's own (RedactionAccount.child), added to the record's only once the
 * document proves well-formed: a text that only looked like JSON is scanned again as plain text and
 * counted once. A string with nothing found costs a scan and no copy; when one changes, only that
 * token is replaced (written back with JSON.stringify), and every other byte of the document is kept
 * as it was, formatting and escapes included. A document with nothing found comes back as the very
 * same string.
 *
 * Why not scan the raw JSON text instead: a finding in a string need not be a finding in the text
 * around it. Detectors read a value's surroundings (a custom pattern anchored as `^[0-9]{6}$` matches
 * the string "123456" but nothing in `{"id":"123456"}`; context words are looked for near a match), and
 * escapes hide or split values (the scanner blanks `\u0040`, so `a\u0040b.example` shows no '@' in the
 * raw text while the decoded string is an e-mail address). Each decoded string is what gets scanned.
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

/** What the walk needs of a string redactor; TextRedactor is the engine's. */
export type LeafRedactor = Pick<TextRedactor, 'redact'> & Partial<Pick<TextRedactor, 'redactMember'>>;

/**
 * Deepest nesting accepted. Such depth only comes from hostile or broken producers; the document is
 * refused (the engine then discards the span as engine_error: fail closed) rather than forwarded
 * unscanned.
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
const BAD = -1;
const TOO_DEEP = -2;

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

/** RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Returns the end, or BAD. */
function numberEnd(t: string, i: number): number {
  if (t.charCodeAt(i) === MINUS) i++;
  const first = t.charCodeAt(i);
  if (first === 0x30) i++;
  else if (isDigit(first)) while (isDigit(t.charCodeAt(i))) i++;
  else return BAD;
  if (t.charCodeAt(i) === 0x2e) {
    i++;
    if (!isDigit(t.charCodeAt(i))) return BAD;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  const e = t.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = t.charCodeAt(i);
    if (sign === 0x2b || sign === MINUS) i++;
    if (!isDigit(t.charCodeAt(i))) return BAD;
    while (isDigit(t.charCodeAt(i))) i++;
  }
  return i;
}

/** The character an escape stands for (RFC 8259 §7), or -1; `\uXXXX` is handled by the caller. */
function simpleEscape(c: number): number {
  switch (c) {
    case QUOTE:
    case BACKSLASH:
    case 0x2f: // '/'
      return c;
    case 0x62: // b
      return 0x08;
    case 0x66: // f
      return 0x0c;
    case 0x6e: // n
      return 0x0a;
    case 0x72: // r
      return 0x0d;
    case 0x74: // t
      return 0x09;
    default:
      return -1;
  }
}

/**
 * Reads the string token opening at `t[i]` (a quote). Returns the index after its closing quote, or
 * BAD. The decoded text is left in `decoded`: a slice when the token has no escapes, else the token
 * decoded by JSON.parse (native, one pass; its escapes were checked here first).
 */
let decoded = '';
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
function readString(t: string, i: number): number {
  const start = i + 1;
  // the run of plain characters (no quote, backslash or control character) in one native regex step
  PLAIN_RUN.lastIndex = start;
  PLAIN_RUN.test(t);
  let j = PLAIN_RUN.lastIndex;
  if (t.charCodeAt(j) === QUOTE) {
    decoded = t.slice(start, j);
    return j + 1;
  }
  let escaped = false;
  for (;;) {
    if (j >= t.length) return BAD;
    const c = t.charCodeAt(j);
    if (c === QUOTE) break;
    if (c < 0x20) return BAD; // control characters must be escaped
    if (c !== BACKSLASH) {
      j++;
      continue;
    }
    const e = t.charCodeAt(j + 1);
    if (simpleEscape(e) >= 0) {
      j += 2;
    } else {
      if (e !== 0x75) return BAD;
      const h0 = hexValue(t.charCodeAt(j + 2));
      const h1 = hexValue(t.charCodeAt(j + 3));
      const h2 = hexValue(t.charCodeAt(j + 4));
      const h3 = hexValue(t.charCodeAt(j + 5));
      if ((h0 | h1 | h2 | h3) < 0) return BAD;
      j += 6;
    }
    escaped = true;
  }
  decoded = escaped ? (JSON.parse(t.slice(i, j + 1)) as string) : t.slice(start, j);
  return j + 1;
}

/**
 * A child's JSON path, for explain. Keys are written as they appear in the output (redacted when they
 * held something), so a path never carries a detected value.
 */
function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** What one walk carries. */
interface Pass {
  leaf: LeafRedactor;
  /** The document's own account (see redactJsonText). */
  acc: RedactionAccount;
  field: string;
  maxDepth: number;
  depth: number;
  /** Paths are built only when the account collects records (explain). */
  track: boolean;
  /** The text being rebuilt; undefined while nothing changed. */
  out: string | undefined;
  /** Where the copy of unchanged text resumes. */
  last: number;
}

/**
 * The tokenizer: checks the document (returns 0, BAD or TOO_DEEP) while it redacts every string and
 * records replacements in the pass. `rootPath` is the document's JSON path.
 */
function walk(t: string, pass: Pass, rootPath: string): number {
  let i = skipBlanks(t, 0);
  const root = t.charCodeAt(i);
  if (root !== LBRACE && root !== LBRACKET) return BAD;
  const kinds: number[] = [];
  const track = pass.track;
  // Explain only: each open container's path, its next array index, and the current member's path.
  const paths: string[] = track ? [] : NO_PATHS;
  const counts: number[] = track ? [] : NO_COUNTS;
  let member = rootPath;

  let expectValue = true;
  for (;;) {
    i = skipBlanks(t, i);
    if (expectValue) {
      const c = t.charCodeAt(i);
      if (c === LBRACE || c === LBRACKET) {
        if (kinds.length >= MAX_JSON_NESTING) return TOO_DEEP;
        if (track) {
          paths.push(valuePath(kinds, paths, counts, member));
          counts.push(0);
        }
        kinds.push(c === LBRACE ? OBJECT : ARRAY);
        i = skipBlanks(t, i + 1);
        if (t.charCodeAt(i) === (c === LBRACE ? RBRACE : RBRACKET)) {
          kinds.pop();
          if (track) {
            paths.pop();
            counts.pop();
          }
          i++;
          expectValue = false;
        } else if (c === LBRACE) {
          i = readMember(t, i, pass, track ? paths[paths.length - 1]! : '');
          if (i < 0) return i;
          if (track) member = memberPath;
        }
        continue;
      }
      if (c === QUOTE) {
        const start = i;
        i = readString(t, i);
        if (i < 0) return BAD;
        const s = decoded;
        const key = kinds[kinds.length - 1] === OBJECT ? memberKey : undefined;
        const r = redactValue(s, pass, track ? valuePath(kinds, paths, counts, member) : '', key);
        if (r !== s) replace(pass, t, start, i, JSON.stringify(r));
      } else if (c === MINUS || isDigit(c)) i = numberEnd(t, i);
      else if (t.startsWith('true', i) || t.startsWith('null', i)) i += 4;
      else if (t.startsWith('false', i)) i += 5;
      else return BAD;
      if (i < 0) return BAD;
      if (track && c !== QUOTE && kinds[kinds.length - 1] === ARRAY) counts[counts.length - 1]!++;
      expectValue = false;
      continue;
    }
    if (kinds.length === 0) return i === t.length ? 0 : BAD;
    const c = t.charCodeAt(i);
    const top = kinds[kinds.length - 1];
    if (c === COMMA) {
      i = skipBlanks(t, i + 1);
      if (top === OBJECT) {
        i = readMember(t, i, pass, track ? paths[paths.length - 1]! : '');
        if (i < 0) return i;
        if (track) member = memberPath;
      }
      expectValue = true;
    } else if ((top === OBJECT && c === RBRACE) || (top === ARRAY && c === RBRACKET)) {
      kinds.pop();
      if (track) {
        paths.pop();
        counts.pop();
      }
      i++;
    } else return BAD;
  }
}

/** Never written to: only touched when tracking paths, and then fresh arrays are used. */
const NO_PATHS: string[] = [];
const NO_COUNTS: number[] = [];

/** Explain only: the path of the value about to be read (an array's next index is taken). */
function valuePath(kinds: number[], paths: string[], counts: number[], member: string): string {
  // At the root `member` is still the document's own path.
  if (kinds.length === 0 || kinds[kinds.length - 1] === OBJECT) return member;
  return childPath(paths[paths.length - 1]!, counts[counts.length - 1]!++);
}

/** Set by readMember: the path of the member just read (explain only). */
let memberPath = '';
/** Set by readMember on a redacting pass: the decoded key of the member whose value comes next. */
let memberKey = '';

/**
 * An object member's key and colon, from `t[i]`; returns the index where its value starts. Keys are
 * data too (a map keyed by e-mail address): they are redacted like values.
 */
function readMember(t: string, i: number, pass: Pass, objectPath: string): number {
  if (t.charCodeAt(i) !== QUOTE) return BAD;
  const start = i;
  i = readString(t, i);
  if (i < 0) return BAD;
  const key = decoded;
  memberKey = key;
  const records = pass.acc.records;
  const before = records === undefined ? 0 : records.length;
  const k = pass.leaf.redact(key, pass.acc, pass.field, pass.track ? `${objectPath}(key)` : undefined);
  if (pass.track) {
    memberPath = childPath(objectPath, k);
    // The key's own records name the key by what it became, not by what was found in it.
    for (let r = before; r < records!.length; r++) records![r]!.location = { field: pass.field, jsonPath: `${memberPath}(key)` };
  }
  if (k !== key) replace(pass, t, start, i, JSON.stringify(k));
  i = skipBlanks(t, i);
  return t.charCodeAt(i) === COLON ? i + 1 : BAD;
}

function replace(pass: Pass, t: string, start: number, end: number, text: string): void {
  pass.out = (pass.out ?? '') + t.slice(pass.last, start) + text;
  pass.last = end;
}

/**
 * A string value: JSON inside it is opened (up to the depth bound), anything else is scanned as text;
 * an object member's value is scanned with its key as context (`"phone": "40.67.09.27"`).
 */
function redactValue(s: string, pass: Pass, path: string, key: string | undefined): string {
  if (pass.depth < pass.maxDepth && looksLikeJson(s)) {
    const inner = redactJsonText(s, pass.leaf, pass.acc, pass.field, pass.maxDepth, path, pass.depth + 1);
    if (inner !== undefined) return inner;
  }
  const jsonPath = pass.track ? path : undefined;
  if (key !== undefined && pass.leaf.redactMember !== undefined) return pass.leaf.redactMember(key, s, pass.acc, pass.field, jsonPath);
  return pass.leaf.redact(s, pass.acc, pass.field, jsonPath);
}

/**
 * Redacts the JSON document in `text`. Returns `text` itself when nothing changed, the document with
 * the changed strings replaced when something did, and `undefined` when `text` is not a well-formed
 * JSON object or array (the caller then scans it as plain text). Throws a RangeError past
 * MAX_JSON_NESTING. `field` and `path` only matter when `acc` collects records.
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
  // Counted in the document's own account, added to `acc` only if the text proves to be JSON: a text
  // that only looked like it is then scanned as plain text by the caller, and counted once.
  const doc = acc.child();
  const pass: Pass = { leaf, acc: doc, field, maxDepth, depth, track: doc.records !== undefined, out: undefined, last: 0 };
  const walked = walk(text, pass, path);
  if (walked === TOO_DEEP) throw new RangeError(`JSON value nested deeper than ${MAX_JSON_NESTING} levels`);
  if (walked !== 0) return undefined;
  acc.absorb(doc);
  return pass.out === undefined ? text : pass.out + text.slice(pass.last);
}
