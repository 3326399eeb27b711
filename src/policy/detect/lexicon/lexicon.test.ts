import { describe, expect, it } from 'vitest';
import { FIRST, LAST, WordTable, wordTable } from './lexicon.js';

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

  it('grows past its capacity hint and keeps every word', () => {
    const t = new WordTable(1);
    const words = Array.from({ length: 500 }, (_, i) => `w${i.toString(36)}x`);
    for (const w of words) t.add(w, FIRST);
    expect(t.size).toBe(500);
    for (const w of words) expect(t.probe(w, 0, w.length)).toBe(FIRST);
  });

  it('the built-in table is built once, sealed, with the names lexicons in it', () => {
    const t = wordTable();
    expect(wordTable()).toBe(t);
    expect(t.size).toBeGreaterThan(90_000);
    expect(t.probe('Priya', 0, 5) & FIRST).toBe(FIRST);
    expect(() => t.add('anything', FIRST)).toThrow(/after seal/);
  });
});
