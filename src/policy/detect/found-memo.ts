/**
 * The findings of strings a scanner found something in, remembered under a digest of the string so
 * the next occurrence costs one hash instead of a scan. GenAI telemetry repeats its text with findings
 * too: every chat span carries the conversation so far (the same system prompt, the same earlier
 * user turns with the same e-mail address), and retries and fan-out resend whole messages.
 *
 * The memo never holds the text, so never a detected value: it is keyed by SHA-256 of a random
 * per-memo salt followed by the text. SHA-256 is collision resistant, so a client cannot make one
 * string answer with another's findings (which could let a value through: fail closed), and the salt,
 * never written anywhere, keeps the digest of a short value (a card number, an SSN) from being
 * checked against guesses. What is kept per string is the findings alone: entity, offsets, detector.
 *
 * Bounded three ways: strings longer than MAX_LENGTH are not remembered (hashing them costs more
 * memory traffic than a typical scan saves), a string with more than MAX_FINDINGS findings is not
 * remembered, and the memo is emptied when it reaches MAX_ENTRIES. As in clean-memo.ts, findings
 * depend on the scan hints, so an entry is filed under the hints it was found with
 * (hints-keyed-store.ts). One memo belongs to one scanner (one compiled policy's detector set); a
 * reloaded policy starts with an empty one.
 *
 * It rests when it does not pay: text that rarely repeats within MAX_ENTRIES strings (the load of
 * bench/vs-collector.ts --vary: ~20% of lookups hit) makes most lookups misses that still cost a
 * hash and a copy kept until the next emptying: 6–13% fewer spans per CPU-second than no memo in one
 * process, 20% in the gateway (vs-collector --vary, 1 worker). So the lookups
 * are counted in windows of WINDOW; a window that found fewer than 1 in MIN_HIT_RATE is followed by
 * REST_WINDOWS windows of scans (more after each try that fails again) with no hashing and nothing
 * kept, then the memo is emptied and tried again. Under a load that repeats, nearly every lookup hits and it never rests.
 */
import { createHash, hash, randomBytes } from 'node:crypto';
import { HintsKeyedStore } from './hints-keyed-store.js';
import type { Finding, ScanHints } from './types.js';

/** Longest string remembered (UTF-16 code units). */
export const FOUND_MEMO_MAX_LENGTH = 4096;
/** Strings remembered before the memo is emptied. */
export const FOUND_MEMO_MAX_ENTRIES = 4096;
/** Most findings one remembered string may hold: ≤ 4096 × 16 findings in all (a few MiB). */
export const FOUND_MEMO_MAX_FINDINGS = 16;
/** Lookups per window of the hit count. */
export const FOUND_MEMO_WINDOW = 4096;
/**
 * A window with fewer hits than 1 in this many lookups sends the memo to rest. Measured: at the ~20%
 * hit rate of the --vary load (64 varied bodies cycled) the misses' hashing and copies still cost more
 * than the hits saved (6% fewer spans per CPU-second than no memo, in one process).
 */
const MIN_HIT_RATE = 4;
/**
 * Windows (of scans) the memo rests for before it is tried again; doubled after each try that fails
 * again, up to MAX_REST_WINDOWS, so under text that never repeats the tries cost ~1/65 of the time.
 */
export const FOUND_MEMO_REST_WINDOWS = 8;
const MAX_REST_WINDOWS = 64;

/** crypto.hash (Node ≥ 20.12) is one call, without a Hash object per string; createHash otherwise. */
const sha256: (text: string) => string =
  typeof hash === 'function'
    ? (text) => hash('sha256', text, 'base64')
    : (text) => createHash('sha256').update(text).digest('base64');

export class FoundMemo {
  readonly #salt = randomBytes(16).toString('base64');
  readonly #store = new HintsKeyedStore<readonly Finding[]>(FOUND_MEMO_MAX_ENTRIES);
  /** Lookups and hits in the current window; while resting, `#rest` counts the scans left. */
  #lookups = 0;
  #hits = 0;
  #rest = 0;
  #restWindows = FOUND_MEMO_REST_WINDOWS;

  /**
   * The key `text` is remembered under, or undefined when it is not to be looked up: too long, or
   * the memo is resting.
   */
  keyOf(text: string): string | undefined {
    if (this.#rest > 0) {
      if (--this.#rest === 0) this.#store.clear();
      return undefined;
    }
    return text.length > FOUND_MEMO_MAX_LENGTH ? undefined : sha256(this.#salt + text);
  }

  /** A fresh array of the findings remembered under `key` with these hints, or undefined. */
  get(key: string, hints: ScanHints | undefined): Finding[] | undefined {
    const found = this.#store.get(hints, key);
    if (found !== undefined) this.#hits++;
    if (++this.#lookups === FOUND_MEMO_WINDOW) {
      if (this.#hits * MIN_HIT_RATE < this.#lookups) {
        this.#rest = this.#restWindows * FOUND_MEMO_WINDOW;
        this.#restWindows = Math.min(2 * this.#restWindows, MAX_REST_WINDOWS);
        this.#store.clear();
      } else this.#restWindows = FOUND_MEMO_REST_WINDOWS;
      this.#lookups = 0;
      this.#hits = 0;
    }
    return found?.slice();
  }

  /** Whether the memo is resting (neither looking strings up nor keeping them). */
  get resting(): boolean {
    return this.#rest > 0;
  }

  /** After a scan with `hints` that found `findings` (non-empty) in the text `key` was made of. */
  add(key: string, hints: ScanHints | undefined, findings: readonly Finding[]): void {
    if (findings.length === 0 || findings.length > FOUND_MEMO_MAX_FINDINGS) return;
    // copies of the findings, each frozen: a caller that changed one it was handed would throw rather
    // than change what the memo answers next time; the array is handed out as a fresh copy (get), so
    // it is left unfrozen (a frozen array is copied on V8's slow path). A key already filed is not
    // looked up first: add follows a lookup that missed.
    const kept: Finding[] = [];
    for (const f of findings) kept.push(Object.freeze({ entity: f.entity, start: f.start, end: f.end, detector: f.detector }));
    this.#store.add(hints, key, kept);
  }

  get size(): number {
    return this.#store.size;
  }
}
