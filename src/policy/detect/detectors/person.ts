/**
 * PERSON. People's names, found deterministically from the words of the text and what surrounds them;
 * no model. One pass splits the text into words (any script) and looks each up once in the word table
 * (lexicon/lexicon.ts: ~90,000 first names and surnames of many cultures, plus cue words and
 * look-alikes). Then:
 *
 * 1. Runs of capitalised words ("Maria Garcia", "Ludwig van Beethoven", "J. R. Okafor") are names
 *    when one word is an unambiguous first name or surname, or two ambiguous ones pair as first name
 *    and surname ("Grace Hopper"). A single word is a name when it is an unambiguous name-list word;
 *    an ambiguous one (Grace, Mark, Bill are also English words; Austin, Florence are places) only in
 *    running prose, never after "in"/"to"/"from" for places, and never at a sentence start.
 * 2. Cues make any capitalised word a name: titles (Dr., Mrs, Herr), greetings ("Hi Chidi,"),
 *    sign-offs ("Best regards,\nAmara"), introductions ("my name is", "I'm", "this is"), e-mail display
 *    names (`Ngozi Eze <ngozi@…>`), name-valued keys in JSON/YAML/XML/logs/CSV (`"author": "…"`,
 *    `customer=…`, `Signed-off-by:`), `TODO(user)` and home directories (/home/user, C:\Users\user).
 * 3. Lower-case and ALL-CAPS words are names only when the lexicon pairs them (first name + surname)
 *    or a cue precedes them.
 * 4. A word already found as part of a name is a name everywhere else in the same text.
 * 5. Han, Kana and Hangul runs (no spaces between words) are split into surname + given name by the
 *    lexicon at the start of a run, after a cue ("我叫", "私は") or before an honorific (先生, さん, 씨).
 *
 * Never a person: AI models, products, companies, places, weekdays and months (words.ts), and the
 * words of the span's own `gen_ai.request.model` / `gen_ai.system` (ScanHints.allow).
 */
import type { Finding, ScanHints } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';
import { isKeyCharCode } from '../text.js';
import {
  AMBIGUOUS,
  CALENDAR_WORD,
  COMMON,
  DETERMINER,
  FIRST,
  GREETING,
  INTRODUCER,
  LAST,
  LOCATIVE,
  NAME,
  NAME_QUALIFIER,
  NON_PERSON,
  NOT_AFTER_CUE,
  ORG_SUFFIX,
  PARTICLE,
  PERSON_KEY,
  PLACE,
  PLACE_PREFIX,
  SIGNOFF,
  SYLLABLE,
  TITLE,
  SEED1,
  SEED2,
  fold,
  hashStep1,
  hashStep2,
  isUpper,
  MAX_SYLLABLE,
  SYLLABLE_CODE,
  SYLLABLE_PREFIX,
  syllableCode,
  syllableDigit,
  wordTable,
  type WordTable,
} from '../lexicon/lexicon.js';

/** Word shapes. */
const CAP = 1; // Maria, McDonald, O'Brien
const UPPER = 2; // MARIA
const LOWER = 3; // maria, iPhone
const NOCASE = 4; // scripts without case: Arabic, Hebrew, Devanagari, Thai …
const CJK = 5; // a run of Han, Kana or Hangul

const MAX_CHAIN = 5;

/** Letters of the scripts names are written in; combining marks count as letters. */
function letterKind(c: number): number {
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba ? 1 : 0;
  if (c <= 0x24f) return c === 0xd7 || c === 0xf7 ? 0 : 1; // Latin-1, Latin Extended-A/B
  if (c >= 0x250 && c <= 0x2af) return 1; // IPA (ɔ, ɛ in West African names)
  if (c >= 0x300 && c <= 0x36f) return 1; // combining diacritics
  if (c >= 0x370 && c <= 0x58f) return c === 0x37e || c === 0x387 ? 0 : 1; // Greek, Cyrillic, Armenian
  if (c >= 0x5d0 && c <= 0x5f2) return 2; // Hebrew
  if (c >= 0x5b0 && c <= 0x5c7) return 2; // Hebrew points
  if (c >= 0x620 && c <= 0x6ff) return (c >= 0x660 && c <= 0x669) || (c >= 0x6f0 && c <= 0x6f9) || c === 0x6d4 ? 0 : 2; // Arabic
  if (c >= 0x900 && c <= 0xdff) return (c & 0x7f) >= 0x66 && (c & 0x7f) <= 0x6f ? 0 : c === 0x964 || c === 0x965 ? 0 : 2; // Indic
  if (c >= 0xe00 && c <= 0xe7f) return c >= 0xe50 && c <= 0xe59 ? 0 : 2; // Thai
  if (c >= 0x10a0 && c <= 0x10ff) return 2; // Georgian
  if (c >= 0x1200 && c <= 0x137f) return 2; // Ethiopic
  if (c >= 0x1e00 && c <= 0x1eff) return 1; // Latin Extended Additional (Vietnamese)
  if (c >= 0x3040 && c <= 0x30ff) return c === 0x30fb || c === 0x30a0 ? 0 : 3; // Hiragana, Katakana
  if (c >= 0x3400 && c <= 0x9fff) return 3; // Han
  if (c >= 0xac00 && c <= 0xd7a3) return 3; // Hangul syllables
  return 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Reused token buffers (scan is synchronous and not re-entrant). */
let cap = 256;
let tS = new Int32Array(cap);
let tE = new Int32Array(cap);
let tF = new Int32Array(cap);
let tShape = new Uint8Array(cap);
let tUsed = new Uint8Array(cap);

function ensure(n: number): void {
  if (n < cap) return;
  while (cap <= n) cap *= 2;
  const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
    const b = make(cap);
    b.set(a);
    return b;
  };
  tS = grow(tS, (n) => new Int32Array(n));
  tE = grow(tE, (n) => new Int32Array(n));
  tF = grow(tF, (n) => new Int32Array(n));
  tShape = grow(tShape, (n) => new Uint8Array(n));
  tUsed = grow(tUsed, (n) => new Uint8Array(n));
}

/** How many CJK runs the last tokenize found: findCjk has nothing to read without one. */
let cjkTokens = 0;

/** ASCII classes: 1 lower-case letter, 2 upper-case letter. */
const ASCII = new Uint8Array(128);
for (let c = 97; c <= 122; c++) ASCII[c] = 1;
for (let c = 65; c <= 90; c++) ASCII[c] = 2;

/**
 * Splits `text` into words and probes each once, hashing its folded code units on the way (so a word
 * is read once); returns the count. ASCII letters take a table lookup, other code units letterKind.
 */
