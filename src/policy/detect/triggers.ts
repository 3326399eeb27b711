/**
 * The shared trigger pass (issue §6: "as few passes over each string as possible, with cheap
 * prefilters"). One loop over the UTF-16 code units of a string counts what the built-in detectors'
 * prefilters ask about (an '@', digit runs long enough for a card or a phone number, separators,
 * a base64 run, MAC and IPv6 separators, IBAN starts), so each detector decides whether to run from a
 * few integers instead of scanning the string again. Character classes come from one 128-entry
 * table, so each code unit costs a load and a few bit tests. Vendor key prefixes are found in the
 * same pass through a PrefixIndex built once per scanner: each pair of adjacent characters, with the
 * character after it, is tested against a bit set of the triples that start a prefix, and whole
 * prefixes are compared only where one does. The same lookups find
 * the detectors' keywords (secret key names, vendor names) in any case, which would otherwise cost a
 * case-insensitive regex over every text.
 */

export interface Triggers {
  /** Longest digit run in which single spaces or dashes may separate digits (cards, SSNs). */
  tightDigits: number;
  /** Longest digit run with up to three of ` ()-.+` or NBSP between digits (phone numbers). */
  looseDigits: number;
  at: number;
  colon: number;
  equals: number;
  dot: number;
  dash: number;
  /** Longest run of the base64 alphabet [A-Za-z0-9+/]. */
  base64Run: number;
  /** ':' or '-' right after exactly two hex digits, as between the octets of a MAC address. */
  octetSeparators: number;
  /** '.' right after exactly four hex digits, as between the groups of a Cisco-style MAC address. */
  quadDots: number;
  /** ':' with a hex digit or ':' on both sides, as inside every IPv6 address with two groups (`::1` too). */
  hexColons: number;
  /** Two letters and two digits not inside a longer alphanumeric run before them, as an IBAN starts (`DE89`). */
  letterDigitStarts: number;
  /** `::`, as in every compressed IPv6 address. */
  doubleColons: number;
  /** `://`, as after a URI scheme. */
  schemeSeparators: number;
  /** Some literal prefix of the PrefixIndex passed to computeTriggers occurs (its owners are marked). */
  prefixFound: boolean;
}

const DIGIT = 1;
const HEX_LETTER = 2;
/** [A-Za-z+/]: the base64 alphabet other than digits. */
const B64 = 4;
const TIGHT_SEP = 8;
const LOOSE_SEP = 16;
const LETTER = 32;

const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = B64 | LETTER | (c <= 70 ? HEX_LETTER : 0);
for (let c = 97; c <= 122; c++) CLASS[c] = B64 | LETTER | (c <= 102 ? HEX_LETTER : 0);
CLASS[43] = B64 | LOOSE_SEP; // +
CLASS[47] = B64; // /
CLASS[32] = TIGHT_SEP | LOOSE_SEP; // space
CLASS[45] = TIGHT_SEP | LOOSE_SEP; // -
CLASS[40] = LOOSE_SEP; // (
CLASS[41] = LOOSE_SEP; // )
CLASS[46] = LOOSE_SEP; // .

function classOf(c: number): number {
  if (c < 128) return CLASS[c] as number;
  return c === 0xa0 ? LOOSE_SEP : 0;
}

function isHexOrColon(c: number): boolean {
  return c === 58 || (c < 128 && ((CLASS[c] as number) & (DIGIT | HEX_LETTER)) !== 0);
}

/**
 * One pass over `text`. With `prefixes` and `hits`, the same pass also marks in `hits` each owner of
 * the index whose literal prefix occurs (see PrefixIndex.mark), so vendor prefixes cost no pass of
 * their own. Letters, the most common code units, take a short path that touches no separator state.
 * With `into`, the counts are written there and it is returned (a scanner reuses one object for all
 * its scans instead of allocating one per string).
 */
