/**
 * The bounded store under both scan memos (clean-memo.ts, found-memo.ts): values filed by the scan
 * hints they were found under and a string key. Scan hints (the span's own model words, which the
 * PERSON detector does not report as names) can change a string's findings, so an entry is found
 * again only under the same hints object: modelHints (policy/model-hints.ts) hands every span with the
 * same model names the same object.
 *
 * Bounded twice, and emptied rather than evicted entry by entry (a stream of distinct strings costs
 * a rescan of the repeated ones now and then, never memory): at most `maxEntries` entries in all, and
 * at most MAX_HINT_SETS hints objects told apart.
 */
import type { ScanHints } from './types.js';

/** Distinct hints objects (sets of model words) a store keeps entries for. */
const MAX_HINT_SETS = 64;

export class HintsKeyedStore<V> {
  readonly #byHints = new Map<ScanHints | undefined, Map<string, V>>();
  #size = 0;

  constructor(readonly maxEntries: number) {}

  get(hints: ScanHints | undefined, key: string): V | undefined {
    return this.#byHints.get(hints)?.get(key);
  }

  /** Files `value` under `hints` and `key` unless an entry is there already; may empty the store first. */
  add(hints: ScanHints | undefined, key: string, value: V): void {
    let map = this.#byHints.get(hints);
    if (map === undefined) {
      if (this.#byHints.size >= MAX_HINT_SETS) this.clear();
      map = new Map();
      this.#byHints.set(hints, map);
    }
    if (this.#size >= this.maxEntries) {
      this.clear();
      this.#byHints.set(hints, map);
    }
    if (map.has(key)) return;
    map.set(key, value);
    this.#size++;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    for (const map of this.#byHints.values()) map.clear();
    this.#byHints.clear();
    this.#size = 0;
  }
}
