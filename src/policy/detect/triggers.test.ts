import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { caseFold, computeTriggers, KEYWORD_HIT, PREFIX_HIT, PrefixIndex } from './triggers.js';
import { KEY_HINT_WORDS } from './detectors/generic-secret.js';
import { VENDOR_WORDS } from './detectors/vendor-keys.js';
import { wordsAlternation } from './text.js';
import { possibleInternational, validNational, VerdictCache } from './detectors/phone-plan.js';

describe('shared trigger pass', () => {
  it.each([
    ['card 4111 1111 1111 1111 end', { tightDigits: 16, looseDigits: 16 }],
    ['call (415) 555-0132', { tightDigits: 7, looseDigits: 10 }],
    ['ssn 123-45-6789', { tightDigits: 9, looseDigits: 9 }],
    ['no digits here', { tightDigits: 0, looseDigits: 0 }],
    ['12 ab 34', { tightDigits: 2, looseDigits: 2 }],
  ])('%j digit runs', (text, expected) => {
    const t = computeTriggers(text);
    expect({ tightDigits: t.tightDigits, looseDigits: t.looseDigits }).toEqual(expected);
  });

  it('counts separators, MAC octet separators and base64 runs', () => {
    const t = computeTriggers('a@b c:d e=f 00:1a:2b:3c:4d:5e ' + 'A'.repeat(250));
    expect(t.at).toBe(1);
    expect(t.equals).toBe(1);
    expect(t.colon).toBe(6);
    expect(t.octetSeparators).toBe(5);
    expect(t.base64Run).toBe(250);
  });

  it('counts Cisco MAC group dots, IPv6 hex colons and IBAN starts', () => {
    expect(computeTriggers('0123.4567.89ab').quadDots).toBe(2);
    expect(computeTriggers('v1.2.3 and 2024.1').quadDots).toBe(1);
    expect(computeTriggers('host ::1 up').hexColons).toBe(1);
    expect(computeTriggers('fe80::1ff:fe23').hexColons).toBe(3);
    expect(computeTriggers('name: value, key : x').hexColons).toBe(0);
    expect(computeTriggers('IBAN DE89 3704').letterDigitStarts).toBe(1);
    expect(computeTriggers('A1 B22 x 12').letterDigitStarts).toBe(0);
    expect(computeTriggers('XDE89 5DE89 de89').letterDigitStarts).toBe(1);
    expect(computeTriggers('https://a and x:/ y').schemeSeparators).toBe(1);
    expect(computeTriggers('fe80::1 and std::cout, 12:30').doubleColons).toBe(2);
  });

  it('finds literal prefixes per owner in one pass, including one-character and non-ASCII ones', () => {
    const index = new PrefixIndex([['ghp_', 'hvs.'], undefined, ['hvs.'], ['é!'], ['$']]);
    const hits = new Uint8Array(5);
    expect(index.mark('token hvs.x and é!', hits)).toBe(PREFIX_HIT);
    expect([...hits]).toEqual([1, 0, 1, 1, 0]);
    hits.fill(0);
    expect(index.mark('hvsAx ghp', hits)).toBe(0);
    expect([...hits]).toEqual([0, 0, 0, 0, 0]);
    expect(index.mark('ends with ghp_', hits)).toBe(PREFIX_HIT);
    expect(new PrefixIndex([undefined, []]).empty).toBe(true);
  });

  it('marks the same prefix owners inside the trigger pass as on their own', () => {
    const index = new PrefixIndex([['ghp_', 'hvs.'], ['xoxb-'], ['$'], ['eyJ']]);
    for (const text of ['ghp_abc and $5', 'xoxb- at start', 'nothing here', 'e', 'tail eyJ', 'xoxa-']) {
      const alone = new Uint8Array(4);
      const together = new Uint8Array(4);
      const any = index.mark(text, alone) !== 0;
      expect(computeTriggers(text, index, together).prefixFound).toBe(any);
      expect([...together]).toEqual([...alone]);
    }
    expect(computeTriggers('ghp_x').prefixFound).toBe(false);
  });
});