export function computeTriggers(text: string, prefixes?: PrefixIndex, hits?: Uint8Array, into?: Triggers): Triggers {
  const index = prefixes !== undefined && hits !== undefined && !prefixes.empty ? prefixes : undefined;
  const triples = index?.triples;
  let prefixFound = false;
  // the last three code units, 7 bits each, a non-ASCII one as 0 (no prefix starts with NUL, see
  // PrefixIndex): the pair a prefix is filed under and the code unit after it
  let tri = 0;
  let tight = 0;
  let tightBest = 0;
  let tightGap = 0;
  let loose = 0;
  let looseBest = 0;
  let looseGap = 0;
  let at = 0;
  let colon = 0;
  let equals = 0;
  let dot = 0;
  let dash = 0;
  let b64 = 0;
  let b64Best = 0;
  let hex = 0;
  let octetSeparators = 0;
  let quadDots = 0;
  let hexColons = 0;
  let letters = 0;
  let digits = 0;
  let lettersBeforeDigits = 0;
  let letterDigitStarts = 0;
  let schemeSeparators = 0;
  let doubleColons = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      // a pair before a non-ASCII code unit starts only an `open` bucket's prefixes
      if (index !== undefined && (index.markBefore(text, i, tri & PAIR_MASK, c, hits as Uint8Array) & PREFIX_HIT) !== 0) prefixFound = true;
      tri = 0;
      // non-ASCII: no class bit, except NBSP, a loose (phone) separator; ends every run
      digits = 0;
      letters = 0;
      tightGap = 2;
      looseGap = c === 0xa0 || c === 0x2009 || c === 0x202f ? looseGap + 1 : 4; // NBSP, thin spaces
      hex = 0;
      if (b64 > b64Best) b64Best = b64;
      b64 = 0;
      continue;
    }
    tri = ((tri << 7) | c) & TRIPLE_MASK;
    // the pair before c and c itself: one bit test dismisses nearly every position (see PrefixIndex.triples)
    if (triples !== undefined) {
      const h = tripleHash(tri);
      if (((triples[h >>> 5] as number) & (1 << (h & 31))) !== 0 && ((index as PrefixIndex).markBefore(text, i, tri >>> 7, c, hits as Uint8Array) & PREFIX_HIT) !== 0) prefixFound = true;
    }
    const k = CLASS[c] as number;
    if ((k & LETTER) !== 0) {
      hex = (hex + 1) * ((k & HEX_LETTER) >> 1); // +1 on a-f/A-F, else 0, without a branch
      tightGap = 2;
      looseGap = 4;
      digits = 0;
      b64++;
      letters++;
      continue;
    }
    if ((k & DIGIT) !== 0) {
      hex++;
      tight = tightGap <= 1 ? tight + 1 : 1;
      tightGap = 0;
      loose = looseGap <= 3 ? loose + 1 : 1;
      looseGap = 0;
      if (tight > tightBest) tightBest = tight;
      if (loose > looseBest) looseBest = loose;
      b64++;
      if (digits === 0) lettersBeforeDigits = letters;
      digits++;
      letters = 0;
      // exactly two letters before the digits, and no digit before the letters
      if (digits === 2 && lettersBeforeDigits === 2 && (i < 4 || ((CLASS[text.charCodeAt(i - 4)] ?? 0) & DIGIT) === 0)) {
        letterDigitStarts++;
      }
      continue;
    }
    if (c === 32) {
      // a space, the next most common: a separator inside card, SSN and phone digit runs
      digits = 0;
      letters = 0;
      tightGap++;
      looseGap++;
      hex = 0;
      if (b64 > b64Best) b64Best = b64;
      b64 = 0;
      continue;
    }
    // punctuation, control: extend the separator gaps or end the digit runs
    digits = 0;
    letters = 0;
    tightGap = (k & TIGHT_SEP) !== 0 ? tightGap + 1 : 2;
    looseGap = (k & LOOSE_SEP) !== 0 ? looseGap + 1 : 4;
    if (hex === 2 && (c === 58 || c === 45)) octetSeparators++;
    else if (hex === 4 && c === 46) quadDots++;
    hex = 0;
    if ((k & B64) !== 0) {
      b64++; // '+' and '/'
      continue;
    }
    if (b64 > b64Best) b64Best = b64;
    b64 = 0;
    if (c === 64) at++;
    else if (c === 58) {
      colon++;
      if (i > 0 && isHexOrColon(text.charCodeAt(i - 1)) && i + 1 < n && isHexOrColon(text.charCodeAt(i + 1))) hexColons++;
      const next = text.charCodeAt(i + 1);
      if (next === 58) doubleColons++;
      else if (next === 47 && text.charCodeAt(i + 2) === 47) schemeSeparators++;
    } else if (c === 61) equals++;
    else if (c === 46) dot++;
    else if (c === 45) dash++;
  }
  if (b64 > b64Best) b64Best = b64;
  if (index !== undefined) {
    // the last pair, with nothing after it
    if ((index.markBefore(text, n, tri & PAIR_MASK, Number.NaN, hits as Uint8Array) & PREFIX_HIT) !== 0) prefixFound = true;
    if ((index.markLoose(text, hits as Uint8Array) & PREFIX_HIT) !== 0) prefixFound = true;
  }
  if (into !== undefined) {
    into.tightDigits = tightBest;
    into.looseDigits = looseBest;
    into.at = at;
    into.colon = colon;
    into.equals = equals;
    into.dot = dot;
    into.dash = dash;
    into.base64Run = b64Best;
    into.octetSeparators = octetSeparators;
    into.quadDots = quadDots;
    into.hexColons = hexColons;
    into.letterDigitStarts = letterDigitStarts;
    into.doubleColons = doubleColons;
    into.schemeSeparators = schemeSeparators;
    into.prefixFound = prefixFound;
    return into;
  }
  return {
    tightDigits: tightBest,
    looseDigits: looseBest,
    at,
    colon,
    equals,
    dot,
    dash,
    base64Run: b64Best,
    octetSeparators,
    quadDots,
    hexColons,
    letterDigitStarts,
    doubleColons,
    schemeSeparators,
    prefixFound,
  };
}