function tokenize(text: string, table: WordTable): number {
  let n = 0;
  cjkTokens = 0;
  const len = text.length;
  let i = 0;
  while (i < len) {
    let c = text.charCodeAt(i);
    let kind: number;
    if (c < 128) {
      if (ASCII[c] === 0) {
        i++;
        continue;
      }
      kind = 1;
    } else {
      kind = letterKind(c);
      if (kind === 0) {
        i++;
        continue;
      }
    }
    const start = i;
    let lower = 0;
    let hyphen = false;
    const firstUpper = c < 128 ? ASCII[c] === 2 : isUpper(c);
    let h1 = SEED1;
    let h2 = SEED2;
    if (kind === 3) {
      i++;
      while (i < len && letterKind(text.charCodeAt(i)) === 3) i++;
    } else {
      for (;;) {
        // letters: ASCII inline, others through letterKind and the fold table
        while (i < len) {
          c = text.charCodeAt(i);
          if (c < 128) {
            const a = ASCII[c] as number;
            if (a === 0) break;
            lower += a & 1; // 1 for a lower-case letter, without a branch
            h1 = hashStep1(h1, c | 32);
            h2 = hashStep2(h2, c | 32);
          } else {
            const k = letterKind(c);
            if (k === 0 || k === 3) break;
            const f = fold(c);
            if (f === c && k === 1) lower++;
            h1 = hashStep1(h1, f);
            h2 = hashStep2(h2, f);
          }
          i++;
        }
        // most words end at a space or punctuation that joins nothing
        if (c !== 39 && c !== 0x2019 && c !== 45) break;
        // a possessive ending is not part of the word: "Acme Bank's" is Acme Bank, "Priya’s" Priya
        if ((c === 39 || c === 0x2019) && i + 1 < len && (text.charCodeAt(i + 1) | 32) === 115 && (i + 2 >= len || letterKind(text.charCodeAt(i + 2)) === 0)) break;
        // inner apostrophe or hyphen between letters: O'Brien, Jean-Luc, Al-Hassan
        if (i + 1 < len) {
          const k = letterKind(text.charCodeAt(i + 1));
          if (k === 1 || k === 2) {
            const j = c === 0x2019 ? 39 : c;
            h1 = hashStep1(h1, j);
            h2 = hashStep2(h2, j);
            if (c === 45) hyphen = true;
            i++;
            continue;
          }
        }
        break;
      }
    }
    if (n >= cap) ensure(n);
    tS[n] = start;
    tE[n] = i;
    if (kind === 3) {
      tShape[n] = CJK;
      tF[n] = 0;
      cjkTokens++;
    } else {
      tShape[n] = kind === 2 ? NOCASE : firstUpper ? (lower === 0 && i - start > 1 ? UPPER : CAP) : lower > 0 ? LOWER : NOCASE;
      let f = table.probeHashed(h1, h2, i - start);
      // a hyphenated word not listed whole ("Jean-Pierre", "Kim Min-jun") takes its parts' name flags
      if (f === 0 && hyphen) f = hyphenFlags(text, start, i, table);
      else if (f === 0 && kind === 2 && i - start > 4 && text.charCodeAt(start) === 0x627 && text.charCodeAt(start + 1) === 0x644) f = table.probe(text, start + 2, i) & NAME; // ال + name
      else if (f === 0 && firstUpper && lower > 0 && syllableName(text, start, i)) f = FIRST | SYLLABLE;
      tF[n] = f;
    }
    n++;
    // c is text[i] here whenever i < len (the letter loop stopped on it)
    if (kind !== 3 && i + 1 < len && (c === 39 || c === 0x2019) && (text.charCodeAt(i + 1) | 32) === 115) i += 2;
  }
  tUsed.fill(0, 0, n);
  return n;
}

function hyphenFlags(text: string, start: number, end: number, table: WordTable): number {
  let from = start;
  let flags = 0;
  let syllables = 0;
  for (let i = start; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === 45) {
      if (i - from < 1) return 0;
      const f = table.probe(text, from, i);
      if ((f & NAME) !== 0) flags |= f & NAME;
      else if ((f & SYLLABLE) !== 0) syllables++;
      else return 0;
      from = i + 1;
    }
  }
  // "Min-jun", "Ji-hoon": romanised Korean given names; "Jean-Pierre", "Al-Hassan": listed parts
  return syllables > 0 ? FIRST | SYLLABLE : flags;
}

/** An unlisted capitalised word made wholly of two or three romanised name syllables ("Zhiwei", "Seoyeon"). */
function syllableName(text: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < 4 || len > 12) return false;
  return splitSyllables(text, start, end, 0);
}

/**
 * Whether text[from, end) splits into syllables, at most three parts in all, at least two; longer
 * syllables are tried first. The prefixes of `from` are coded in one pass (syllableCode), only while
 * they begin a syllable.
 */
function splitSyllables(text: string, from: number, end: number, parts: number): boolean {
  if (from === end) return parts >= 2;
  if (parts === 3) return false;
  // bit l: text[from, from + l) is a syllable
  let lengths = 0;
  let code = 0;
  const last = Math.min(MAX_SYLLABLE, end - from);
  for (let l = 1; l <= last; l++) {
    const d = syllableDigit(fold(text.charCodeAt(from + l - 1)));
    if (d === 0) break;
    code = code * 28 + d;
    const kind = syllableCode(code);
    if ((kind & SYLLABLE_CODE) !== 0) lengths |= 1 << l;
    if ((kind & SYLLABLE_PREFIX) === 0) break; // no syllable starts with these letters and goes on
  }
  for (let l = last; l >= 1; l--) {
    if ((lengths & (1 << l)) !== 0 && splitSyllables(text, from + l, end, parts + 1)) return true;
  }
  return false;
}

/**
 * A word glued to code or data is not a name: next to digits, '_', '@', path separators, or inside a
 * dotted identifier (`com.acme.Maria`, `maria.garcia@…`).
 */
function isolated(text: string, s: number, e: number): boolean {
  const p = s > 0 ? text.charCodeAt(s - 1) : 32;
  if (isDigit(p) || p === 95 || p === 64 || p === 47 || p === 92 || p === 36 || p === 35 || p === 37) return false;
  if (p === 46 && s > 1 && letterKind(text.charCodeAt(s - 2)) !== 0) return false;
  if (p === 45 && s > 1 && isDigit(text.charCodeAt(s - 2))) return false;
  const n = text.charCodeAt(e);
  if (e >= text.length) return true;
  if (isDigit(n) || n === 95 || n === 64 || n === 47 || n === 92 || n === 40) return false;
  if ((n === 46 || n === 45) && e + 1 < text.length) {
    const nn = text.charCodeAt(e + 1);
    if (letterKind(nn) !== 0 || isDigit(nn)) return false;
  }
  return true;
}

/** The text between two words is exactly one space (or NBSP / thin space). */
function singleSpace(text: string, a: number, b: number): boolean {
  if (b - a !== 1) return false;
  const c = text.charCodeAt(a);
  return c === 32 || c === 0xa0 || c === 0x2009 || c === 0x202f;
}

/** Between two words of one name: a space, or '. ' after an initial. */
function joins(text: string, i: number): boolean {
  const a = tE[i - 1] as number;
  const b = tS[i] as number;
  if (singleSpace(text, a, b)) return true;
  return isInitial(i - 1) && b - a === 2 && text.charCodeAt(a) === 46 && text.charCodeAt(a + 1) === 32;
}

function isInitial(i: number): boolean {
  return (tE[i] as number) - (tS[i] as number) === 1 && (tShape[i] === CAP || tShape[i] === UPPER);
}

/** Whether the word starts a sentence, a line, a list item or a quoted phrase. */
function sentenceStart(text: string, i: number): boolean {
  let p = (tS[i] as number) - 1;
  let steps = 0;
  while (p >= 0 && steps < 12) {
    const c = text.charCodeAt(p);
    if (c === 32 || c === 34 || c === 39 || c === 40 || c === 42 || c === 45 || c === 0x2022 || c === 62 || c === 35 || c === 9 || c === 0x201c || c === 0xa0) {
      p--;
      steps++;
      continue;
    }
    if (c === 46 && i > 0 && (isInitial(i - 1) || (tF[i - 1] as number) & TITLE) && (tE[i - 1] as number) === p) return false;
    return c === 46 || c === 33 || c === 63 || c === 10 || c === 13 || c === 58 || c === 0x3002 || c === 0xff01 || c === 0xff1f;
  }
  return p < 0;
}

/** Word `i` equals `w` (lower case ASCII) ignoring case. */
function wordIs(text: string, i: number, w: string): boolean {
  const s = tS[i] as number;
  if ((tE[i] as number) - s !== w.length) return false;
  for (let k = 0; k < w.length; k++) if (fold(text.charCodeAt(s + k)) !== w.charCodeAt(k)) return false;
  return true;
}

function allowed(text: string, i: number, hints: ScanHints | undefined): boolean {
  const allow = hints?.allow;
  if (allow === undefined || allow.size === 0) return false;
  return allow.has(text.slice(tS[i], tE[i]).toLowerCase());
}

const enum Cue {
  None = 0,
  /** Anything capitalised that is not a look-alike is a name (titles, greetings, sign-offs, e-mail display names). */
  Strong = 1,
  /** "I'm X", "this is X": a capitalised name-list word or capitalised unknown word. */
  Intro = 2,
  /** "my name is x": lower case allowed. */
  Named = 3,
}