describe('keywords in the trigger pass', () => {
  it.each([
    ['a', 'A'],
    ['Z', 'z'],
    ['ö', 'Ö'],
    ['Ł', 'ł'],
    ['ſ', 'ſ'], // upper case S is ASCII: a non-Unicode /i regex keeps them apart
    ['ı', 'ı'],
    ['\u212a', '\u212a'], // KELVIN SIGN is not k
    ['ß', 'ß'], // upper case is two code units
    ['-', '-'],
  ])('caseFold(%j) = %j', (ch, expected) => expect(caseFold(ch)).toBe(expected));

  it('marks keyword owners in any case, beside prefix owners, alone and inside the trigger pass', () => {
    const index = new PrefixIndex([['ghp_'], undefined, undefined], [undefined, ['token', 'lösenord'], ['token']]);
    for (const [text, expected] of [
      ['my TOKEN ghp_x', [PREFIX_HIT, KEYWORD_HIT, KEYWORD_HIT]],
      ['LÖSENORD: x', [0, KEYWORD_HIT, 0]],
      ['tok en ghp', [0, 0, 0]],
      ['Tokenizer', [0, KEYWORD_HIT, KEYWORD_HIT]],
      ['to', [0, 0, 0]],
    ] as const) {
      const alone = new Uint8Array(3);
      const together = new Uint8Array(3);
      index.mark(text, alone);
      expect(computeTriggers(text, index, together).prefixFound).toBe(expected[0] !== 0);
      expect([...alone]).toEqual(expected);
      expect([...together]).toEqual(expected);
    }
  });

  it('marks exactly the owners whose prefix occurs, or whose keyword occurs in any case (property)', () => {
    // pairs shared by several entries, entries that end with their pair or continue past ASCII, a
    // keyword filed under a later pair: where the triple filter and the third-unit skip could go wrong
    const prefixes = [['ghp_', 'gho_'], ['sk-', 'sk-proj-'], ['ab'], ['abé'], ['xoxb-', 'xo']];
    const keywords = [['token', 'tok'], ['lösenord', 'passwort'], ['key', 'KEY_']];
    const owners = [...prefixes, ...keywords.map(() => undefined)];
    const index = new PrefixIndex(owners, [...prefixes.map(() => undefined), ...keywords]);
    const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    const expected = (text: string): number[] => [
      ...prefixes.map((ps) => (ps.some((p) => text.includes(p)) ? PREFIX_HIT : 0)),
      ...keywords.map((ws) => (ws.some((w) => new RegExp(escape(w), 'i').test(text)) ? KEYWORD_HIT : 0)),
    ];
    const pieces = fc.constantFrom('gh', 'p_', 'o_', 'sk', '-', 'proj', 'a', 'b', 'é', 'xo', 'xb', 'TO', 'ken', 'k', 'ö', 'LÖ', 'senord', 'pass', 'WORT', 'ey', 'Y_', ' ', '\n');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 16 }).map((a) => a.join('')), (text) => {
        const hits = new Uint8Array(owners.length);
        const t = computeTriggers(text, index, hits);
        const want = expected(text);
        expect([...hits]).toEqual(want);
        expect(t.prefixFound).toBe(want.some((b) => b === PREFIX_HIT));
      }),
      { seed: 7, numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });

  it('rejects a keyword it cannot file under an ASCII pair', () => {
    expect(() => new PrefixIndex([], [['öé']])).toThrow(/ASCII/);
  });

  it('finds the secret and vendor words exactly where the case-insensitive regexes do', () => {
    const words = [...KEY_HINT_WORDS, ...VENDOR_WORDS];
    const regex = new RegExp(wordsAlternation(words), 'i');
    const index = new PrefixIndex([], [words]);
    const hits = new Uint8Array(1);
    const found = (text: string): boolean => {
      hits[0] = 0;
      computeTriggers(text, index, hits);
      return hits[0] === KEYWORD_HIT;
    };
    for (const text of ['DB_PASSWORD=x', 'das Passwort', 'HASŁO: x', 'Lösenord', 'LOSENORD', 'datadog_api', 'x-api-KEY', 'nothing', 'pas sword', 'ſecret', 'to\u212aen']) {
      expect(found(text), text).toBe(regex.test(text));
    }
    const alphabet = fc.constantFrom(...'passwordtokenkeyhasłoösljiradatadog_ -:=PASSŁÖſ\u212aK'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => found(text) === regex.test(text)), {
      numRuns: Number(process.env.FUZZ_RUNS ?? 500),
    });
  });
});

describe('phone number plans', () => {
  it.each([
    ['4915123456789', true], // +49 1512 3456789
    ['12015550123', true], // +1 201 555 0123
    ['11235550123', false], // NANP area code cannot start with 1
    ['4412', false], // too short for +44
    ['999123456789', false], // 999 is not an assigned calling code
  ])('possibleInternational(%s) = %s', (digits, ok) => expect(possibleInternational(digits)).toBe(ok));

  it.each([
    ['07400123456', true], // GB mobile, trunk 0
    ['0301234567', true], // DE Berlin
    ['0612345678', true], // FR / NL mobile
    ['0000000', false],
  ])('validNational(%s) = %s', (digits, ok) => expect(validNational(digits)).toBe(ok));

  it('keeps at most `max` verdicts, evicting the least recently used', () => {
    const cache = new VerdictCache(2);
    cache.set('a', true);
    cache.set('b', false);
    expect(cache.get('a')).toBe(true); // a is now the most recent
    cache.set('c', true);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(true);
  });
});