/** Three 7-bit code units, as the trigger pass keeps the last three ASCII ones; two of them, a pair. */
const TRIPLE_MASK = (1 << 21) - 1;
const PAIR_MASK = (1 << 14) - 1;
/** Bits of PrefixIndex.triples: 2^16 (8 KiB, beside the pair table's 32 KiB in the core's cache). */
const TRIPLE_BITS = 16;

/** Where a triple (a << 14 | b << 7 | c) falls in PrefixIndex.triples (Fibonacci hashing). */
function tripleHash(tri: number): number {
  return Math.imul(tri, 0x9e3779b1) >>> (32 - TRIPLE_BITS);
}

/** Set in `hits[owner]` when one of the owner's literal prefixes occurs. */
export const PREFIX_HIT = 1;
/** Set in `hits[owner]` when one of the owner's keywords occurs, in any case. */
export const KEYWORD_HIT = 2;

interface PrefixEntry {
  prefix: string;
  owners: readonly number[];
  /** PREFIX_HIT (compared exactly) or KEYWORD_HIT (compared in either case, see caseFold). */
  bit: number;
  /** For a keyword, each code unit's other case (or itself). */
  other: string;
  /** Where in the entry the pair it is filed under starts (a keyword may start with a non-ASCII pair). */
  offset: number;
  /** The code unit after that pair in `prefix` and in `other`; NaN when the entry ends with the pair. */
  third: number;
  otherThird: number;
}

/**
 * The code unit a case-insensitive (non-Unicode /i) regex treats as the same as `ch`, when there is
 * one: its upper case when that is one code unit and does not cross from outside ASCII into it
 * (ECMAScript's Canonicalize), else its lower case. `ſ`, `ı` and the Kelvin sign have none.
 */
export function caseFold(ch: string): string {
  const upper = ch.toUpperCase();
  if (upper !== ch) return upper.length === 1 && !(ch.charCodeAt(0) >= 128 && upper.charCodeAt(0) < 128) ? upper : ch;
  const lower = ch.toLowerCase();
  return lower.length === 1 && lower.toUpperCase() === ch && !(ch.charCodeAt(0) < 128 && lower.charCodeAt(0) >= 128) ? lower : ch;
}

/**
 * Which owners (detectors) have one of their literal prefixes, or one of their keywords in any case,
 * in a text. Every prefix of two or more ASCII characters is filed under its first two characters in a
 * 128×128 table; a prefix that does not fit (one character, non-ASCII) is searched with indexOf. A
 * keyword is filed under its first pair of ASCII code units, once per spelling of that pair in either
 * case, and compared in either case where the pair occurs; so a detector that needs a word (a secret
 * key name, a vendor name) learns whether the text has one from the same lookups, not from a regex of
 * its own over the text.
 */
