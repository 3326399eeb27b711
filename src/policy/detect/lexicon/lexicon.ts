/**
 * One hash table over every word the PERSON detector knows: the generated name lexicon (names-data.ts)
 * and the hand-written cue and look-alike lists (words.ts), each word with a set of flag bits. A word
 * of the scanned text is looked up with one probe, hashed and compared in place on its code units
 * with case folded, so a lookup allocates nothing (open addressing, linear probing, FNV-1a).
 */
import { NAME_GROUPS } from './names-data.js';
import {
  CALENDAR,
  COMMON_EXTRA,
  DETERMINERS,
  FOREIGN_FUNCTION_WORDS,
  NAME_SYLLABLES,
  ROMANISED_SURNAMES,
  GREETINGS,
  INTRODUCERS,
  LOCATIVES,
  NON_PERSONS,
  NOT_NAMES_AFTER_CUES,
  ORG_SUFFIXES,
  PARTICLES,
  PERSON_KEYS,
  PERSON_NAME_QUALIFIERS,
  PLACE_PREFIXES,
  PLACES,
  SIGNOFFS,
  TITLES,
} from './words.js';

export const FIRST = 1 << 0;
export const LAST = 1 << 1;
/** Also a common lower-case English word (mark, bill, grace, rose). */
export const COMMON = 1 << 2;
export const PLACE = 1 << 3;
/** A company, product, tool, AI model, nationality or language. */
export const NON_PERSON = 1 << 4;
export const CALENDAR_WORD = 1 << 5;
export const TITLE = 1 << 6;
export const PARTICLE = 1 << 7;
export const GREETING = 1 << 8;
export const SIGNOFF = 1 << 9;
export const INTRODUCER = 1 << 10;
export const PERSON_KEY = 1 << 11;
export const NAME_QUALIFIER = 1 << 12;
export const LOCATIVE = 1 << 13;
export const PLACE_PREFIX = 1 << 14;
export const ORG_SUFFIX = 1 << 15;
export const NOT_AFTER_CUE = 1 << 16;
/** Articles and possessives: a capitalised common word after one is a noun ("a Grace period"). */
export const DETERMINER = 1 << 17;
/** A syllable of romanised Chinese or Korean given names (NAME_SYLLABLES). */
export const SYLLABLE = 1 << 18;
// flags share a cell integer with the word length (WordTable): they must stay below 1 << 24

export const NAME = FIRST | LAST;
/** Flags that make a name-list word ambiguous: it needs more evidence than its capital letter. */
export const AMBIGUOUS = COMMON | PLACE | NON_PERSON | CALENDAR_WORD | NOT_AFTER_CUE;

/** Lower-case of each code unit below FOLD_LIMIT that lower-cases to one code unit (Latin, Greek, Cyrillic, Armenian). */
const FOLD_LIMIT = 0x590;
const FOLD = new Uint16Array(FOLD_LIMIT);
for (let c = 0; c < FOLD_LIMIT; c++) {
  const l = String.fromCharCode(c).toLowerCase();
  FOLD[c] = l.length === 1 ? l.charCodeAt(0) : c;
}
FOLD[0x130] = 0x69; // İ → i (its lower case is two code units)

/** Case-folded code unit; the typographic apostrophe ’ folds to '. */
export function fold(c: number): number {
  if (c < FOLD_LIMIT) return FOLD[c] as number;
  return c === 0x2019 ? 39 : c;
}

/** Whether a code unit is an upper-case letter (it folds to another code unit). */
export function isUpper(c: number): boolean {
  return c < FOLD_LIMIT && FOLD[c] !== c;
}

/**
 * Open addressing on two independent 32-bit hashes of the folded word (and its length): a probe
 * compares integers, never strings. Two different words agreeing on all three would need a 1 in 2^64
 * coincidence; `add` checks for one. Each cell is three consecutive integers (h1, h2, flags << 8 |
 * length) in one typed array, so a probe reads one cache line. The table is what a lookup per word of
 * the text waits for: every probe lands on a random page, so its size in bytes, not the probe count,
 * sets the cost (measured: 8 MiB at 25% load scanned the corpus 8% slower than 4 MiB at 50%, and 3 MiB
 * with three-integer cells is smaller again). Linear probing at ≤ 50% load takes ~1.5 cells per hit.
 */
/** Integers per cell: h1, h2, flags << 8 | length. */
const CELL = 3;
/** Words longer than this are never in the table (the length has 8 bits of the third integer). */
const MAX_WORD = 255;
/** Most words per slot: past it the table doubles. Linear probing at 60% load reads ~1.8 cells per hit, ~3.6 per miss, mostly in one cache line. */
const MAX_LOAD = 0.6;

