import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PHONE_CONTEXT } from './phone.js';

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