export class PrefixIndex {
  /** First two characters of a prefix (a * 128 + b) → 1 + the bucket of prefixes that start so; 0 for none. */
  readonly table = new Uint16Array(128 * 128);
  private readonly buckets: PrefixEntry[][] = [];
  /**
   * Per bucket, a 128-bit set of the characters that follow its pair in some prefix, so common pairs
   * ("wh", "do", "nt") are dismissed by one bit test; `open` buckets (a prefix is the pair alone or
   * goes on with a non-ASCII character) are always compared.
   */
  private third = new Uint32Array(0);
  private open = new Uint8Array(0);
  /**
   * A bit per hashed triple (a pair of the table, then an ASCII code unit `mayStartAt` accepts), so
   * the trigger pass dismisses a position with one bit test: a pair lookup alone passes on every
   * seventh code unit of prose (keywords start with common pairs), the triples on few more than the
   * positions whose entries are compared. A collision only costs the exact test.
   */
  readonly triples = new Uint32Array((1 << TRIPLE_BITS) >>> 5);
  private readonly loose: PrefixEntry[] = [];
  readonly empty: boolean;

  constructor(ownerPrefixes: readonly (readonly string[] | undefined)[], ownerKeywords: readonly (readonly string[] | undefined)[] = []) {
    const byEntry = new Map<string, PrefixEntry>();
    const add = (owner: number, prefix: string, bit: number): void => {
      if (prefix.length === 0) return;
      const key = `${bit}:${prefix}`;
      const e = byEntry.get(key);
      if (e === undefined) byEntry.set(key, { prefix, owners: [owner], bit, other: prefix, offset: 0, third: Number.NaN, otherThird: Number.NaN });
      else if (!e.owners.includes(owner)) (e.owners as number[]).push(owner);
    };
    ownerPrefixes.forEach((prefixes, owner) => {
      for (const p of prefixes ?? []) add(owner, p, PREFIX_HIT);
    });
    ownerKeywords.forEach((words, owner) => {
      for (const w of words ?? []) add(owner, w, KEYWORD_HIT);
    });
    for (const e of byEntry.values()) {
      if (e.bit === PREFIX_HIT) {
        this.fileLiteral(e);
        continue;
      }
      e.other = [...e.prefix].map(caseFold).join('');
      if (e.other.length !== e.prefix.length) throw new Error(`keyword ${e.prefix}: a character's other case is longer`);
      let o = 0;
      while (o + 1 < e.prefix.length && !(e.prefix.charCodeAt(o) < 128 && e.prefix.charCodeAt(o + 1) < 128 && e.prefix.charCodeAt(o) !== 0)) o++;
      if (o + 1 >= e.prefix.length) throw new Error(`keyword ${e.prefix}: no two adjacent ASCII characters to file it under`);
      e.offset = o;
      for (const a of new Set([e.prefix[o], e.other[o]])) {
        for (const b of new Set([e.prefix[o + 1], e.other[o + 1]])) this.fileUnder((a as string).charCodeAt(0), (b as string).charCodeAt(0), e);
      }
    }
    this.empty = byEntry.size === 0;
    this.third = new Uint32Array(this.buckets.length * 4);
    this.open = new Uint8Array(this.buckets.length);
    const follow = (b: number, t: number): void => {
      if (Number.isNaN(t) || t >= 128) this.open[b] = 1;
      else this.third[b * 4 + (t >> 5)] = (this.third[b * 4 + (t >> 5)] as number) | (1 << (t & 31));
    };
    this.buckets.forEach((bucket, b) => {
      for (const e of bucket) {
        e.third = e.prefix.charCodeAt(e.offset + 2);
        e.otherThird = e.other.charCodeAt(e.offset + 2);
        follow(b, e.third);
        follow(b, e.otherThird);
      }
    });
    this.table.forEach((slot, pair) => {
      if (slot === 0) return;
      for (let c = 0; c < 128; c++) {
        if (!this.mayStartAt(slot, c)) continue;
        const h = tripleHash((pair << 7) | c);
        this.triples[h >>> 5] = (this.triples[h >>> 5] as number) | (1 << (h & 31));
      }
    });
  }