/** What the words before word `i` say about it. */
function cueBefore(text: string, i: number): Cue {
  if (i === 0) return Cue.None;
  const p = i - 1;
  const f = tF[p] as number;
  const gapStart = tE[p] as number;
  const gapEnd = tS[i] as number;
  const gap = gapEnd - gapStart;
  if (gap > 4) {
    // a sign-off on its own line, then the name: "Best regards,\n\nMaria"
    if ((f & SIGNOFF) !== 0 && gap <= 8 && text.slice(gapStart, gapEnd).trim().length <= 2 && text.indexOf('\n', gapStart) < gapEnd) {
      return Cue.Strong;
    }
    return Cue.None;
  }
  const g0 = text.charCodeAt(gapStart);
  if ((f & TITLE) !== 0 && (g0 === 32 || (g0 === 46 && gap <= 2))) return Cue.Strong;
  if ((f & GREETING) !== 0 && (g0 === 32 || g0 === 44) && !text.slice(gapStart, gapEnd).includes('\n')) return Cue.Strong;
  if ((f & SIGNOFF) !== 0) {
    const g = text.slice(gapStart, gapEnd);
    const listed = ((tF[i] as number) & NAME) !== 0 && ((tF[i] as number) & COMMON) === 0;
    if (g.includes('\n') || g.includes(',') || g.includes('-') || g.includes('!') || (g === ' ' && (tShape[i] === CAP || listed))) return Cue.Strong;
  }
  // "thank you,\nMaria"
  if (p > 0 && wordIs(text, p, 'you') && ((tF[p - 1] as number) & SIGNOFF) !== 0 && /[,\n!-]/.test(text.slice(gapStart, gapEnd))) return Cue.Strong;
  // "it's Grace": the tokenizer ends a word at a possessive 's, so the introduction is "it" + "'s "
  if ((g0 === 39 || g0 === 0x2019) && gap === 3 && text.charCodeAt(gapStart + 1) === 115 && text.charCodeAt(gapStart + 2) === 32 && wordIs(text, p, 'it')) return Cue.Intro;
  if (g0 !== 32 && g0 !== 44) return Cue.None;
  if ((f & INTRODUCER) !== 0) {
    if (wordIs(text, p, 'this') || wordIs(text, p, 'call')) return Cue.None; // needs "this is", "call me"
    // "name's x", "je m'appelle x", "me llamo x", "ich heiße x", "mi chiamo x", "jag heter x": lower case too
    if (wordIs(text, p, "name's") || wordIs(text, p, 'appelle') || wordIs(text, p, 'llamo') || wordIs(text, p, 'heiße') || wordIs(text, p, 'heisse') || wordIs(text, p, 'chiamo') || wordIs(text, p, 'heter') || wordIs(text, p, 'зовут')) {
      return Cue.Named;
    }
    return Cue.Intro;
  }
  if (p > 0 && singleSpace(text, tE[p - 1] as number, tS[p] as number)) {
    const q = p - 1;
    // "name is", "nome é", "naam is", "nombre es", "name ist"
    if ((wordIs(text, p, 'is') || wordIs(text, p, 'é') || wordIs(text, p, 'es') || wordIs(text, p, 'ist') || wordIs(text, p, 'est') || wordIs(text, p, 'è')) &&
      (wordIs(text, q, 'name') || wordIs(text, q, 'nome') || wordIs(text, q, 'naam') || wordIs(text, q, 'nombre') || wordIs(text, q, 'nom') || wordIs(text, q, 'namn'))) {
      return Cue.Named;
    }
    if (wordIs(text, p, 'is') && wordIs(text, q, 'this')) return Cue.Intro;
    if (wordIs(text, p, 'am') && wordIs(text, q, 'i')) return Cue.Intro;
    if (wordIs(text, p, 'me') && wordIs(text, q, 'call')) return Cue.Intro;
    if (wordIs(text, p, 'by') && ((tF[q] as number) & PERSON_KEY) !== 0) return Cue.Strong; // "written by"
  }
  return Cue.None;
}

/** After word `j`: an e-mail display name (`Name <addr@…>`, `"Name" <…>`) or " - " sign-off at the end. */
function cueAfter(text: string, j: number): boolean {
  let e = tE[j] as number;
  if (text.charCodeAt(e) === 34) e++;
  if (text.charCodeAt(e) === 32 && text.charCodeAt(e + 1) === 60) {
    const close = text.indexOf('>', e + 2);
    const at = text.indexOf('@', e + 2);
    return at > 0 && at < e + 80 && (close < 0 || at < close);
  }
  return false;
}

/** "see you at 6 - Maria", "— Chidi", "~Ngozi" ending a message or a line. */
function dashSignoff(text: string, i: number, j: number): boolean {
  if (j - i > 2 || (tShape[i] !== CAP && tShape[i] !== NOCASE)) return false;
  let e = tE[j] as number;
  while (e < text.length && (text.charCodeAt(e) === 32 || text.charCodeAt(e) === 46 || text.charCodeAt(e) === 33)) e++;
  if (e < text.length && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) return false;
  let s = (tS[i] as number) - 1;
  while (s >= 0 && text.charCodeAt(s) === 32) s--;
  const c = text.charCodeAt(s);
  return (c === 45 || c === 0x2014 || c === 0x2013 || c === 126) && (s === 0 || text.charCodeAt(s - 1) === 32 || text.charCodeAt(s - 1) === 10 || c === 126);
}

/**
 * Word `i` can be part of a name chain. A capitalised common word may fill the surname slot right
 * after the first word (`surnameSlot`: Hopper, Fisher in "Grace Hopper"), never start a chain ("Ask
 * Priya") nor follow a whole name ("Maria Garcia Desk"); after a whole name (`afterName`) a weekday,
 * place or product is not more of it.
 */
function nameish(i: number, surnameSlot = false, afterName = false): boolean {
  const f = tF[i] as number;
  const shape = tShape[i] as number;
  if (shape === CJK) return false;
  // a weekday, place or product after a whole name is not more of it ("Sofia Marchetti Tuesday")
  if (afterName && (f & (CALENDAR_WORD | NON_PERSON | PLACE)) !== 0) return false;
  if ((f & NAME) !== 0 || f === 0) return true;
  if (surnameSlot && f === COMMON && shape === CAP) return true;
  if (shape === CAP && (f & ~(SYLLABLE | COMMON | PARTICLE | TITLE)) === 0 && (f & SYLLABLE) !== 0) return true; // "Mei", "Wei" beside a surname
  // "van", "de", "bin" inside a name; "NGUYEN VAN MINH", "Nguyen Van Minh" (judgeChain skips them inside, trims them at the end)
  return (f & PARTICLE) !== 0 && (shape === LOWER || shape === UPPER || shape === CAP);

}

interface Found {
  start: number;
  end: number;
}

function push(out: Found[], text: string, i: number, j: number): void {
  for (let k = i; k <= j; k++) tUsed[k] = 1;
  out.push({ start: tS[i] as number, end: tE[j] as number });
}

const NO = 0;
const YES = 1;
/** Not a name, nor any part of it: a place ("San Jose") or an organisation ("Acme Ltd"). */
const NONE_OF_IT = 2;

