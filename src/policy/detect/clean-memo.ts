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
 * A string is remembered under the scan hints it was scanned with (hints-keyed-store.ts).
 */
import { HintsKeyedStore } from './hints-keyed-store.js';
import type { ScanHints } from './types.js';

/** Longest string remembered (UTF-16 code units): identifiers and labels, not prose. */
export const CLEAN_MEMO_MAX_LENGTH = 64;
/** Strings remembered before the memo is emptied: at most 8192 × 64 code units (1 MiB). */
export const CLEAN_MEMO_MAX_ENTRIES = 8192;
export class CleanMemo {
  readonly #store: HintsKeyedStore<true>;

  constructor(
    readonly maxLength = CLEAN_MEMO_MAX_LENGTH,
    maxEntries = CLEAN_MEMO_MAX_ENTRIES,
  ) {
    this.#store = new HintsKeyedStore(maxEntries);
  }

  /** `text` was found clean by a scan with these hints. */
  has(text: string, hints: ScanHints | undefined): boolean {
    return text.length <= this.maxLength && this.#store.get(hints, text) === true;
  }

  /** After a scan with `hints` that found nothing in `text`. */
  add(text: string, hints: ScanHints | undefined): void {
    if (text.length <= this.maxLength) this.#store.add(hints, text, true);
  }

  get size(): number {
    return this.#store.size;
  }
}
