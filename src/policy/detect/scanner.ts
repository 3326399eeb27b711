/**
 * Runs a compiled detector set over one string and returns non-overlapping findings.
 *
 * Before detectors run, the scanner derives same-length views of the text so offsets never need
 * mapping back:
 * - JSON string escapes (`\n`, `\"`, `\\`, `\uXXXX` …) are blanked to spaces, so text escaped inside a
 *   JSON value reads as the words it encodes and a finding never swallows the backslash.
 * - base64 blobs (data: URLs, long runs of the base64 alphabet) are blanked for the detectors that
 *   would only find noise in them, unless `scanBase64` is set. Prefix-anchored secret detectors
 *   (`scansEncoded`) still see them.
 *
 * Overlaps are resolved by rank: a vendor secret beats PII, PII beats a phone-shaped number, and
 * anything beats a generic key=value secret; within a rank the longer finding wins.
 */
import type { Detector, EntityName, Finding, ScanHints, Scanner } from './types.js';
import type { BuiltinDetector } from './regex-detector.js';
import { computeTriggers, PrefixIndex, type Triggers } from './triggers.js';

export interface ScannerOptions {
  /** Also run PII detectors inside base64 blobs (default false: blobs are left alone). */
  scanBase64?: boolean;
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

function isHexCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Same-length copy of `text` with JSON string escapes replaced by spaces; `text` itself when there are none. */
export function blankJsonEscapes(text: string): string {
  let i = text.indexOf('\\');
  if (i < 0) return text;
  let out = '';
  let from = 0;
  while (i >= 0 && i < text.length - 1) {
    const c = text.charCodeAt(i + 1);
    let blank = '';
    // \" \\ \/ \b \f \n \r \t (RFC 8259 §7)
    if (c === 34 || c === 92 || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116) blank = '  ';
    else if (
      c === 117 &&
      isHexCode(text.charCodeAt(i + 2)) &&
      isHexCode(text.charCodeAt(i + 3)) &&
      isHexCode(text.charCodeAt(i + 4)) &&
      isHexCode(text.charCodeAt(i + 5))
    ) {
      blank = '      '; // \uXXXX
    }
    if (blank !== '') {
      out += text.slice(from, i) + blank;
      from = i + blank.length;
      i = text.indexOf('\\', from);
    } else {
      i = text.indexOf('\\', i + 1);
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

const BASE64_HINT = new RegExp(`[A-Za-z0-9+/]{${BASE64_RUN}}`);

function isBase64Code(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
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
      if (end - runStart >= BASE64_RUN || dataUrl) {
        out += text.slice(from, runStart) + ' '.repeat(end - runStart);
        from = end;
      }
      runStart = -1;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Greedy overlap resolution: best rank, then longest, then leftmost; result sorted by start. Sorts `found` in place. */
export function mergeFindings(found: Finding[]): Finding[] {
  if (found.length <= 1) return found;
  // the common case: nothing overlaps, so the greedy pass would keep every finding
  found.sort((a, b) => a.start - b.start || a.end - b.end);
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
  const ordered = [...found].sort(
    (a, b) => rankOf(b.entity) - rankOf(a.entity) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Finding[] = [];
  for (const f of ordered) {
    let overlaps = false;
    for (const k of kept) {
      if (f.start < k.end && k.start < f.end) {
        overlaps = true;
        break;
      }
    }
    if (!overlaps) kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
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
  const prefixes = new PrefixIndex(builtin.map((d) => d.prefixes));
  // reused by every scan: scan is synchronous, so no two scans of one scanner interleave
  const hits = new Uint8Array(list.length);
  return {
    entities,
    scan(text: string, hints?: ScanHints): Finding[] {
      if (text.length < 3 || list.length === 0) return [];
      const plain = blankJsonEscapes(text);
      hits.fill(0);
      const triggers = computeTriggers(plain, prefixes, hits);
      const masked = scanBase64 ? plain : blankBase64(plain, triggers);
      const vendor = triggers.prefixFound;
      const found: Finding[] = [];
      for (let i = 0; i < list.length; i++) {
        const d = list[i] as Detector & Partial<BuiltinDetector>;
        const view = encodedAware[i] ? plain : masked;
        if (prefixed[i]) {
          if (vendor && hits[i] === 1) d.find(view, found, hints);
          continue;
        }
        const run = d.triggered !== undefined ? d.triggered(triggers, view) : d.mayMatch(view);
        if (run) d.find(view, found, hints);
      }
      return mergeFindings(found);
    },
  };
}