/** Decides the chain of words [i, j] (consecutive name-ish words). */
function judgeChain(text: string, i: number, j: number, cue: Cue, hints: ScanHints | undefined): number {
  // before the words are judged one by one, which would reject the first and let the rest stand
  // alone: a company named after people ("Goldman Sachs Marcus"), a brand with a company word
  // ("Acme Bank's"), a firm written with '&' ("Procter & Gamble")
  if (j > i && companyPair(text, i)) return NONE_OF_IT;
  // the word before the chain, a brand that is no name word (so no chain started there), joined to it
  if (i > 0 && singleSpace(text, tE[i - 1] as number, tS[i] as number) && (tShape[i - 1] === CAP || tShape[i - 1] === UPPER)) {
    const before = tF[i - 1] as number;
    if ((before & NON_PERSON) !== 0 && (before & NAME) === 0 && (((tF[i] as number) & ORG_SUFFIX) !== 0 || companyPair(text, i - 1))) return NONE_OF_IT;
  }
  if (cue === Cue.None && ampersandFirm(text, i, j)) return NONE_OF_IT;
  let strong = 0;
  let weak = 0;
  let unknown = 0;
  let words = 0;
  let caps = 0;
  let uppers = 0;
  let lowers = 0;
  let nocase = 0;
  let lastHasLast = false;
  let firstFlags = 0;
  let initials = 0;
  for (let k = i; k <= j; k++) {
    const f = tF[k] as number;
    const shape = tShape[k] as number;
    if (isInitial(k)) {
      initials++;
      continue;
    }
    if ((shape === LOWER || shape === tShape[i]) && (f & PARTICLE) !== 0 && (f & NAME) === 0 && k > i && k < j) continue;
    words++;
    if (words === 1) firstFlags = f;
    if (shape === CAP) caps++;
    else if (shape === UPPER) uppers++;
    else if (shape === LOWER) lowers++;
    else nocase++;
    if ((f & (NON_PERSON | CALENDAR_WORD)) !== 0 || allowed(text, k, hints)) {
      const titled = cue === Cue.Strong && i > 0 && ((tF[i - 1] as number) & TITLE) !== 0;
      if ((f & NAME) === 0 || allowed(text, k, hints) || (words === 1 && !titled)) return NO;
      weak++;
    } else if ((f & NAME) === 0 && (f & SYLLABLE) !== 0 && shape === CAP) weak++;
    else if ((f & NAME) === 0) unknown++;
    else if ((f & AMBIGUOUS) !== 0 || (f & (SYLLABLE | LAST)) === SYLLABLE) weak++;
    else strong++;
    if (k === j || words > 1) lastHasLast = (f & LAST) !== 0;
  }
  if (words === 0) return NO;
  // "New York", "San Jose", "Fort Worth"; "Acme Ltd", "Baker Street"
  if (((tF[i] as number) & PLACE_PREFIX) !== 0 && ((tF[i] as number) & NAME) === 0) return NO;
  // a company word ending the chain: "Jordan Group", "Acme Bank"; one that is also a surname ends a
  // person's name after a first name ("Sarah Hall", "Daniel Park")
  if (words >= 2 && ((tF[j] as number) & ORG_SUFFIX) !== 0) {
    if (((tF[j] as number) & NAME) === 0 || !((firstFlags & FIRST) !== 0 && (firstFlags & AMBIGUOUS) === 0)) return NONE_OF_IT;
  }
  // or right after it: "Maria Garcia Consulting", "Taylor Holdings", "Ada Labs", "Acme Ltd"
  if (orgAfter(text, j)) return NONE_OF_IT;
  if (words >= 2 && companyPair(text, i)) return NONE_OF_IT;
  if (((tF[i] as number) & PLACE_PREFIX) !== 0 && words >= 2 && tShape[i] !== LOWER) return NONE_OF_IT;

  if (cue !== Cue.None) {
    // "i am arjun mehta": after an introduction, a lower-case unambiguous first name may bring one unlisted surname
    const introLower = cue === Cue.Intro && lowers === words && words === 2 && (firstFlags & FIRST) !== 0 && (firstFlags & AMBIGUOUS) === 0 && unknown === 1 && (tE[j] as number) - (tS[j] as number) >= 3;
    if (lowers > 0 && cue !== Cue.Named && strong + weak < words && !introLower) return NO;
    if (cue === Cue.Intro && strong + weak === 0 && !(caps + nocase === words && unknown === words)) return NO;
    if (words === 1 && ((tF[i] as number) & (NOT_AFTER_CUE | COMMON)) !== 0 && strong === 0 && (cue !== Cue.Strong || lowers > 0) && !introducedName(text, i, cue)) return NO;
    if (unknown === words && ((tF[i] as number) & NOT_AFTER_CUE) !== 0) return NO;
    if (words === 1 && ((tF[i] as number) & (PLACE)) !== 0 && cue === Cue.Intro) return NO;
    return YES;
  }
  if (nocase > 0) return words >= 2 && strong >= 1 ? YES : NO;
  if (lowers > 0) {
    if (words < 2 || lowers !== words || (firstFlags & NAME) === 0) return NO;
    // lower case: listed names, one of them unambiguous
    if (unknown === 0 && strong >= 1) return YES;
    // or an unambiguous first name and an unlisted word ("harriet thornbury")
    return words === 2 && unknown === 1 && (firstFlags & FIRST) !== 0 && (firstFlags & AMBIGUOUS) === 0 && (tE[j] as number) - (tS[j] as number) >= 4 ? YES : NO;
  }
  if (uppers > 0) return words >= 2 && strong >= 1 && unknown < words && uppers === words ? YES : NO;
  if (words >= 2 || initials > 0) {
    if (initials > 0 && words >= 1) return strong + weak + unknown === words && (strong > 0 || lastHasLast || unknown > 0) ? YES : NO;
    if (strong >= 1) return YES;
    // unlisted capitalised words in running prose, after a lower-case word: "I spoke with Zhiwei Guo"
    if (unknown + weak === words && unknown >= 1 && words <= 3 && i > 0 && !sentenceStart(text, i) && tShape[i - 1] === LOWER) {
      const prev = tF[i - 1] as number;
      const next = j + 1 < tokenCount ? (tF[j + 1] as number) : 0;
      if ((prev & (DETERMINER | LOCATIVE)) === 0 && (next & ORG_SUFFIX) === 0 && singleSpace(text, tE[i - 1] as number, tS[i] as number)) return YES;
    }
    const firstOk = (firstFlags & FIRST) !== 0 && (firstFlags & (NON_PERSON | CALENDAR_WORD)) === 0;
    // two ambiguous words that pair as first name and surname: Will Smith, Mark Brown
    if (weak >= 2 && firstOk && lastHasLast && unknown === 0) return YES;
    // family name first, then a romanised given name: "Park Ji-hoon", "Lin Mei"
    if (words === 2 && weak === 2 && (firstFlags & LAST) !== 0 && ((tF[j] as number) & SYLLABLE) !== 0) return YES;
    // an ambiguous first name and an unlisted capitalised word, in running prose: "met Grace Hopper"
    if (words === 2 && weak === 1 && unknown === 1 && firstOk && i > 0 && !sentenceStart(text, i)) {
      const prev = tF[i - 1] as number;
      if (tShape[i - 1] === LOWER && (prev & (DETERMINER | LOCATIVE)) === 0 && singleSpace(text, tE[i - 1] as number, tS[i] as number)) return YES;
    }
    return NO;
  }
  // one capitalised word
  if (strong === 1) return YES;
  if (weak !== 1) return NO;
  const f = tF[i] as number;
  if ((f & SYLLABLE) !== 0) return NO;
  if ((f & (NON_PERSON | CALENDAR_WORD | NOT_AFTER_CUE)) !== 0 || (f & FIRST) === 0) return NO;
  if (sentenceStart(text, i)) return NO;
  if (i === 0) return NO;
  const prev = tF[i - 1] as number;
  if ((prev & (DETERMINER | LOCATIVE)) !== 0) return NO;
  if ((f & PLACE) !== 0) return NO;
  // running prose on both sides: "ask Grace to review", not a Title Case Heading
  const prevLower = (tShape[i - 1] === LOWER || sentenceStart(text, i - 1)) && singleSpace(text, tE[i - 1] as number, tS[i] as number);
  const next = i + 1;
  return prevLower && (next >= tokenCount || tShape[next] === LOWER || (tS[next] as number) - (tE[i] as number) !== 1) ? YES : NO;
}

let tokenCount = 0;

/**
 * "it's Grace from billing", "this is Faith here": after an introduction, a capitalised first name that
 * is also an English word is the name when "here" or "from" follows. Not at a comma or the end: the
 * name lists hold Fine and Happy, and "I'm Fine, thanks" is a sentence.
 */
function introducedName(text: string, i: number, cue: Cue): boolean {
  const f = tF[i] as number;
  if (cue !== Cue.Intro || tShape[i] !== CAP || (f & FIRST) === 0 || (f & (NOT_AFTER_CUE | NON_PERSON | CALENDAR_WORD | PLACE)) !== 0) return false;
  const e = tE[i] as number;
  const k = i + 1;
  return k < tokenCount && singleSpace(text, e, tS[k] as number) && (wordIs(text, k, 'here') || wordIs(text, k, 'from'));
}

/** The word after word `j` is a capitalised company or street word joined to it ("Acme Ltd", "Garcia Consulting"). */
function orgAfter(text: string, j: number): boolean {
  const k = j + 1;
  if (k >= tokenCount || !singleSpace(text, tE[j] as number, tS[k] as number)) return false;
  const f = tF[k] as number;
  // not a title ("Dr"), nor a word that follows names as what they do ("Team", "Support")
  return (f & ORG_SUFFIX) !== 0 && (f & (TITLE | NOT_AFTER_CUE)) === 0 && (tShape[k] === CAP || tShape[k] === UPPER);
}

/**
 * Companies named after people, whose two words pair as first name and surname: a whole chain that
 * starts with one is the company. Lower case, one space.
 */
