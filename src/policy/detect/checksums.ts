/** Check-digit algorithms the validated detectors rely on. Pure functions over digit strings. */

/**
 * Luhn (ISO/IEC 7812-1 annex B): payment card numbers. `digits` must be ASCII digits only, unless
 * `skipOthers`: then the check runs over the ASCII digits of a number as written (`4111 1111 …`),
 * the other code units skipped, as on digitsOf(digits) without the copy.
 */
export function luhnValid(digits: string, skipOthers = false): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      if (skipOthers) continue;
      return false;
    }
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * IBAN lengths per country code, from the SWIFT IBAN registry (ISO 13616). A country's IBAN has exactly
 * this many characters, so the table both rejects unknown prefixes and fixes where an IBAN ends.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/**
 * ISO 7064 MOD 97-10 as IBAN uses it: move the first four characters to the end, map letters to
 * 10..35, and the whole number mod 97 must be 1. Computed piecewise so no big integers are needed.
 * `iban` must be upper-case alphanumerics without separators.
 */
export function ibanChecksumValid(iban: string): boolean {
  const n = iban.length;
  let rem = 0;
  for (let k = 0; k < n && rem >= 0; k++) rem = mod97Append(rem, iban.charCodeAt((k + 4) % n));
  return rem === 1;
}

/**
 * One step of ibanChecksumValid: the remainder mod 97 after appending the upper-case alphanumeric
 * `c` to the number whose remainder is `rem` (a digit as one decimal digit, a letter as 10..35, two),
 * or -1 for any other code unit. Lets the IBAN detector check the digits while it walks the text.
 */
export function mod97Append(rem: number, c: number): number {
  if (c >= 48 && c <= 57) return (rem * 10 + (c - 48)) % 97;
  if (c >= 65 && c <= 90) return (rem * 100 + (c - 55)) % 97;
  return -1;
}
