import { describe, expect, it } from 'vitest';
import { COMMON, FIRST, LAST, SYLLABLE, WordTable, fold, SYLLABLE_CODE, SYLLABLE_PREFIX, syllableCode, syllableDigit, wordTable } from './lexicon.js';
import { NAME_SYLLABLES } from './words.js';

describe('WordTable', () => {
  it('finds words by their folded form, and refuses adds once sealed (the collision check is gone)', () => {
    const t = new WordTable(4);
    t.add('maria', FIRST);
    t.add('garcía', LAST);
    expect(t.probe('MARIA', 0, 5) & FIRST).toBe(FIRST);
    expect(t.probe('García', 0, 6) & LAST).toBe(LAST);
    expect(t.probe('mario', 0, 5)).toBe(0);
    t.seal();
    expect(t.probe('Maria', 0, 5) & FIRST).toBe(FIRST);
    expect(() => t.add('jose', FIRST)).toThrow(/after seal/);
  });

  it('answers repeated probes of a sealed table (from its recent-probe cache) as its cells do', () => {
    const t = new WordTable(1);
    const listed = Array.from({ length: 3000 }, (_, i) => `n${i.toString(36)}q`);
    listed.forEach((w, i) => t.add(w, i % 2 === 0 ? FIRST : LAST | COMMON));
    // listed words, words that are not, and listed words' prefixes (same start, other length)
    const probes = [...listed, ...listed.map((w) => `${w}z`), ...listed.map((w) => w.slice(0, -1))];
    const before = probes.map((w) => t.probe(w, 0, w.length));
    t.seal();
    // more words than cache slots, in two orders, twice each: every answer through hits, misses and evictions
    const forward = probes.map((_, k) => k);
    for (const order of [forward, [...forward].reverse()]) {
      for (let pass = 0; pass < 2; pass++) {
        for (const k of order) {
          const w = probes[k] as string;
          expect(t.probe(w.toUpperCase(), 0, w.length), w).toBe(before[k]);
        }
      }
    }
  });

  it('grows past its capacity hint and keeps every word', () => {
    const t = new WordTable(1);
    const words = Array.from({ length: 500 }, (_, i) => `w${i.toString(36)}x`);
    for (const w of words) t.add(w, FIRST);
    expect(t.size).toBe(500);
    for (const w of words) expect(t.probe(w, 0, w.length)).toBe(FIRST);
  });

  it('keeps every flag bit beside the length, and removes only the flags asked for', () => {
    const t = new WordTable(4);
    t.add('mei', SYLLABLE | FIRST);
    t.add('mei', COMMON);
    expect(t.probe('Mei', 0, 3)).toBe(SYLLABLE | FIRST | COMMON);
    t.remove('mei', COMMON);
    expect(t.probe('MEI', 0, 3)).toBe(SYLLABLE | FIRST);
    // same hashes' table slot region, other lengths: never confused
    expect(t.probe('meii', 0, 4)).toBe(0);
  });

  it('refuses words longer than a cell can say, and answers 0 for them', () => {
    const t = new WordTable(4);
    const long = 'a'.repeat(256);
    expect(() => t.add(long, FIRST)).toThrow(/longer than 255/);
    t.add('a'.repeat(255), FIRST);
    expect(t.probe('a'.repeat(255), 0, 255)).toBe(FIRST);
    expect(t.probe(long, 0, 256)).toBe(0);
  });

  it('the built-in table is at most 60% full and 3 MiB: probe cost follows its size', () => {
    const t = wordTable();
    expect(t.bytes).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect(t.size / (t.bytes / 12)).toBeLessThanOrEqual(0.6);
  });

  it('the built-in table is built once, sealed, with the names lexicons in it', () => {
    const t = wordTable();
    expect(wordTable()).toBe(t);
    expect(t.size).toBeGreaterThan(90_000);
    expect(t.probe('Priya', 0, 5) & FIRST).toBe(FIRST);
    expect(() => t.add('anything', FIRST)).toThrow(/after seal/);
  });

  it('the syllable set answers as the table\'s SYLLABLE flag does, for every syllable and for words that are none', () => {
    const code = (w: string): number => {
      let c = 0;
      for (let i = 0; i < w.length; i++) {
        const d = syllableDigit(fold(w.charCodeAt(i)));
        if (d === 0) return -1;
        c = c * 28 + d;
      }
      return c;
    };
    const t = wordTable();
    const syllables = NAME_SYLLABLES.split(' ').filter((w) => w.length > 0);
    const others = ['zz', 'qq', 'maria', 'xyzzy', 'wei1', 'LÜ', 'Zhi', 'seo', 'jun', 'hoon', 'a', 'ab'];
    for (const w of [...syllables, ...others]) {
      const flagged = (t.probe(w, 0, w.length) & SYLLABLE) !== 0;
      expect(code(w) >= 0 && (syllableCode(code(w)) & SYLLABLE_CODE) !== 0, w).toBe(flagged);
    }
    // a split stops extending a prefix that no syllable goes on from: each shorter start must say so
    for (const w of syllables) {
      for (let l = 1; l < w.length; l++) expect(syllableCode(code(w.slice(0, l))) & SYLLABLE_PREFIX, w.slice(0, l)).toBe(SYLLABLE_PREFIX);
    }
    expect(syllableCode(code('zz'))).toBe(0);
  });
});