const COMPANY_PAIRS = new Set([
  'morgan stanley', 'goldman sachs', 'wells fargo', 'charles schwab', 'merrill lynch', 'calvin klein', 'ralph lauren',
  'tommy hilfiger', 'hugo boss', 'louis vuitton', 'estee lauder', 'estée lauder', 'kate spade', 'harley davidson',
  'rolls royce', 'dow jones', 'john deere', 'tim hortons', 'lockheed martin', 'hewlett packard', 'booz allen',
  'johnson controls', 'ernst young', 'marks spencer', 'jp morgan', 'dolce gabbana', 'giorgio armani', 'christian dior',
  'baker mckenzie', 'allen overy', 'jack daniels', 'dean witter', 'edward jones', 'raymond james', 'thomson reuters',
  'ben jerrys', 'paul smith', 'ted baker', 'marc jacobs', 'michael kors', 'tory burch', 'vera wang', 'anne klein',
  'john lewis', 'aston martin', 'alfa romeo', 'mercedes benz', 'sherwin williams', 'procter gamble', 'warner bros',
  'taco bell', 'dunkin donuts', 'carl zeiss', 'robert bosch', 'hugo schneider', 'jones lang', 'cushman wakefield',
  'deutsche bank', 'lloyds bank', 'charles river', 'nathan james', 'victoria secret', 'tiffany co',
]);

/**
 * A one-word chain joined by " & " to a capitalised word: a firm ("Procter & Gamble", "Johnson &
 * Johnson", "Ernst & Young"), unless the word is an unambiguous first name ("Anna & Tom").
 */
function ampersandFirm(text: string, i: number, j: number): boolean {
  if (i !== j || tShape[i] !== CAP) return false;
  const f = tF[i] as number;
  if ((f & FIRST) !== 0 && (f & (AMBIGUOUS | LAST)) === 0) return false;
  const e = tE[j] as number;
  const s = tS[i] as number;
  const after = text.charCodeAt(e) === 32 && text.charCodeAt(e + 1) === 38 && text.charCodeAt(e + 2) === 32 && i + 1 < tokenCount && tS[i + 1] === e + 3 && tShape[i + 1] === CAP;
  const before = s >= 3 && text.charCodeAt(s - 1) === 32 && text.charCodeAt(s - 2) === 38 && text.charCodeAt(s - 3) === 32 && i > 0 && tE[i - 1] === s - 3 && tShape[i - 1] === CAP;
  return after || before;
}

/**
 * Each pair of COMPANY_PAIRS as its two words' lengths and first letters (pairShape), so most chains
 * are rejected before their words are joined into a string to look up. Lower-casing keeps a word's
 * length but for İ (two code units), which no pair holds; a word starting outside ASCII skips this test.
 */
const COMPANY_PAIR_SHAPES = new Set<number>();
for (const pair of COMPANY_PAIRS) {
  const space = pair.indexOf(' ');
  COMPANY_PAIR_SHAPES.add(pairShape(space, pair.length - space - 1, pair.charCodeAt(0), pair.charCodeAt(space + 1)));
}

/** Lengths `a`, `b` (below 32) and lower-case ASCII first letters `c`, `d` of two words, as one integer. */
function pairShape(a: number, b: number, c: number, d: number): number {
  return ((a * 32 + b) * 128 + c) * 128 + d;
}

function companyPair(text: string, i: number): boolean {
  const k = i + 1;
  if (k >= tokenCount || tShape[i] === CJK) return false;
  const a = (tE[i] as number) - (tS[i] as number);
  const b = (tE[k] as number) - (tS[k] as number);
  if (a < 2 || b < 2 || a + b > 24) return false;
  const c = text.charCodeAt(tS[i] as number);
  const d = text.charCodeAt(tS[k] as number);
  if (c < 128 && d < 128 && !COMPANY_PAIR_SHAPES.has(pairShape(a, b, c | 32, d | 32))) return false;
  return COMPANY_PAIRS.has(`${text.slice(tS[i], tE[i])} ${text.slice(tS[k], tE[k])}`.toLowerCase());
}

/** Name chains and cued words. */
function findChains(text: string, n: number, out: Found[], hints: ScanHints | undefined): void {
  let i = 0;
  while (i < n) {
    const m = tUsed[i] === 1 ? 0 : mention(text, i, n);
    if (m > 0) {
      push(out, text, i, i + m - 1);
      i += m;
      continue;
    }
    if (tUsed[i] === 1 || !nameish(i) || !isolated(text, tS[i] as number, tE[i] as number)) {
      i++;
      continue;
    }
    const cue = cueBefore(text, i);
    const shape = tShape[i];
    // lower-case words start a chain only with a cue or a listed first name, or a listed surname before
    // another listed name word (family name first, or two surnames: "conceição sampaio")
    if (shape === LOWER && cue === Cue.None && ((tF[i] as number) & FIRST) === 0 && !lowerSurnamePair(text, i, n)) {
      i++;
      continue;
    }
    let j = i;
    // until a word after the first fills it, the next word may be the surname (initials and particles leave it open)
    let surnameSlot = true;
    while (
      j + 1 < n &&
      j - i + 1 < MAX_CHAIN &&
      joins(text, j + 1) &&
      nameish(j + 1, surnameSlot, !surnameSlot) &&
      isolated(text, tS[j + 1] as number, tE[j + 1] as number) &&
      compatible(i, j + 1)
    ) {
      j++;
      if (!isInitial(j) && !(tShape[j] === LOWER && ((tF[j] as number) & PARTICLE) !== 0)) surnameSlot = false;
    }
    // in lower case, an ambiguous word (a name that is also an English word) at either end of a chain
    // of three or more is the sentence around the name: "conceição sampaio will call", "ping hayashi ogunleye"
    if (shape === LOWER && cue === Cue.None) {
      while (j > i + 1 && ((tF[j] as number) & AMBIGUOUS) !== 0) j--;
      if (j > i + 1 && ((tF[i] as number) & AMBIGUOUS) !== 0) {
        i++;
        continue;
      }
    }
    // a particle does not end a name ("Maria de")
    while (j > i && ((tF[j] as number) & PARTICLE) !== 0 && ((tF[j] as number) & NAME) === 0 && (tShape[j] === LOWER ? shape !== LOWER : true)) j--;
    // without case, a name ends one word after its last listed word ("خالد المصري", not the verb after it)
    if (shape === NOCASE) {
      let last = i;
      let listed = 0;
      for (let k = i; k <= j; k++) {
        if (((tF[k] as number) & NAME) !== 0) {
          last = k;
          listed++;
        }
      }
      j = Math.min(j, listed >= 2 ? last : last + 1);
    }
    // a capitalised common word starting a sentence before a first name is no part of the name: a verb
    // or an adjective ("Ping Daniel Okafor", "Poor Maria"); the name after it is judged on its own
    if (cue === Cue.None && j > i && tShape[i] === CAP && ((tF[i] as number) & COMMON) !== 0 && sentenceStart(text, i) && firstNameStarts(i + 1, j)) {
      i++;
      continue;
    }
    const verdict = judgeChain(text, i, j, cue === Cue.None && (cueAfter(text, j) || dashSignoff(text, i, j)) ? Cue.Strong : cue, hints);
    if (verdict !== NO) {
      if (verdict === YES) push(out, text, i, j);
      i = j + 1;
    } else {
      // a chain that fails whole may hold a name after its first word ("Ask Grace", "Google Maria Garcia")
      i++;
    }
  }
}

/** Lower-case word `i` is an unambiguous surname joined to a lower-case listed name word. */
function lowerSurnamePair(text: string, i: number, n: number): boolean {
  const f = tF[i] as number;
  if ((f & LAST) === 0 || (f & AMBIGUOUS) !== 0 || i + 1 >= n || tShape[i + 1] !== LOWER || !joins(text, i + 1)) return false;
  const g = tF[i + 1] as number;
  return (g & NAME) !== 0 && (g & (NON_PERSON | CALENDAR_WORD | PLACE)) === 0;
}

/**
 * A chat mention of a listed name, `@Bartholomew` or `@Priya Raman` (Slack, Teams display names): the
 * '@' starts the text or follows a space, the word is capitalised and an unambiguous name-list word
 * (so Java annotations such as `@Override` or `@Test` are not taken), and a capitalised surname may
 * follow. Returns the number of words of the name, 0 when there is none.
 */
