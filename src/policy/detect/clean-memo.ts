/**
 * Short strings a scanner found nothing in, remembered so the next occurrence costs one lookup
 * instead of a scan. Telemetry repeats its short strings: attribute keys, JSON keys, roles, model and
 * tool names, finish reasons, MIME types, service names arrive on every span, while the text that
 * varies (prompts, answers, documents) is long and is always scanned.
 *
 * Only strings with no finding are kept, so the memo never holds a detected value, and it is bounded
 * twice: strings longer than `maxLength` are never kept, and the set is emptied when it reaches
 * `maxEntries` (a stream of distinct values, such as ids, costs a rescan of the repeated strings now
 * and then, never memory). One memo belongs to one scanner, that is to one compiled policy's detector
 * set; a reloaded policy starts with an empty one.
 *
 * Scan hints (the span's own model words, which the PERSON detector does not report as names) can
 * change a string's findings, so a string is remembered under the hints it was scanned with and found
 * again only under the same hints object: modelHints (policy/model-hints.ts) hands every span with
 * the same model names the same object. At most MAX_HINT_SETS hints objects are told apart; past
 * that the memo is emptied.
 */
import type { ScanHints } from './types.js';

/** Longest string remembered (UTF-16 code units): identifiers and labels, not prose. */
export const CLEAN_MEMO_MAX_LENGTH = 64;
/** Strings remembered before the memo is emptied: at most 8192 × 64 code units (1 MiB). */
export const CLEAN_MEMO_MAX_ENTRIES = 8192;
/** Distinct hints objects (sets of model words) the memo keeps strings for. */
const MAX_HINT_SETS = 64;

export class CleanMemo {
  readonly #byHints = new Map<ScanHints | undefined, Set<string>>();
  #size = 0;

  constructor(
    readonly maxLength = CLEAN_MEMO_MAX_LENGTH,
    readonly maxEntries = CLEAN_MEMO_MAX_ENTRIES,
  ) {}

  /** `text` was found clean by a scan with these hints. */
  has(text: string, hints: ScanHints | undefined): boolean {
    return text.length <= this.maxLength && this.#byHints.get(hints)?.has(text) === true;
  }

  /** After a scan with `hints` that found nothing in `text`. */
  add(text: string, hints: ScanHints | undefined): void {
    if (text.length > this.maxLength) return;
    let set = this.#byHints.get(hints);
    if (set === undefined) {
      if (this.#byHints.size >= MAX_HINT_SETS) this.clear();
      set = new Set();
      this.#byHints.set(hints, set);
    }
    if (this.#size >= this.maxEntries) {
      this.clear();
      this.#byHints.set(hints, set);
    }
    if (!set.has(text)) {
      set.add(text);
      this.#size++;
    }
  }

  get size(): number {
    return this.#size;
  }

  private clear(): void {
    for (const set of this.#byHints.values()) set.clear();
    this.#byHints.clear();
    this.#size = 0;
  }
}
