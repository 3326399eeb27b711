/**
 * The romanised name syllables (NAME_SYLLABLES: a–z and ü, at most six letters) as small integers, for
 * splitting an unlisted capitalised word into syllables ("Zhiwei" = zhi + wei). Trying every prefix of
 * every such word in the word table cost a random memory access per prefix; this map is a few KiB and
 * answers as the table's SYLLABLE flag does (only NAME_SYLLABLES sets it). words.ts is small, so a
 * policy worker that adopted the main thread's table loads it too.
 */
import { NAME_SYLLABLES } from './words.js';

export const MAX_SYLLABLE = 6;

/** Digit of a folded code unit in a syllable code (1–27), or 0 when no syllable has it. */
export function syllableDigit(folded: number): number {
  if (folded >= 97 && folded <= 122) return folded - 96;
  return folded === 0xfc ? 27 : 0;
}

/** Bits of a code in `codes`: a syllable, a prefix of a longer one (a code absent is neither). */
export const SYLLABLE_CODE = 1;
export const SYLLABLE_PREFIX = 2;

let codes: Map<number, number> | undefined;

/**
 * What the code (digits of syllableDigit, base 28, first letter most significant) is: SYLLABLE_CODE,
 * SYLLABLE_PREFIX, both, or 0. A caller extending a prefix letter by letter stops at 0: no longer
 * code can be a syllable then.
 */
export function syllableCode(code: number): number {
  if (codes === undefined) {
    codes = new Map();
    for (const w of NAME_SYLLABLES.split(' ')) {
      if (w.length === 0) continue;
      let c = 0;
      const letters = [...w.normalize('NFC')];
      for (let i = 0; i < letters.length; i++) {
        const d = syllableDigit((letters[i] as string).charCodeAt(0));
        if (d === 0 || w.length > MAX_SYLLABLE) throw new Error(`name syllable '${w}': only a–z and ü, at most ${MAX_SYLLABLE} letters`);
        c = c * 28 + d;
        codes.set(c, (codes.get(c) ?? 0) | (i === letters.length - 1 ? SYLLABLE_CODE : SYLLABLE_PREFIX));
      }
    }
  }
  return codes.get(code) ?? 0;
}

