/**
 * The hash table of the words the PERSON detector knows, each with a set of flag bits (which words,
 * and where they come from: build-word-table.ts). A word of the scanned text is looked up with one
 * probe, hashed and compared in place on its code units with case folded, so a lookup allocates
 * nothing (open addressing, linear probing, FNV-1a). This module holds no words itself: a policy
 * worker imports it to adopt the main thread's table without loading the 1.2 MB name lexicon.
 */
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
 * sets the cost; three-integer cells at up to 60% load make it 3 MiB for the ~130,000 words (four
 * integers at 25% load were 8 MiB).
 */
/** Integers per cell: h1, h2, flags << 8 | length. */
const CELL = 3;
/** Words longer than this are never in the table (the length has 8 bits of the third integer). */
const MAX_WORD = 255;
/** Most words per slot: past it the table doubles. Linear probing at 60% load reads ~1.8 cells per hit, ~3.6 per miss, mostly in one cache line. */
const MAX_LOAD = 0.6;
/** Slots of the recent-probe cache (a power of two) and integers per slot. */
const RECENT_SLOTS = 2048;
const RECENT_MASK = RECENT_SLOTS - 1;
const RECENT_CELL = 4;

export class WordTable {
  /** On a SharedArrayBuffer, so policy workers adopt the main thread's table instead of building their own. */
  private cells: Int32Array;
  private mask: number;
  private count = 0;
  /** The words themselves, only to detect a hash collision while building; emptied by seal(). */
  private readonly words = new Map<number, string>();
  private sealed = false;
  /**
   * The answers of recent probes, direct-mapped by hash: h1, h2, length + 1 (0: empty), flags. A
   * probe of the cells lands on a random line of 3 MiB, past the core's cache once the other detectors
   * have run; text repeats its words (Zipf: in one pass over the 6,079 corpus texts, 68,708 words of
   * which 13,519 distinct, 73% of the probes find their word here), and these 32 KiB stay cached.
   * Each isolate keeps its own, so a shared table's cells are still only read.
   */
  private readonly recent = new Int32Array(RECENT_SLOTS * RECENT_CELL);

  constructor(capacityHint: number) {
    let size = 1;
    while (size * MAX_LOAD < capacityHint) size <<= 1;
    this.cells = sharedCells(size * CELL);
    this.mask = size - 1;
  }

  /**
   * A sealed table over cells another isolate built (share()): the probes read the same memory, so
   * a policy worker answers exactly the flags of the main thread's table without building one.
   */
  static adopt(shared: SharedWordTable): WordTable {
    const size = shared.cells.length / CELL;
    if (!(shared.cells.buffer instanceof SharedArrayBuffer) || size < 1 || (size & (size - 1)) !== 0) {
      throw new Error(`word table: adopt needs the cells of share() (a power of two of ${CELL}-integer cells, shared)`);
    }
    const t = new WordTable(0);
    t.cells = shared.cells;
    t.mask = size - 1;
    t.count = shared.count;
    t.sealed = true;
    return t;
  }

  /** The sealed table's cells, to hand to workers (workerData shares the buffer, it is not copied). */
  share(): SharedWordTable {
    if (!this.sealed) throw new Error('word table: share before seal');
    return { cells: this.cells, count: this.count };
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
   * checked, nor removes, since the cells may then be shared with other isolates. Probes need only the cells.
   */
  seal(): void {
    this.sealed = true;
    this.words.clear();
  }

  /** Adds `flags` to `word` (already lower case). */
  add(word: string, flags: number): void {
    if (this.sealed) throw new Error('word table: add after seal');
    if (word.length > MAX_WORD) throw new Error(`word table: '${word.slice(0, 16)}…' is longer than ${MAX_WORD}`);
    hashInto(word, 0, word.length);
    const h1 = HASHED[0] as number;
    const h2 = HASHED[1] as number;
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

  /** Clears `flags` of `word` when it is in the table (while building: after seal() the cells may be shared). */
  remove(word: string, flags: number): void {
    if (this.sealed) throw new Error('word table: remove after seal');
    hashInto(word, 0, word.length);
    const h1 = HASHED[0] as number;
    const h2 = HASHED[1] as number;
    const at = this.find(h1, h2, word.length);
    if (at >= 0) this.cells[at + 2] = (this.cells[at + 2] as number) & ~(flags << 8);
  }

  /** Flags of `text[start, end)` folded, or 0 when it is not in the table. */
  probe(text: string, start: number, end: number): number {
    hashInto(text, start, end);
    return this.probeHashed(HASHED[0] as number, HASHED[1] as number, end - start);
  }

  /** `probe` with the word's hashes computed by the caller (hashStep1/hashStep2 over its folded code units from the seeds). */
  probeHashed(h1: number, h2: number, len: number): number {
    if (len > MAX_WORD) return 0;
    // only a sealed table's answers are final: before, an add may change them
    if (!this.sealed) return this.probeCells(h1, h2, len);
    const recent = this.recent;
    const r = ((h1 ^ (h2 >>> 7)) & RECENT_MASK) * RECENT_CELL;
    if (recent[r] === (h1 | 0) && recent[r + 1] === (h2 | 0) && recent[r + 2] === len + 1) return recent[r + 3] as number;
    const flags = this.probeCells(h1, h2, len);
    recent[r] = h1;
    recent[r + 1] = h2;
    recent[r + 2] = len + 1;
    recent[r + 3] = flags;
    return flags;
  }

  /** The cells' answer for a word's hashes and length. */
  private probeCells(h1: number, h2: number, len: number): number {
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
    this.cells = sharedCells(old.length * 2);
    this.mask = (old.length * 2) / CELL - 1;
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

/** A sealed table's memory as share() hands it out and adopt() takes it. */
export interface SharedWordTable {
  cells: Int32Array;
  count: number;
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

/** Zeroed cells on a SharedArrayBuffer (a probe reads them as fast as an ordinary Int32Array's). */
function sharedCells(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

/** h1 and h2 of the last hashInto: written in place, so hashing a word allocates nothing. */
const HASHED = new Int32Array(2);

/** Both hashes of `text[start, end)` folded, into HASHED. */
function hashInto(text: string, start: number, end: number): void {
  let h1 = SEED1;
  let h2 = SEED2;
  for (let i = start; i < end; i++) {
    const c = fold(text.charCodeAt(i));
    h1 = hashStep1(h1, c);
    h2 = hashStep2(h2, c);
  }
  HASHED[0] = h1;
  HASHED[1] = h2;
}
