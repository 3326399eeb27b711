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
 * depend on the scan hints, so an entry is found again only under the same hints object, and at most
 * MAX_HINT_SETS hints objects are told apart. One memo belongs to one scanner (one compiled policy's
 * detector set); a reloaded policy starts with an empty one.
 */
import { createHash, hash, randomBytes } from 'node:crypto';
import type { Finding, ScanHints } from './types.js';

/** Longest string remembered (UTF-16 code units). */
export const FOUND_MEMO_MAX_LENGTH = 4096;
/** Strings remembered before the memo is emptied. */
export const FOUND_MEMO_MAX_ENTRIES = 4096;
/** Most findings one remembered string may hold: ≤ 4096 × 16 findings in all (a few MiB). */
export const FOUND_MEMO_MAX_FINDINGS = 16;
const MAX_HINT_SETS = 64;

/** crypto.hash (Node ≥ 20.12) is one call, without a Hash object per string; createHash otherwise. */
const sha256: (text: string) => string =
  typeof hash === 'function'
    ? (text) => hash('sha256', text, 'base64')
    : (text) => createHash('sha256').update(text).digest('base64');

export class FoundMemo {
  readonly #salt = randomBytes(16).toString('base64');
  readonly #byHints = new Map<ScanHints | undefined, Map<string, readonly Finding[]>>();
  #size = 0;

  /** The key `text` is remembered under, or undefined when it is too long to be remembered. */
  keyOf(text: string): string | undefined {
    return text.length > FOUND_MEMO_MAX_LENGTH ? undefined : sha256(this.#salt + text);
  }

  /** A fresh array of the findings remembered under `key` with these hints, or undefined. */
  get(key: string, hints: ScanHints | undefined): Finding[] | undefined {
    return this.#byHints.get(hints)?.get(key)?.slice();
  }

  /** After a scan with `hints` that found `findings` (non-empty) in the text `key` was made of. */
  add(key: string, hints: ScanHints | undefined, findings: readonly Finding[]): void {
    if (findings.length === 0 || findings.length > FOUND_MEMO_MAX_FINDINGS) return;
    let map = this.#byHints.get(hints);
    if (map === undefined) {
      if (this.#byHints.size >= MAX_HINT_SETS) this.clear();
      map = new Map();
      this.#byHints.set(hints, map);
    }
    if (this.#size >= FOUND_MEMO_MAX_ENTRIES) {
      this.clear();
      this.#byHints.set(hints, map);
    }
    if (map.has(key)) return;
    // frozen copies: what a caller does with the array or findings it was handed cannot change the memo
    map.set(key, Object.freeze(findings.map((f) => Object.freeze({ ...f }))));
    this.#size++;
  }

  get size(): number {
    return this.#size;
  }

  private clear(): void {
    for (const map of this.#byHints.values()) map.clear();
    this.#byHints.clear();
    this.#size = 0;
  }
}
