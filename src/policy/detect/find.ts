/**
 * Runs a compiled detector set over one string and returns non-overlapping findings.
 *
 * Before detectors run, the scanner derives the views they read:
 * - JSON string escapes (`\n`, `\"`, `\\`, `\uXXXX` …) are decoded to the characters they stand for,
 *   at every nesting level, whether or not the text is well-formed JSON: a truncated document or one
 *   nested deeper than json_max_depth reads as the words it encodes (`jane.doe\u0040example.com` is an
 *   e-mail address). Findings are mapped back to the offsets of the scanned string.
 * - base64 blobs (data: URLs, long runs of the base64 alphabet) are blanked for the detectors that
 *   would only find noise in them, unless `scanBase64` is set. Prefix-anchored secret detectors
 *   (`scansEncoded`) still see them. A blob never takes a neighbouring token with it.
 *
 * Overlaps never un-redact (see mergeFindings): the union of what detectors found is covered, each
 * part by the best finding over it: a vendor secret beats PII, PII beats a phone-shaped number, and
 * anything beats a generic key=value secret; within a rank the longer finding wins.
 */
import type { Detector, EntityName, Finding, ScanHints, Scanner } from './types.js';
import type { BuiltinDetector } from './regex-detector.js';
import { CLEAN_MEMO_MAX_LENGTH, CleanMemo } from './clean-memo.js';
import { FoundMemo } from './found-memo.js';
import { computeTriggers, KEYWORD_HIT, PREFIX_HIT, PrefixIndex, type Triggers } from './triggers.js';

export interface ScannerOptions {
  /** Also run PII detectors inside base64 blobs (default false: blobs are left alone). */
  scanBase64?: boolean;
  /**
   * Remember short strings found clean (clean-memo.ts), up to this length; default
   * CLEAN_MEMO_MAX_LENGTH, 0 to scan every string every time (benchmarks of the detectors themselves).
   */
  memoMaxLength?: number;
  /**
   * Also remember the findings of strings something was found in (found-memo.ts: under a salted
   * digest, never the text). Off by default, so benchmarks and evaluations of the detectors scan every
   * string; a compiled policy turns it on.
   */
  rememberFindings?: boolean;
}

/** Runs of the base64 alphabet at least this long are treated as encoded data, not text. */
export const BASE64_RUN = 200;

const RANK: Readonly<Record<string, number>> = {
  GENERIC_SECRET: 0,
  PHONE_NUMBER: 1,
  AWS_ACCESS_KEY: 3,
  GITHUB_TOKEN: 3,
  GITLAB_TOKEN: 3,
  SLACK_TOKEN: 3,
  STRIPE_KEY: 3,
  OPENAI_KEY: 3,
  ANTHROPIC_KEY: 3,
  GCP_API_KEY: 3,
  HUGGINGFACE_TOKEN: 3,
  NPM_TOKEN: 3,
  SENDGRID_KEY: 3,
  JWT: 3,
  PRIVATE_KEY: 3,
  URL_CREDENTIALS: 3,
};

