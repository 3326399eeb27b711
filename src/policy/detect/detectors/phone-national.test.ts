/**
 * nationalVerdict must give libphonenumber-js's own answer whenever it answers at all. Numbers are
 * generated per region from the shapes that take each path of the parse: trunk prefixes, the IDD
 * prefix, the calling code without '+', carrier codes, every possible length, and random digits.
 */
import { describe, expect, it } from 'vitest';
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { nationalVerdict } from './phone-national.js';
import { NATIONAL_REGIONS } from './phone-plan.js';
import { mulberry32 } from '../../../../test/support/rng.js';

const HEADS = ['', '0', '00', '01', '011', '1', '15', '8', '810', '9', '90', '0011', '183', '044', '045', '2', '3', '4', '5', '6', '7'];

function library(region: string, digits: string): boolean {
  const n = parsePhoneNumberFromString(digits, region as CountryCode);
  return n !== undefined && n.isValid();
}

describe('nationalVerdict agrees with libphonenumber-js', () => {
  it.each(NATIONAL_REGIONS.map((r) => [r]))('%s', (region) => {
    const random = mulberry32(region.charCodeAt(0) * 256 + region.charCodeAt(1));
    // the region's calling code written without '+', alone and before a trunk prefix
    const cc = getCountryCallingCode(region as CountryCode);
    const heads = [...HEADS, cc, cc, `${cc}0`, `${cc}1`, '0044', '0049', '0111', '01133', '00800', '0061', '00'];
    let answered = 0;
    let valid = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const head = heads[Math.floor(random() * heads.length)] ?? '';
      const length = 7 + Math.floor(random() * 9);
      let digits = head;
      while (digits.length < length) digits += String(Math.floor(random() * 10));
      const fast = nationalVerdict(region, digits);
      if (fast === undefined) continue;
      answered++;
      const truth = library(region, digits);
      if (truth) valid++;
      if (fast !== truth) disagreements.push(`${digits}: fast ${fast}, library ${truth}`);
    }
    expect(disagreements).toEqual([]);
    // the fast path must carry most of the load, or the scan falls back to parsing
    expect(answered).toBeGreaterThan(1800);
    expect(valid).toBeGreaterThan(0);
  });

  it('answers the textbook national numbers of several plans', () => {
    expect(nationalVerdict('GB', '02079460018')).toBe(true);
    expect(nationalVerdict('DE', '030901820')).toBe(true);
    expect(nationalVerdict('FR', '0612345678')).toBe(true);
    expect(nationalVerdict('US', '2015550123')).toBe(true);
    expect(nationalVerdict('US', '0234567890')).toBe(false);
    // the calling code written without '+': read as international where only that reading fits
    expect(nationalVerdict('US', '12015550123')).toBe(true);
    expect(nationalVerdict('US', '1234567890')).toBe(false);
    // after an IDD prefix: a calling code and a national number
    expect(nationalVerdict('US', '011442079460018')).toBe(true);
    expect(nationalVerdict('DE', '00442079460018')).toBe(true);
    expect(nationalVerdict('DE', '00999123456')).toBe(false);
    // a non-geographic calling code: left to the library
    expect(nationalVerdict('DE', '0080012345678')).toBeUndefined();
  });
});