  private fileLiteral(e: PrefixEntry): void {
    const a = e.prefix.charCodeAt(0);
    const b = e.prefix.charCodeAt(1);
    if (e.prefix.length < 2 || a === 0 || a >= 128 || b >= 128) this.loose.push(e);
    else this.fileUnder(a, b, e);
  }

  private fileUnder(a: number, b: number, e: PrefixEntry): void {
    const key = a * 128 + b;
    let slot = this.table[key] as number;
    if (slot === 0) {
      this.buckets.push([]);
      slot = this.buckets.length;
      this.table[key] = slot;
    }
    this.buckets[slot - 1]?.push(e);
  }

  /** Whether a prefix filed under `slot` may continue with `next` (the code unit after the pair). */
  mayStartAt(slot: number, next: number): boolean {
    if (this.open[slot - 1] === 1) return true;
    if (!(next < 128)) return false; // non-ASCII, or NaN past the end
    return ((this.third[(slot - 1) * 4 + (next >> 5)] as number) & (1 << (next & 31))) !== 0;
  }

  /**
   * Sets PREFIX_HIT in `hits[owner]` for each owner with a prefix in `text`, KEYWORD_HIT for each with
   * a keyword; returns the bits set.
   */
  mark(text: string, hits: Uint8Array): number {
    let found = 0;
    const n = text.length - 1;
    let a = n >= 0 ? text.charCodeAt(0) : 0;
    for (let i = 0; i < n; i++) {
      const b = text.charCodeAt(i + 1);
      if ((a | b) < 128) {
        const slot = this.table[a * 128 + b] as number;
        if (slot !== 0 && this.mayStartAt(slot, text.charCodeAt(i + 2))) found |= this.markAt(text, i, slot, hits);
      }
      a = b;
    }
    return found | this.markLoose(text, hits);
  }

  /**
   * Compares the entries filed under `pair` (a << 7 | b, the code units at i - 2 and i - 1) with the
   * text there when one may continue with `next` (text[i], NaN past the end); returns the bits set.
   */
  markBefore(text: string, i: number, pair: number, next: number, hits: Uint8Array): number {
    const slot = this.table[pair] as number;
    return slot !== 0 && this.mayStartAt(slot, next) ? this.markAt(text, i - 2, slot, hits) : 0;
  }

  /**
   * Compares the entries filed under `slot` (the pair at `i`) with the text there; returns the bits set.
   * An entry whose code unit after the pair is not the text's is passed over without a comparison (a
   * bucket holds a keyword in up to four spellings of its pair, and several words start alike).
   */
  markAt(text: string, i: number, slot: number, hits: Uint8Array): number {
    let found = 0;
    const next = text.charCodeAt(i + 2);
    for (const e of this.buckets[slot - 1] as PrefixEntry[]) {
      if (next !== e.third && next !== e.otherThird && !Number.isNaN(e.third)) continue;
      if (e.bit === PREFIX_HIT ? text.startsWith(e.prefix, i) : foldedAt(text, i - e.offset, e)) {
        for (const o of e.owners) hits[o] = (hits[o] as number) | e.bit;
        found |= e.bit;
      }
    }
    return found;
  }

  /** The prefixes too short or too wide for the pair table, searched with indexOf. */
  markLoose(text: string, hits: Uint8Array): number {
    let found = 0;
    for (const e of this.loose) {
      if (text.includes(e.prefix)) {
        for (const o of e.owners) hits[o] = (hits[o] as number) | e.bit;
        found |= e.bit;
      }
    }
    return found;
  }
}

/** Keyword `e` at `start` of `text`, each code unit in either case. */
function foldedAt(text: string, start: number, e: PrefixEntry): boolean {
  const { prefix, other } = e;
  if (start < 0 || start + prefix.length > text.length) return false;
  for (let k = 0; k < prefix.length; k++) {
    const c = text.charCodeAt(start + k);
    if (c !== prefix.charCodeAt(k) && c !== other.charCodeAt(k)) return false;
  }
  return true;
}