function mention(text: string, i: number, n: number): number {
  const s = tS[i] as number;
  if (s === 0 || text.charCodeAt(s - 1) !== 64 || tShape[i] !== CAP) return 0;
  if (s >= 2 && text.charCodeAt(s - 2) > 32 && text.charCodeAt(s - 2) !== 40) return 0;
  const f = tF[i] as number;
  if ((f & NAME) === 0 || (f & AMBIGUOUS) !== 0) return 0;
  const e = tE[i] as number;
  const c = text.charCodeAt(e);
  if (c === 40 || c === 46 && letterKind(text.charCodeAt(e + 1)) !== 0) return 0; // @Named(…), @Maria.Garcia
  const k = i + 1;
  if (k < n && joins(text, k) && tShape[k] === CAP && ((tF[k] as number) & LAST) !== 0 && ((tF[k] as number) & (NON_PERSON | CALENDAR_WORD | PLACE)) === 0 && isolated(text, tS[k] as number, tE[k] as number)) return 2;
  return 1;
}

/**
 * Word `k` is an unambiguous first name that begins a name of its own in the chain ending at `j`:
 * followed by more of the name, or no surname itself ("Daniel Okafor", "Priya"; not "Kelly" alone,
 * which may be the surname of "Grace Kelly").
 */
function firstNameStarts(k: number, j: number): boolean {
  const f = tF[k] as number;
  if ((f & FIRST) === 0 || (f & AMBIGUOUS) !== 0 || tShape[k] !== CAP) return false;
  return j > k || (f & LAST) === 0;
}

/** Word `k` continues a chain that started with word `i` (same case style, particles lower inside). */
function compatible(i: number, k: number): boolean {
  const a = tShape[i];
  const b = tShape[k];
  if (a === b) return true;
  if (b === LOWER && ((tF[k] as number) & PARTICLE) !== 0) return true;
  if ((a === CAP && b === UPPER) || (a === UPPER && b === CAP)) return (tE[k] as number) - (tS[k] as number) <= 1 || (tE[i] as number) - (tS[i] as number) <= 1;
  return false;
}

/** Every other occurrence of a word already found in a name (words found are marked in tUsed). */
function findRepeats(text: string, n: number, out: Found[]): void {
  if (out.length === 0) return;
  let seen: Set<string> | undefined;
  /** Lower-cased forms of found words that are listed names, for the same name in lower case ("(priya)"). */
  let folded: Set<string> | undefined;
  // one bit per (length, first code unit) of the words in each set: most other words of the text
  // miss both, and are rejected before they are sliced into a string to look up
  let seenBits = 0;
  let foldedBits = 0;
  for (let k = 0; k < n; k++) {
    if (tUsed[k] !== 1 || (tE[k] as number) - (tS[k] as number) < 2 || tShape[k] === LOWER || tShape[k] === CJK) continue;
    const w = text.slice(tS[k], tE[k]);
    (seen ??= new Set()).add(w);
    seenBits |= repeatBit(w.length, w.charCodeAt(0));
    if (((tF[k] as number) & NAME) !== 0 && ((tF[k] as number) & AMBIGUOUS) === 0) {
      const l = w.toLowerCase();
      (folded ??= new Set()).add(l);
      foldedBits |= repeatBit(l.length, l.charCodeAt(0));
    }
  }
  if (seen === undefined) return;
  for (let k = 0; k < n; k++) {
    if (tUsed[k] === 1 || tShape[k] === CJK) continue;
    const lower = tShape[k] === LOWER;
    if (lower && (folded === undefined || ((tF[k] as number) & NAME) === 0)) continue;
    const s = tS[k] as number;
    if ((repeatBit((tE[k] as number) - s, text.charCodeAt(s)) & (lower ? foldedBits : seenBits)) === 0) continue;
    if (!isolated(text, s, tE[k] as number)) continue;
    const w = text.slice(s, tE[k]);
    if (lower ? folded?.has(w) === true : seen.has(w)) push(out, text, k, k);
  }
}

/** findRepeats' filter bit of a word of length `len` starting with code unit `c0`. */
function repeatBit(len: number, c0: number): number {
  return 1 << ((len * 7 + c0) & 31);
}

// ---------------------------------------------------------------------------------------------------
// Name-valued keys: `"author": "…"`, `customer=…`, `<name>…</name>`, `Signed-off-by: …`, CSV columns

/** 1: person key (author, customer, first_name); 2: generic `name`; 3: needs a listed name (from, to, user); 0: none. */
function keyKind(text: string, keyStart: number, keyEnd: number, table: WordTable): number {
  // the key's last word decides most keys: read it first (letters back to a separator or a camel hump)
  let w = keyEnd;
  while (w > keyStart && ASCII[text.charCodeAt(w - 1)] === 1) w--;
  if (w > keyStart && ASCII[text.charCodeAt(w - 1)] === 2) w--;
  if (keyEnd - w < 2) return 0;
  const lastWord = table.probe(text, w, keyEnd);
  if ((lastWord & PERSON_KEY) === 0) {
    const e = keyEnd - w;
    const name = (e === 4 || e === 5) && (text.charCodeAt(w) | 32) === 110 && (text.charCodeAt(w + 1) | 32) === 97; // name, names
    const by = e === 2 && (text.charCodeAt(w) | 32) === 98 && (text.charCodeAt(w + 1) | 32) === 121; // Signed-off-by
    if (!name && !by) return 0;
  }
  // split into words: separators and camelCase
  const words: [number, number][] = [];
  let s = -1;
  for (let i = keyStart; i <= keyEnd; i++) {
    const c = i < keyEnd ? text.charCodeAt(i) : 0;
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    const camel = letter && c <= 90 && i > keyStart && (text.charCodeAt(i - 1) >= 97 && text.charCodeAt(i - 1) <= 122);
    if (s >= 0 && (!letter || camel)) {
      words.push([s, i]);
      s = -1;
    }
    if (letter && s < 0) s = i;
  }
  if (words.length === 0 || words.length > 5) return 0;
  const raw = text.slice(keyStart, keyEnd);
  if (/^[A-Za-z]+$/.test(raw) && (table.probe(raw, 0, raw.length) & PERSON_KEY) !== 0) return personKeyStrength(raw.toLowerCase());
  // "Signed-off-by", "Co-authored-by"
  const joined = raw.replace(/[^A-Za-z]/g, '').toLowerCase();
  if (words.length > 1 && /by$/.test(joined) && (table.probe(joined, 0, joined.length) & PERSON_KEY) !== 0) return 1;
  const [ls, le] = words[words.length - 1] as [number, number];
  const lastFlags = table.probe(text, ls, le);
  const last = text.slice(ls, le).toLowerCase();
  if (last === 'name' || last === 'names') {
    if (words.length === 1) return 2;
    const [qs, qe] = words[words.length - 2] as [number, number];
    const q = table.probe(text, qs, qe);
    return (q & (NAME_QUALIFIER | PERSON_KEY)) !== 0 ? 1 : 0;
  }
  if ((lastFlags & PERSON_KEY) !== 0) {
    if (words.length > 1) {
      const [qs, qe] = words[words.length - 2] as [number, number];
      const q = text.slice(qs, qe).toLowerCase();
      if (q === 'api' || q === 'service' || q === 'file' || q === 'group' || q === 'process') return 0;
    }
    return personKeyStrength(last);
  }
  return 0;
}

const WEAK_KEYS = new Set(['from', 'to', 'cc', 'bcc', 'user', 'username', 'owner', 'member', 'guest', 'contact', 'client', 'holder', 'people', 'person', 'attn', 'attention', 'reviewer', 'reviewers', 'emergency', 'kin', 'manager', 'driver', 'speaker', 'candidate', 'doctor', 'teacher', 'student', 'nurse', 'buyer', 'seller', 'host']);

function personKeyStrength(key: string): number {
  return WEAK_KEYS.has(key) ? 3 : 1;
}

function isValueStop(c: number): boolean {
  return c === 34 || c === 39 || c === 10 || c === 13 || c === 44 || c === 59 || c === 60 || c === 38 || c === 125 || c === 93 || c === 124 || c === 9 || c === 96 || c === 41 || c === 40 || c === 61;
}