function rankOf(entity: EntityName): number {
  return RANK[entity] ?? 2;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The character a two-character JSON escape `\x` stands for (RFC 8259 §7), or -1. */
function simpleEscape(c: number): number {
  switch (c) {
    case 34: // "
    case 92: // \
    case 47: // /
      return c;
    case 98: // b
      return 8;
    case 102: // f
      return 12;
    case 110: // n
      return 10;
    case 114: // r
      return 13;
    case 116: // t
      return 9;
    default:
      return -1;
  }
}

/**
 * Where one decoding pass shortened the text: `at[j]` is the view offset of the j-th decoded escape
 * and `shift[j]` the original characters saved up to and including it. Sparse (one entry per escape),
 * so a long string with a few escapes costs a few numbers, not an offset per character.
 */
interface PassMap {
  at: number[];
  shift: number[];
}

/** Offset `v` of a pass's output mapped to its input: v plus the shift of the last escape before v. */
function mapBack(m: PassMap, v: number): number {
  const { at, shift } = m;
  let lo = 0;
  let hi = at.length; // first j with at[j] >= v
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? v : v + shift[lo - 1]!;
}

/** One pass of JSON escape decoding; undefined when `t` holds no escape. */
function decodeOnce(t: string): { text: string; map: PassMap } | undefined {
  let i = t.indexOf('\\');
  if (i < 0) return undefined;
  const at: number[] = [];
  const shift: number[] = [];
  let out = '';
  let from = 0;
  let saved = 0;
  while (i >= 0 && i < t.length - 1) {
    const e = t.charCodeAt(i + 1);
    let code = simpleEscape(e);
    let len = 2;
    if (code < 0 && e === 117) {
      const h = (hexValue(t.charCodeAt(i + 2)) << 12) | (hexValue(t.charCodeAt(i + 3)) << 8) | (hexValue(t.charCodeAt(i + 4)) << 4) | hexValue(t.charCodeAt(i + 5));
      // a negative digit makes the whole value negative: -1 << 12 | … stays negative
      if (h >= 0 && i + 5 < t.length) {
        code = h;
        len = 6;
      }
    }
    if (code < 0) {
      i = t.indexOf('\\', i + 1);
      continue;
    }
    out += t.slice(from, i) + String.fromCharCode(code);
    at.push(i - saved);
    saved += len - 1;
    shift.push(saved);
    from = i + len;
    i = t.indexOf('\\', from);
  }
  if (at.length === 0) return undefined;
  return { text: out + t.slice(from), map: { at, shift } };
}

/**
 * JSON-in-JSON escapes nest: each level doubles the backslashes (`\\u0040` is `\u0040` one level
 * down). Decoding repeats until nothing is left to decode, up to this many levels; past it the text
 * is scanned as it then reads. Bounded so a crafted chain (`\u005cu005c…`) costs at most this many
 * linear passes.
 */
export const MAX_ESCAPE_LEVELS = 8;

/**
 * The text detectors read: JSON string escapes (`\n`, `\"`, `\\`, `\uXXXX` …) decoded to the
 * characters they stand for, at every nesting level up to MAX_ESCAPE_LEVELS, whether or not the
 * text is well-formed JSON. `toOriginal` maps an offset of `text` back to the scanned string, so a
 * finding covers whole escapes (`jane.doe\u0040example.com` is one e-mail address, redacted escapes
 * and all).
 */
export interface DecodedView {
  readonly text: string;
  toOriginal(offset: number): number;
}

const IDENTITY = (v: number): number => v;

export function decodeJsonEscapes(text: string): DecodedView {
  let current = text;
  const passes: PassMap[] = [];
  for (let level = 0; level < MAX_ESCAPE_LEVELS; level++) {
    const d = decodeOnce(current);
    if (d === undefined) break;
    passes.push(d.map);
    current = d.text;
  }
  if (passes.length === 0) return { text, toOriginal: IDENTITY };
  return {
    text: current,
    toOriginal(v: number): number {
      for (let p = passes.length - 1; p >= 0; p--) v = mapBack(passes[p]!, v);
      return v;
    },
  };
}

const BASE64_HINT = new RegExp(`[A-Za-z0-9+/]{${BASE64_RUN}}`);

function isBase64Code(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/**
 * Characters that end a token, so a base64 run beside them starts or ends there: whitespace and
 * controls, quotes, and the punctuation that separates values in JSON, code, markup and URLs' data
 * parts. A run next to anything else (`.`, `@`, `-`, `_`, `%`, a letter outside ASCII …) may have
 * started inside a neighbouring token (`jane.doe@example.com/AAAA…` runs from `com`).
 */
function endsToken(c: number): boolean {
  return (
    c <= 32 || c === 34 || c === 39 || c === 96 || c === 44 || c === 59 || c === 58 || c === 61 || c === 40 || c === 41 ||
    c === 91 || c === 93 || c === 123 || c === 125 || c === 60 || c === 62 || c === 124 || c === 92
  );
}

/**
 * The part of the run [start, end) to blank. Where the run touches a neighbouring token, the piece up
 * to its first (or from its last) '/' or '+' may belong to that token and is kept; a run touching a
 * token with no such separator inside is kept whole (scanned, never hidden). Returns [from, to) or
 * undefined.
 */
function blobRange(text: string, start: number, end: number): [number, number] | undefined {
  let from = start;
  let to = end;
  if (start > 0 && !endsToken(text.charCodeAt(start - 1))) {
    while (from < end && !isSeparatorCode(text.charCodeAt(from))) from++;
    if (from === end) return undefined;
  }
  if (end < text.length && !endsToken(text.charCodeAt(end))) {
    while (to > from && !isSeparatorCode(text.charCodeAt(to - 1))) to--;
    if (to === from) return undefined;
  }
  return [from, to];
}

function isSeparatorCode(c: number): boolean {
  return c === 47 || c === 43;
}

/** Same-length copy of `text` with base64 blobs replaced by spaces; `text` itself when there are none. */
export function blankBase64(text: string, triggers?: Triggers): string {
  const longRun = triggers ? triggers.base64Run >= BASE64_RUN : text.length >= BASE64_RUN && BASE64_HINT.test(text);
  if (!longRun && !text.includes('base64,')) return text;
  let out = '';
  let from = 0;
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    if (c >= 0 && isBase64Code(c)) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0) {
      let end = i;
      while (end < text.length && text.charCodeAt(end) === 61 && end - i < 2) end++; // '=' padding
      const dataUrl = runStart >= 7 && text.startsWith('base64,', runStart - 7) && end - runStart >= 16;
      const range = end - runStart >= BASE64_RUN || dataUrl ? blobRange(text, runStart, end) : undefined;
      if (range !== undefined) {
        out += text.slice(from, range[0]) + ' '.repeat(range[1] - range[0]);
        from = range[1];
      }
      runStart = -1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * Work counter for the linearity tests (merge-linearity.test.ts): heap steps taken by mergeFindings
 * since the process started. One addition per step; never read on the hot path.
 */
export const mergeWork = { steps: 0 };

/** a before b: higher rank, then longer, then leftmost, then first found. */
function better(a: Finding, ai: number, b: Finding, bi: number): boolean {
  const ra = rankOf(a.entity);
  const rb = rankOf(b.entity);
  if (ra !== rb) return ra > rb;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la > lb;
  if (a.start !== b.start) return a.start < b.start;
  return ai < bi;
}

/**
 * Overlap resolution that never un-redacts: every character some finding covers is covered in the
 * result. Each character goes to the best finding that covers it (vendor secret over PII over a
 * phone-shaped number over a generic key=value secret; then the longer; then the leftmost), and a
 * finding that loses part of its span keeps the pieces no better finding covers, so
 * `sk-proj-…ABCD!jane.doe@example.com` is a key and, after it, the rest of the e-mail address.
 *
 * One sweep over the sorted findings with a heap of the ones open at the sweep position: O(n log n)
 * in the number of findings, whatever their overlaps. Sorts `found` in place; the result is sorted by
 * start and non-overlapping; a finding that keeps its whole span is returned as the same object.
 */
export function mergeFindings(found: Finding[]): Finding[] {
  if (found.length <= 1) return found;
  found.sort((a, b) => a.start - b.start || a.end - b.end);
  // the common case: nothing overlaps, so every finding is kept as it is
  let reach = -1;
  let overlaps = false;
  for (const f of found) {
    if (f.start < reach) {
      overlaps = true;
      break;
    }
    if (f.end > reach) reach = f.end;
  }
  if (!overlaps) return found;

  const n = found.length;
  // a binary max-heap of indexes into `found`, ordered by `better`
  const heap: number[] = [];
  const above = (i: number, j: number): boolean => better(found[heap[i]!]!, heap[i]!, found[heap[j]!]!, heap[j]!);
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const push = (idx: number): void => {
    heap.push(idx);
    let i = heap.length - 1;
    while (i > 0) {
      mergeWork.steps++;
      const parent = (i - 1) >> 1;
      if (!above(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
  };
  const pop = (): void => {
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      mergeWork.steps++;
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && above(l, top)) top = l;
      if (r < heap.length && above(r, top)) top = r;
      if (top === i) return;
      swap(i, top);
      i = top;
    }
  };

  const out: Finding[] = [];
  const owners: number[] = [];
  let next = 0;
  let pos = found[0]!.start;
  while (next < n || heap.length > 0) {
    if (heap.length === 0) pos = Math.max(pos, found[next]!.start);
    while (next < n && found[next]!.start <= pos) push(next++);
    while (heap.length > 0 && found[heap[0]!]!.end <= pos) pop();
    if (heap.length === 0) continue;
    const owner = heap[0]!;
    const f = found[owner]!;
    // ownership can change only where the owner ends or another finding starts (both after pos)
    const until = next < n ? Math.min(f.end, found[next]!.start) : f.end;
    const last = out.length - 1;
    if (last >= 0 && owners[last] === owner && out[last]!.end === pos) {
      out[last] = { ...out[last]!, end: until };
    } else {
      out.push({ entity: f.entity, start: pos, end: until, detector: f.detector });
      owners.push(owner);
    }
    pos = until;
  }
  // a finding that kept its whole span is returned as itself
  for (let i = 0; i < out.length; i++) {
    const f = found[owners[i]!]!;
    if (out[i]!.start === f.start && out[i]!.end === f.end) out[i] = f;
  }
  return out;
}

export function createScanner(detectors: readonly Detector[], options: ScannerOptions = {}): Scanner {
  const list = [...detectors];
  const scanBase64 = options.scanBase64 === true;
  const encodedAware = list.map((d) => (d as { scansEncoded?: boolean }).scansEncoded === true);
  const entities = Object.freeze([...new Set(list.map((d) => d.entity))]);
  const builtin = list as readonly Partial<BuiltinDetector>[];
  // the trigger pass also answers "which vendor prefixes are here?" for every prefix-anchored
  // detector; for those the index is the prefilter (their mayMatch would search the same literals)
  const prefixed = builtin.map((d) => d.prefixes !== undefined && d.prefixes.length > 0);
  // and "which keywords?" for the detectors that need a word in the text (see BuiltinDetector.keywords),
  // when it looks pairs up anyway: without prefix-anchored detectors the pass would do those lookups
  // for the keywords alone, and such a detector's mayMatch (a cheap literal first) is the better gate
  const keyworded = builtin.map((d) => d.keywords !== undefined && d.keywords.length > 0);
  const keywordsLookedUp = prefixed.some((p) => p);
  const prefixes = new PrefixIndex(
    builtin.map((d) => d.prefixes),
    keywordsLookedUp ? builtin.map((d) => d.keywords) : [],
  );
  // reused by every scan: scan is synchronous, so no two scans of one scanner interleave
  const hits = new Uint8Array(list.length);
  const triggers = computeTriggers('');
  const memo = new CleanMemo(options.memoMaxLength ?? CLEAN_MEMO_MAX_LENGTH);
  const foundMemo = options.rememberFindings === true ? new FoundMemo() : undefined;
  return {
    entities,
    scan(text: string, hints?: ScanHints): Finding[] {
      if (text.length < 3 || list.length === 0) return [];
      if (memo.has(text, hints)) return [];
      // a clean string is left to the clean memo (no hash); this one was not found clean just now
      const key = foundMemo?.keyOf(text);
      if (key !== undefined) {
        const known = foundMemo!.get(key, hints);
        if (known !== undefined) return known;
      }
      const decoded = decodeJsonEscapes(text);
      const plain = decoded.text;
      hits.fill(0);
      computeTriggers(plain, prefixes, hits, triggers);
      const masked = scanBase64 ? plain : blankBase64(plain, triggers);
      const vendor = triggers.prefixFound;
      const found: Finding[] = [];
      for (let i = 0; i < list.length; i++) {
        const d = list[i] as Detector & Partial<BuiltinDetector>;
        const view = encodedAware[i] ? plain : masked;
        if (prefixed[i]) {
          if (vendor && ((hits[i] as number) & PREFIX_HIT) !== 0) d.find(view, found, hints);
          continue;
        }
        let run: boolean;
        if (keyworded[i]) {
          // the keywords were looked for in `plain` (if at all); a view with base64 blobs blanked is asked itself
          if (!keywordsLookedUp || view !== plain) run = d.mayMatch(view);
          else run = ((hits[i] as number) & KEYWORD_HIT) !== 0 && (d.triggered === undefined || d.triggered(triggers, view));
        } else run = d.triggered !== undefined ? d.triggered(triggers, view) : d.mayMatch(view);
        if (run) d.find(view, found, hints);
      }
      const merged = mergeFindings(found);
      if (merged.length === 0) {
        memo.add(text, hints);
        return merged;
      }
      if (plain === text) {
        if (key !== undefined) foundMemo!.add(key, hints, merged);
        return merged;
      }
      // back to the offsets of the string that was asked about (whole escapes covered)
      for (let i = 0; i < merged.length; i++) {
        const f = merged[i]!;
        merged[i] = { ...f, start: decoded.toOriginal(f.start), end: decoded.toOriginal(f.end) };
      }
      if (key !== undefined) foundMemo!.add(key, hints, merged);
      return merged;
    },
  };
}
