/**
 * Small character helpers shared by the detectors. They work on UTF-16 code units, allocate nothing
 * and are the building blocks for boundary checks that regex lookarounds cannot express cheaply.
 */

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isAlnumCode(c: number): boolean {
  return isDigitCode(c) || isAsciiLetterCode(c);
}

/** A code unit of an assignment's key name: ASCII letter or digit, '_', '-' or '.' (generic secrets, PERSON's name keys). */
export function isKeyCharCode(c: number): boolean {
  return isAlnumCode(c) || c === 95 || c === 45 || c === 46;
}

/** [A-Za-z0-9_]: what `\w` means in an ASCII regex. */
export function isWordCode(c: number): boolean {
  return isAlnumCode(c) || c === 95;
}

/**
 * Scratch space for shannonEntropy, reused across calls (the function is synchronous and not
 * re-entrant): counts of ASCII code units in a typed array, others in a map, and the distinct code
 * units in order of first occurrence.
 */
const ASCII_COUNTS = new Uint32Array(128);
const OTHER_COUNTS = new Map<number, number>();
const SEEN: number[] = [];

/**
 * Shannon entropy in bits per character. Terms are summed in order of each character's first
 * occurrence (as iterating a Map of counts would), so the float is the same however counts are kept.
 */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  SEEN.length = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if ((ASCII_COUNTS[c] as number) === 0) SEEN.push(c);
      ASCII_COUNTS[c] = (ASCII_COUNTS[c] as number) + 1;
    } else {
      const n = OTHER_COUNTS.get(c) ?? 0;
      if (n === 0) SEEN.push(c);
      OTHER_COUNTS.set(c, n + 1);
    }
  }
  let h = 0;
  for (const c of SEEN) {
    const n = c < 128 ? (ASCII_COUNTS[c] as number) : (OTHER_COUNTS.get(c) ?? 0);
    if (c < 128) ASCII_COUNTS[c] = 0;
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  OTHER_COUNTS.clear();
  return h;
}

/** How many of the classes lower, upper, digit, symbol appear in `s`. */
export function charClassCount(s: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (isDigitCode(c)) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

/** How many ASCII digits `s` has: digitsOf(s).length without building the string. */
export function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (isDigitCode(s.charCodeAt(i))) n++;
  return n;
}

/**
 * The ASCII digits of `s`, separators dropped. Copied a group at a time rather than a character at a
 * time (a candidate's digits come in a few groups), and `s` itself when it is all digits.
 */
export function digitsOf(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (isDigitCode(s.charCodeAt(i))) continue;
    if (i > from) out += s.slice(from, i);
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** All characters equal (e.g. `0000000000000000`). */
export function allSame(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s[i] !== s[0]) return false;
  return true;
}

/**
 * Lower-cased text of the `width` characters before `index`, for context-word checks
 * ("ssn", "phone"). Bounded so the check stays O(1) per candidate.
 */
export function contextBefore(text: string, index: number, width: number): string {
  return text.slice(Math.max(0, index - width), index).toLowerCase();
}

/**
 * A regex source matching the same substrings as `words.join('|')` for an "is any of these words in
 * the text" test, with the words' common prefixes factored out (`to(?:ken|p)` instead of `token|top`).
 * The engine then tries one branch per first character at each position instead of every word, which
 * makes a gate over ~100 words cheaper. A word that continues a shorter listed word adds nothing to the
 * test and is dropped. Only for test(), not for where a match ends. Words must be plain literals.
 */
export function wordsAlternation(words: readonly string[]): string {
  if (words.some((w) => w === '')) return '';
  const byFirst = new Map<string, string[]>();
  for (const w of words) {
    const first = w[0] as string;
    const rest = byFirst.get(first) ?? [];
    rest.push(w.slice(1));
    byFirst.set(first, rest);
  }
  const branches = [...byFirst].map(([first, rest]) => first.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&') + wordsAlternation(rest));
  return branches.length === 1 ? (branches[0] as string) : `(?:${branches.join('|')})`;
}