/** Judges the words of a key's value; pushes the name found. */
const IATA_NAME = /^([A-Z][A-Z'\-]{0,30}\/[A-Z][A-Z'\-]{0,30}(?: [A-Z][A-Z'\-]{0,30}){0,3}?)(?: (?:MR|MRS|MS|MISS|MSTR|DR|PROF))?$/;

function judgeValue(text: string, vs: number, ve: number, kind: number, n: number, out: Found[], hints: ScanHints | undefined): void {
  // the words inside [vs, ve)
  // first word starting at or after vs (binary search: keys may be many)
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tS[mid] as number) < vs) lo = mid + 1;
    else hi = mid;
  }
  const i = lo;
  let j = i;
  while (j < n && (tE[j] as number) <= ve && j - i <= MAX_CHAIN) j++;
  j--;
  if (j < i || j - i >= MAX_CHAIN) return;
  // an airline name element under a person key: SURNAME/GIVEN NAMES and a title (IATA BCBP, PNRs)
  if (kind === 1 && ve - vs <= 64) {
    const m = IATA_NAME.exec(text.slice(vs, ve));
    if (m !== null) {
      out.push({ start: vs, end: vs + (m[1] as string).length });
      return;
    }
  }
  // the value is only these words, spaces, initials' dots, hyphens and apostrophes
  for (let p = vs; p < ve; p++) {
    const c = text.charCodeAt(p);
    if (isDigit(c) || c === 95 || c === 64 || c === 47 || c === 92 || c === 58 || c === 43 || c === 35 || c === 36) return;
  }
  let strong = 0;
  let named = 0;
  let capsUnknown = 0;
  for (let k = i; k <= j; k++) {
    if (tUsed[k] === 1) return;
    const f = tF[k] as number;
    if (tShape[k] === CJK) return; // left to the CJK pass
    if (isInitial(k)) continue;
    if ((f & (NON_PERSON | CALENDAR_WORD | ORG_SUFFIX)) !== 0 || allowed(text, k, hints)) return;
    if (tShape[k] === LOWER && (f & PARTICLE) !== 0 && k > i) continue;
    if ((f & NAME) !== 0) {
      named++;
      if ((f & AMBIGUOUS) === 0) strong++;
    } else if (f === 0 && (tShape[k] === CAP || tShape[k] === UPPER || tShape[k] === NOCASE)) capsUnknown++;
    else return;
  }
  const words = named + capsUnknown;
  if (words === 0) return;
  if (kind === 2 && named === 0) return; // generic "name": a listed word, not "Weather Tool"
  if (kind === 3 && named === 0) return;
  if (kind === 2 && words === 1 && strong === 0 && tShape[i] === LOWER) return;
  push(out, text, i, j);
}

/** Word `k` ends like a name key: a person key, or "…name", "…names", "…by" (customerName, Signed-off-by). */
function keyLike(text: string, k: number): boolean {
  if (((tF[k] as number) & PERSON_KEY) !== 0) return true;
  const e = tE[k] as number;
  const len = e - (tS[k] as number);
  if (len >= 2 && (text.charCodeAt(e - 1) | 32) === 121 && (text.charCodeAt(e - 2) | 32) === 98) return true;
  let off = 0;
  if (len >= 5 && (text.charCodeAt(e - 1) | 32) === 115) off = 1;
  if (len - off < 4) return false;
  const b = e - off - 4;
  return (text.charCodeAt(b) | 32) === 110 && (text.charCodeAt(b + 1) | 32) === 97 && (text.charCodeAt(b + 2) | 32) === 109 && (text.charCodeAt(b + 3) | 32) === 101;
}

/** `key: value`, `key=value`, `"key": "value"`, `<key>value</key>`: only after words that can end a name key. */
function findKeyed(text: string, n: number, out: Found[], table: WordTable, hints: ScanHints | undefined): void {
  // every key is followed by ':', '=' or '>' (below), and texts hold far fewer of them than words
  // (a fifth in the dev corpus): walk the separators in text order, each to the one word that can be
  // its key, instead of testing every word
  let colon = text.indexOf(':');
  let equals = text.indexOf('=');
  let angle = text.indexOf('>');
  const len = text.length;
  /** The last word ending at or before the separator (separators come in order, so it only moves on). */
  let t = 0;
  for (;;) {
    let sep = colon;
    if (sep < 0 || (equals >= 0 && equals < sep)) sep = equals;
    if (sep < 0 || (angle >= 0 && angle < sep)) sep = angle;
    if (sep < 0) return;
    if (sep === colon) colon = text.indexOf(':', sep + 1);
    else if (sep === equals) equals = text.indexOf('=', sep + 1);
    else angle = text.indexOf('>', sep + 1);
    while (t + 1 < n && (tE[t + 1] as number) <= sep) t++;
    // no word can span a separator; only an optional quote and spaces may stand between key and separator
    if ((tE[t] as number) > sep || sep - (tE[t] as number) > 4) continue;
    if (tShape[t] === CJK || !keyLike(text, t)) continue;
    // the separator: after an optional closing quote and a few spaces. When that is not `sep` but an
    // earlier separator, the word was taken there already.
    let p = tE[t] as number;
    const q0 = text.charCodeAt(p);
    if (q0 === 34 || q0 === 39) p++;
    while (p < len && text.charCodeAt(p) === 32 && p - (tE[t] as number) < 4) p++;
    if (p !== sep) continue;
    const c = text.charCodeAt(p);
    if (c === 58 && text.charCodeAt(p + 1) === 47) continue; // "://"
    // the key, leftwards from the word's end
    const keyEnd = tE[t] as number;
    let k = keyEnd - 1;
    while (k >= 0 && keyEnd - k <= 40 && isKeyCharCode(text.charCodeAt(k))) k--;
    const keyStart = k + 1;
    if (keyEnd - keyStart < 2) continue;
    if (c === 62 && text.charCodeAt(keyStart - 1) !== 60) continue; // only a bare `<element>`
    const kind = keyKind(text, keyStart, keyEnd, table);
    if (kind === 0) continue;
    // the value, rightwards
    let v = p + 1;
    if (c === 61 && text.charCodeAt(v) === 62) continue; // "=>" is usually code
    while (v < len && (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9) && v - p < 6) v++;
    const open = text.charCodeAt(v);
    if (open === 34 || open === 39) v++;
    let e = v;
    while (e < len && e - v < 80 && !isValueStop(text.charCodeAt(e))) e++;
    let end = e;
    while (end > v && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 46)) end--;
    if (end - v >= 2) judgeValue(text, v, end, kind, n, out, hints);
  }
}

/** Cell separators of a header line, in the order they are tried: CSV, TSV, semicolons, Markdown. */
const COLUMN_SEPARATORS = [',', '\t', ';', '|'];

/** CSV / TSV / Markdown tables: the cells under a person-name header. */
function findColumns(text: string, n: number, out: Found[], table: WordTable, hints: ScanHints | undefined): void {
  const nl = text.indexOf('\n');
  if (nl < 0) return;
  let lineStart = 0;
  let columns: number[] | undefined;
  let kinds: number[] = [];
  let sep = 0;
  let lines = 0;
  while (lineStart < text.length && lines < 10_000 && (columns !== undefined || lines < 50)) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    lines++;
    if (columns === undefined) {
      // a header: a short line of separated cells, one of which is a person key
      const line = lineEnd - lineStart <= 300 ? text.slice(lineStart, lineEnd) : '';
      for (const separator of COLUMN_SEPARATORS) {
        if (!line.includes(separator)) continue;
        const s = separator.charCodeAt(0);
        const cells = cellsOf(text, lineStart, lineEnd, s);
        const ks = cells.map(([a, b]) => {
          let x = a;
          let y = b;
          while (x < y && text.charCodeAt(x) === 32) x++;
          while (y > x && text.charCodeAt(y - 1) === 32) y--;
          return y - x >= 2 && /^[A-Za-z_\- ]+$/.test(text.slice(x, y)) ? keyKind(text, x, y, table) : 0;
        });
        if (ks.some((k) => k !== 0)) {
          columns = ks.map((k, idx) => (k !== 0 ? idx : -1)).filter((x) => x >= 0);
          kinds = ks;
          sep = s;
          break;
        }
      }
    } else {
      const cells = cellsOf(text, lineStart, lineEnd, sep);
      if (cells.length < 2) columns = undefined;
      else {
        for (const col of columns) {
          const cell = cells[col];
          if (cell === undefined) continue;
          let [a, b] = cell;
          while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 34)) a++;
          while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 34)) b--;
          if (b - a >= 2) judgeValue(text, a, b, kinds[col] === 2 ? 2 : 1, n, out, hints);
        }
      }
    }
    lineStart = lineEnd + 1;
  }
}