export class WordTable {
  private cells: Int32Array;
  private mask: number;
  private count = 0;
  /** The words themselves, only to detect a hash collision while building; emptied by seal(). */
  private readonly words = new Map<number, string>();
  private sealed = false;

  constructor(capacityHint: number) {
    let size = 1;
    while (size * MAX_LOAD < capacityHint) size <<= 1;
    this.cells = new Int32Array(size * CELL);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes of the cells: what every probe's cache and TLB misses are spread over. */
  get bytes(): number {
    return this.cells.byteLength;
  }

  /**
   * Ends building: the collision check's copy of every word (~7 MiB of strings in a Map, held in each
   * policy worker's isolate) is dropped, and later adds are refused, since they could no longer be
   * checked. Probes and remove() need only the cells.
   */
  seal(): void {
    this.sealed = true;
    this.words.clear();
  }

  /** Adds `flags` to `word` (already lower case). */
  add(word: string, flags: number): void {
    if (this.sealed) throw new Error('word table: add after seal');
    if (word.length > MAX_WORD) throw new Error(`word table: '${word.slice(0, 16)}…' is longer than ${MAX_WORD}`);
    const [h1, h2] = hashes(word, 0, word.length);
    const at = this.find(h1, h2, word.length);
    if (at >= 0) {
      if (this.words.get(at) !== word) throw new Error(`word table: hash collision between '${this.words.get(at)}' and '${word}'`);
      this.cells[at + 2] = (this.cells[at + 2] as number) | (flags << 8);
      return;
    }
    if (this.count + 1 > MAX_LOAD * (this.mask + 1)) this.grow();
    const cell = this.place(h1, h2, (flags << 8) | word.length);
    this.words.set(cell, word);
    this.count++;
  }

  /** Clears `flags` of `word` when it is in the table. */
  remove(word: string, flags: number): void {
    const [h1, h2] = hashes(word, 0, word.length);
    const at = this.find(h1, h2, word.length);
    if (at >= 0) this.cells[at + 2] = (this.cells[at + 2] as number) & ~(flags << 8);
  }

  /** Flags of `text[start, end)` folded, or 0 when it is not in the table. */
  probe(text: string, start: number, end: number): number {
    // hashed inline rather than through hashes(): a probe allocates nothing
    let h1 = SEED1;
    let h2 = SEED2;
    for (let i = start; i < end; i++) {
      const c = fold(text.charCodeAt(i));
      h1 = hashStep1(h1, c);
      h2 = hashStep2(h2, c);
    }
    return this.probeHashed(h1, h2, end - start);
  }

  /** `probe` with the word's hashes computed by the caller (hashStep1/hashStep2 over its folded code units from the seeds). */
  probeHashed(h1: number, h2: number, len: number): number {
    if (len > MAX_WORD) return 0;
    const cells = this.cells;
    const mask = this.mask;
    let s = h1 & mask;
    for (;;) {
      const c = s * CELL;
      const x = cells[c + 2] as number;
      if (x === 0) return 0;
      if ((x & 255) === len && cells[c] === (h1 | 0) && cells[c + 1] === (h2 | 0)) return x >>> 8;
      s = (s + 1) & mask;
    }
  }

  /** Puts a word in its first free slot; `lengthAndFlags` is the third integer of its cell. */
  private place(h1: number, h2: number, lengthAndFlags: number): number {
    let s = h1 & this.mask;
    while ((this.cells[s * CELL + 2] as number) !== 0) s = (s + 1) & this.mask;
    const c = s * CELL;
    this.cells[c] = h1;
    this.cells[c + 1] = h2;
    this.cells[c + 2] = lengthAndFlags;
    return c;
  }

  private grow(): void {
    const old = this.cells;
    const oldWords = new Map(this.words);
    this.cells = new Int32Array(old.length * 2);
    this.mask = ((old.length * 2) / CELL) - 1;
    this.words.clear();
    for (let c = 0; c < old.length; c += CELL) {
      if ((old[c + 2] as number) === 0) continue;
      const cell = this.place(old[c] as number, old[c + 1] as number, old[c + 2] as number);
      this.words.set(cell, oldWords.get(c) as string);
    }
  }

  /** The cell index of a word, or -1. */
  private find(h1: number, h2: number, len: number): number {
    let s = h1 & this.mask;
    for (;;) {
      const c = s * CELL;
      const x = this.cells[c + 2] as number;
      if (x === 0) return -1;
      if ((x & 255) === len && this.cells[c] === h1 && this.cells[c + 1] === h2) return c;
      s = (s + 1) & this.mask;
    }
  }
}

export const SEED1 = 0x811c9dc5 | 0;
export const SEED2 = 0x2545f491 | 0;

/** FNV-1a step over a folded code unit. */
export function hashStep1(h: number, folded: number): number {
  return Math.imul(h ^ folded, 0x01000193);
}

/** A second, independent multiplicative step (MurmurHash2's constant). */
export function hashStep2(h: number, folded: number): number {
  const x = Math.imul(h + folded, 0x5bd1e995);
  return x ^ (x >>> 13);
}

function hashes(text: string, start: number, end: number): [number, number] {
  let h1 = SEED1;
  let h2 = SEED2;
  for (let i = start; i < end; i++) {
    const c = fold(text.charCodeAt(i));
    h1 = hashStep1(h1, c);
    h2 = hashStep2(h2, c);
  }
  return [h1 | 0, h2 | 0];
}

function addAll(table: WordTable, words: string, flags: number): void {
  for (const w of words.split(' ')) if (w.length > 0) table.add(w.normalize('NFC'), flags);
}

/** Names whose lower-case form SCOWL lists but which are first of all names. */
const NAMES_FIRST = 'maria lee jan dan pat kim li ali ana eva ada ivan omar amir sara adam noah';

function build(): WordTable {
  const groups = NAME_GROUPS as Record<string, string>;
  let n = 0;
  for (const k of Object.keys(groups)) n += (groups[k] as string).length / 7;
  const t = new WordTable(n + 4000);
  for (const [key, words] of Object.entries(groups)) {
    const flags = (key.includes('F') ? FIRST : 0) | (key.includes('L') ? LAST : 0) | (key.includes('C') ? COMMON : 0);
    addAll(t, words, flags);
  }
  addAll(t, TITLES, TITLE);
  addAll(t, GREETINGS, GREETING);
  addAll(t, SIGNOFFS, SIGNOFF);
  addAll(t, INTRODUCERS, INTRODUCER);
  addAll(t, PARTICLES, PARTICLE);
  addAll(t, LOCATIVES, LOCATIVE);
  addAll(t, PLACE_PREFIXES, PLACE_PREFIX);
  addAll(t, ORG_SUFFIXES, ORG_SUFFIX);
  addAll(t, CALENDAR, CALENDAR_WORD);
  addAll(t, PLACES, PLACE);
  addAll(t, NON_PERSONS, NON_PERSON);
  addAll(t, PERSON_KEYS, PERSON_KEY);
  addAll(t, PERSON_NAME_QUALIFIERS, NAME_QUALIFIER);
  addAll(t, NOT_NAMES_AFTER_CUES, NOT_AFTER_CUE);
  addAll(t, DETERMINERS, DETERMINER);
  addAll(t, FOREIGN_FUNCTION_WORDS, NOT_AFTER_CUE);
  addAll(t, NAME_SYLLABLES, SYLLABLE);
  addAll(t, ROMANISED_SURNAMES, LAST);
  addAll(t, COMMON_EXTRA, COMMON);
  for (const w of NAMES_FIRST.split(' ')) t.remove(w, COMMON);
  t.seal();
  return t;
}

/**
 * The romanised name syllables (NAME_SYLLABLES: a–z and ü, at most six letters) as small integers, for
 * splitting an unlisted capitalised word into syllables ("Zhiwei" = zhi + wei). Trying every prefix of
 * every such word in the big table cost a random memory access per prefix; this set is a few KiB and
 * answers the same as the table's SYLLABLE flag, which only NAME_SYLLABLES sets.
 */
export const MAX_SYLLABLE = 6;
/** Digit of a folded code unit in a syllable code (1–27), or 0 when no syllable has it. */
export function syllableDigit(folded: number): number {
  if (folded >= 97 && folded <= 122) return folded - 96;
  return folded === 0xfc ? 27 : 0;
}
let syllableCodes: Set<number> | undefined;
/** Whether the code (digits of syllableDigit, base 28, first letter most significant) is a syllable. */
export function isSyllableCode(code: number): boolean {
  if (syllableCodes === undefined) {
    syllableCodes = new Set();
    for (const w of NAME_SYLLABLES.split(' ')) {
      if (w.length === 0) continue;
      let code = 0;
      for (const ch of w.normalize('NFC')) {
        const d = syllableDigit(ch.charCodeAt(0));
        if (d === 0 || w.length > MAX_SYLLABLE) throw new Error(`name syllable '${w}': only a–z and ü, at most ${MAX_SYLLABLE} letters`);
        code = code * 28 + d;
      }
      syllableCodes.add(code);
    }
  }
  return syllableCodes.has(code);
}

let table: WordTable | undefined;

/** The table, built on first use (about 90,000 words). */
export function wordTable(): WordTable {
  table ??= build();
  return table;
}
