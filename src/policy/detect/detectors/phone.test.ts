import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { digitCountMayBePhone, isPhoneCandidate, PHONE_CONTEXT, phoneDetector } from './phone.js';

/** The phone words as first written, one flat alternation: the reference PHONE_CONTEXT's grouping must answer as. */
const FLAT =
  /(?:phone|tel\b|tel[.:]|tlf|call|mobil|cell|fax|whats ?app|sms|signal|viber|contact|kontakt|reach|ring|dial|number|nummer|num[ée]ro|n[úu]mero|telef|t[ée]l[ée]phone|portable|handy|m[oó]vil|celular|bel me|appel|ll[aá]m|ligue|chiam|ruf|電話|携帯|手机|电话|전화|msisdn|callback|hotline|helpline|@)/;

const WORDS = [
  'phone', 'tel', 'tel.', 'tel:', 'tlf', 'call', 'mobil', 'cell', 'fax', 'whatsapp', 'whats app', 'sms', 'signal', 'viber',
  'contact', 'kontakt', 'reach', 'ring', 'dial', 'number', 'nummer', 'numero', 'numéro', 'número', 'telef', 'telephone',
  'téléphone', 'télephone', 'portable', 'handy', 'movil', 'móvil', 'celular', 'bel me', 'appel', 'llam', 'llám', 'ligue',
  'chiam', 'ruf', '電話', '携帯', '手机', '电话', '전화', 'msisdn', 'callback', 'hotline', 'helpline', '@',
];

describe('PHONE_CONTEXT', () => {
  it.each(WORDS)('finds %j alone and inside a clause, as the flat alternation does', (w) => {
    for (const text of [w, `my ${w}: `, `x${w}y`]) expect(PHONE_CONTEXT.test(text)).toBe(FLAT.test(text));
    expect(PHONE_CONTEXT.test(w)).toBe(true);
  });

  it.each(['tele', 'telex', 'te l', 'mobile', 'cel', 'numbr', 'whats  app', ''])('%j: as the flat alternation says', (text) => {
    expect(PHONE_CONTEXT.test(text)).toBe(FLAT.test(text));
  });

  it('answers test() as the flat alternation does on any text', () => {
    const alphabet = fc.constantFrom(...'phonetlcaimbfxwsgvrkdugyéúóáEP.:@ 話电'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => PHONE_CONTEXT.test(text) === FLAT.test(text)),
      { seed: 20261203, numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });

  it('answers as the flat alternation on texts of word pieces (halves of phone words glued together)', () => {
    const pieces = WORDS.flatMap((w) => [w, w.slice(0, Math.ceil(w.length / 2)), w.slice(Math.ceil(w.length / 2))]);
    const piece = fc.constantFrom(...pieces, ' ', '.', 'b', 'e');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((a) => a.join('')), (text) => PHONE_CONTEXT.test(text) === FLAT.test(text)),
      { seed: 20261204, numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});

describe('digitCountMayBePhone', () => {
  it.each([
    ['12345', false],
    ['123456', false], // six digits, no separator
    ['123 456', true],
    ['1234567', true],
    ['+44 20 7946 0958', true],
    ['4111 1111 1111 1111', false], // sixteen digits
    ['123456789012345', true],
  ])('%j → %s', (raw, expected) => expect(digitCountMayBePhone(raw)).toBe(expected));

  it('is true for every candidate isPhoneCandidate accepts (generated texts)', () => {
    const digits = fc.integer({ min: 1, max: 20 }).chain((n) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`)));
    const grouped = fc
      .tuple(fc.array(fc.stringMatching(/^[0-9]{2,5}$/), { minLength: 2, maxLength: 6 }), fc.constantFrom(' ', '-', '.', ' - '))
      .map(([groups, sep]) => groups.join(sep));
    const piece = fc.oneof(
      digits,
      grouped,
      fc.constantFrom(' ', '-', '.', '(', ')', '+', '+1 ', '00', '(0)', ' ', ', ', ': '),
      fc.constantFrom('phone ', 'tel: ', 'call me on ', 'fax ', 'order ', 'IBAN DE89 ', 'x', ' ext. 12', 'ab', '@ '),
    );
    let long = 0;
    let solidSix = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }).map((a) => a.join('')), (text) => {
        const re = new RegExp(phoneDetector.patterns[0]!.source, 'g');
        for (const m of text.matchAll(re)) {
          if (digitCountMayBePhone(m[0])) continue;
          const n = m[0].replace(/\D/g, '').length;
          if (n > 15) long++;
          if (n === 6) solidSix++;
          expect(isPhoneCandidate(m[0], text, m.index)).toBe(false);
        }
      }),
      { seed: 20261208, numRuns: Number(process.env.FUZZ_RUNS ?? 3000) },
    );
    // the generator reaches the gated counts, not only short numbers
    expect(long).toBeGreaterThan(200);
    expect(solidSix).toBeGreaterThan(20);
  });
});