function cellsOf(text: string, start: number, end: number, sep: number): [number, number][] {
  const cells: [number, number][] = [];
  let a = start;
  if (sep === 124 && text.charCodeAt(a) === 124) a++;
  for (let i = a; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === sep) {
      if (!(sep === 124 && i === end && i === a)) cells.push([a, i]);
      a = i + 1;
    }
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------------
// TODO(user), home directories

const TODO = /\b(?:TODO|FIXME|XXX|HACK|NOTE|BUG)\(([A-Za-z][A-Za-z0-9._\-]{1,31})\)/g;
const HOME = /(?:\/home\/|\/Users\/|[A-Za-z]:\\\\?Users\\\\?)([A-Za-z][A-Za-z0-9._\-]{1,31})/g;
const ACCOUNTS = new Set(['admin', 'administrator', 'user', 'ubuntu', 'runner', 'root', 'ec2-user', 'deploy', 'git', 'app', 'node', 'www', 'www-data', 'build', 'vagrant', 'shared', 'public', 'guest', 'default', 'test', 'dev', 'ci', 'jenkins', 'docker', 'service', 'me', 'you', 'username', 'name', 'runneradmin', 'appuser', 'postgres', 'all users', 'default user']);

function findHandles(text: string, out: Found[], table: WordTable): void {
  if (text.includes('(')) {
    TODO.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = TODO.exec(text)) !== null) {
      const s = m.index + m[0].length - 1 - (m[1] as string).length;
      out.push({ start: s, end: s + (m[1] as string).length });
    }
  }
  // HOME needs '/home/', '/Users/' or 'Users\\': one search for 'Users' covers the last two
  if (text.includes('/home/') || text.includes('Users')) {
    HOME.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = HOME.exec(text)) !== null) {
      const seg = m[1] as string;
      if (ACCOUNTS.has(seg.toLowerCase())) continue;
      const s = m.index + m[0].length - seg.length;
      // a part of the directory name must be a listed name (maria.garcia, jdoe is left alone)
      let named = false;
      for (const part of seg.split(/[._\-]/)) {
        if (part.length >= 2 && (table.probe(part, 0, part.length) & NAME) !== 0 && (table.probe(part, 0, part.length) & NON_PERSON) === 0) named = true;
      }
      if (named) out.push({ start: s, end: s + seg.length });
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Han, Kana, Hangul

/** Honorifics and particles that may follow a name inside a run. */
const CJK_AFTER = [
  '先生', '女士', '小姐', '老师', '同学', '经理', '总', '医生', '教授', '博士', '阿姨', '叔叔', '同志', '说', '的', '是', '在', '和', '给', '来', '去', '要', '先生的',
  'さん', '様', 'さま', 'くん', '君', 'ちゃん', '氏', '殿', '先生', 'です', 'と', 'は', 'が', 'の', 'に', 'を',
  '씨', '님', '선생님', '교수님', '은', '는', '이', '가', '을', '를', '의', '에게', '께', '께서', '한테', '와', '과', '입니다', '이에요', '예요', '이고', '도', '대리', '과장', '부장', '팀장', '사장',
];
/** Cues just before a name inside a run. */
const CJK_BEFORE = ['我叫', '我是', '名叫', '叫做', '姓名', '名字是', '联系人', '联系', '聯繫', '收件人', '客户', '患者', '尊敬的', '亲爱的', '致', '通知', '告诉', '转告', '负责人', '担当者', '担当', '宛先', '私は', '名前は', 'わたしは', '제 이름은', '저는', '이름은'];
const HONORIFIC = new Set(['先生', '女士', '小姐', 'さん', '様', 'さま', 'くん', 'ちゃん', '氏', '殿', '씨', '님', '선생님', '교수님']);

function afterOk(run: string, at: number): boolean {
  if (at === run.length) return true;
  for (const a of CJK_AFTER) if (run.startsWith(a, at)) return true;
  return false;
}

function han(c: number): boolean {
  return c >= 0x4e00 && c <= 0x9fff;
}

function honorificAt(run: string, at: number): boolean {
  for (const h of HONORIFIC) if (run.startsWith(h, at)) return true;
  return false;
}

/** Surname + given name at `p` of the run starting at text offset `base`; returns the end or -1. */
function cjkNameAt(text: string, base: number, runEnd: number, p: number, table: WordTable): number {
  const run = text.slice(base, runEnd);
  for (const ls of [2, 1]) {
    if (p + ls > run.length) continue;
    if ((table.probe(text, base + p, base + p + ls) & LAST) === 0) continue;
    for (const lg of [2, 1]) {
      const e = p + ls + lg;
      if (e > run.length) continue;
      if ((table.probe(text, base + p + ls, base + e) & FIRST) === 0) continue;
      // p is the run's start or just after a cue: a two-character given name needs nothing after it
      if (lg === 2 || afterOk(run, e)) return e;
    }
    // surname alone before an honorific: 田中さん, 王先生, 김씨
    if (honorificAt(run, p + ls)) return p + ls;
    // after a cue (p > 0), a Han surname and two Han characters are a name even when the given name is
    // unlisted (请联系王小明确认): given names are free combinations of characters
    if (p > 0 && p + ls + 2 <= run.length && han(run.charCodeAt(p + ls)) && han(run.charCodeAt(p + ls + 1)) && !afterOk(run, p + ls)) return p + ls + 2;
  }
  // given name alone before an honorific: 민준씨
  for (const lg of [2, 1]) {
    if (p + lg <= run.length && (table.probe(text, base + p, base + p + lg) & FIRST) !== 0 && honorificAt(run, p + lg)) return p + lg;
  }
  return -1;
}

function findCjk(text: string, n: number, out: Found[], table: WordTable): void {
  for (let i = 0; i < n; i++) {
    if (tShape[i] !== CJK || tUsed[i] === 1) continue;
    const base = tS[i] as number;
    const end = tE[i] as number;
    const run = text.slice(base, end);
    if (run.length > 400) continue;
    const starts = [0];
    for (const cue of CJK_BEFORE) {
      let at = run.indexOf(cue);
      let count = 0;
      while (at >= 0 && count < 8) {
        starts.push(at + cue.length);
        at = run.indexOf(cue, at + 1);
        count++;
      }
    }
    // separate words: "田中 太郎", "김 민준"
    if (i + 1 < n && tShape[i + 1] === CJK && singleSpace(text, end, tS[i + 1] as number)) {
      const nb = tS[i + 1] as number;
      const ne = tE[i + 1] as number;
      const sF = table.probe(text, base, end);
      if ((sF & LAST) !== 0 && end - base <= 2) {
        for (const lg of [ne - nb, 2, 1]) {
          if (lg <= 0 || nb + lg > ne) continue;
          if ((table.probe(text, nb, nb + lg) & FIRST) !== 0 && (lg === ne - nb || afterOk(text.slice(nb, ne), lg))) {
            out.push({ start: base, end: nb + lg });
            tUsed[i] = 1;
            tUsed[i + 1] = 1;
            break;
          }
        }
        if (tUsed[i] === 1) continue;
      }
    }
    // a short run right after a greeting, introduction or title: "hey 建国,", "its 秀英 here"
    if (i > 0 && run.length <= 4 && ((tF[i - 1] as number) & (GREETING | INTRODUCER | TITLE | SIGNOFF)) !== 0 && base - (tE[i - 1] as number) <= 2) {
      out.push({ start: base, end });
      tUsed[i] = 1;
      continue;
    }
    for (const p of starts) {
      if (p >= run.length) continue;
      const e = cjkNameAt(text, base, end, p, table);
      if (e > p) {
        out.push({ start: base + p, end: base + e });
        tUsed[i] = 1;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------

function dedupe(found: Found[], out: Finding[]): void {
  if (found.length === 0) return;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let reach = -1;
  for (const f of found) {
    if (f.start < reach) continue;
    out.push({ entity: 'PERSON', start: f.start, end: f.end, detector: 'person' });
    reach = f.end;
  }
}

export function findPersons(text: string, out: Finding[], hints?: ScanHints): void {
  const table = wordTable();
  const n = tokenize(text, table);
  tokenCount = n;
  if (n === 0) return;
  const found: Found[] = [];
  findHandles(text, found, table);
  findKeyed(text, n, found, table, hints);
  findColumns(text, n, found, table, hints); // returns at once without a line break
  findChains(text, n, found, hints);
  if (cjkTokens > 0) findCjk(text, n, found, table);
  findRepeats(text, n, found);
  dedupe(found, out);
}

export const personDetector: BuiltinDetector = {
  name: 'person',
  entity: 'PERSON',
  patterns: [TODO, HOME, IATA_NAME],
  mayMatch: (text) => text.length >= 2,
  find: findPersons,
};
