/**
 * Validity of a national phone number (digits only, written without a country code) in one region,
 * decided from libphonenumber-js metadata with regexes compiled once, instead of a full parse.
 *
 * `parsePhoneNumberFromString(digits, region).isValid()` builds metadata wrappers and compiles the
 * same metadata regexes on every call; on the scan hot path that cost tens of microseconds per
 * region tried. This module follows the same steps (Google libphonenumber's parse of a national
 * number, as ported by libphonenumber-js) for the common cases and answers `undefined` for the rare
 * ones it does not reproduce, so the caller falls back to the library and the verdict is always the
 * library's own:
 *
 * 1. digits starting with the region's international (IDD) prefix are read as an international
 *    number (calling code, then national number); digits starting with the region's calling code
 *    are read as international when only that reading fits; non-geographic calling codes (+800 …)
 *    are left to the library (fallback);
 * 2. the national prefix for parsing (trunk prefix, carrier codes) is stripped when it matches and
 *    the rest is still a possible length for the region; a prefix rule whose capture groups match
 *    (carrier codes, rewrite rules such as AR's mobile "15" or BR's carrier selection) is not
 *    reproduced (fallback);
 * 3. the region is narrowed within its calling code (NANP, +44, +7 …) by leading digits or by the
 *    first region whose number types fit;
 * 4. the number is valid when it matches the region's national pattern and the pattern and possible
 *    lengths of at least one number type (fixed line, mobile, toll free, …).
 *
 * A test compares every answer of `nationalVerdict` with the library over generated numbers for
 * every region the phone detector tries.
 */
import metadata from 'libphonenumber-js/metadata.max.json';

/** Compressed metadata layout of one region (libphonenumber-js `metadata.max.json`). */
const CALLING_CODE = 0;
const IDD_PREFIX = 1;
const NATIONAL_PATTERN = 2;
const POSSIBLE_LENGTHS = 3;
const NATIONAL_PREFIX = 5;
const NATIONAL_PREFIX_FOR_PARSING = 7;
const LEADING_DIGITS = 10;
const TYPES = 11;

interface NumberType {
  pattern: RegExp;
  lengths: readonly number[];
}

interface Plan {
  callingCode: string;
  idd: RegExp | undefined;
  national: RegExp | undefined;
  lengths: readonly number[] | undefined;
  prefixForParsing: RegExp | undefined;
  leadingDigits: RegExp | undefined;
  /** undefined when the region has no number types (the library then checks the national pattern only). */
  types: readonly NumberType[] | undefined;
}

type Entry = readonly unknown[];
const JSON_METADATA = metadata as unknown as {
  countries: Record<string, Entry>;
  country_calling_codes: Record<string, readonly string[]>;
  nonGeographic?: Record<string, Entry>;
};

function str(entry: Entry, i: number): string | undefined {
  const v = entry[i];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** `^(?:source)` or `^(?:source)$`: the library's `search() === 0` and `matchesEntirely`. */
function anchored(source: string | undefined, whole: boolean): RegExp | undefined {
  return source === undefined ? undefined : new RegExp(`^(?:${source})${whole ? '$' : ''}`);
}

function compilePlan(entry: Entry): Plan {
  const lengths = Array.isArray(entry[POSSIBLE_LENGTHS]) ? (entry[POSSIBLE_LENGTHS] as number[]) : undefined;
  const rawTypes = entry[TYPES];
  let types: NumberType[] | undefined;
  if (Array.isArray(rawTypes) && rawTypes.length > 0) {
    types = [];
    // fixed line, mobile, toll free, premium rate, personal, voicemail, UAN, pager, VoIP, shared cost:
    // the library tries them in a different order, but "is there one that fits" does not depend on it
    for (const t of rawTypes as unknown[]) {
      if (!Array.isArray(t) || typeof t[0] !== 'string' || t[0] === '') continue;
      const own = Array.isArray(t[1]) ? (t[1] as number[]) : undefined;
      types.push({ pattern: new RegExp(`^(?:${t[0]})$`), lengths: own ?? lengths ?? [] });
    }
  }
  return {
    callingCode: String(entry[CALLING_CODE]),
    idd: anchored(str(entry, IDD_PREFIX), false),
    national: anchored(str(entry, NATIONAL_PATTERN), true),
    lengths,
    // the national prefix stands in when there is no separate rule for parsing
    prefixForParsing: anchored(str(entry, NATIONAL_PREFIX_FOR_PARSING) ?? str(entry, NATIONAL_PREFIX), false),
    leadingDigits: anchored(str(entry, LEADING_DIGITS), false),
    types,
  };
}

const PLANS = new Map<string, Plan>();

function planOf(region: string): Plan | undefined {
  let plan = PLANS.get(region);
  if (plan === undefined) {
    const entry = JSON_METADATA.countries[region];
    if (entry === undefined) return undefined;
    plan = compilePlan(entry);
    PLANS.set(region, plan);
  }
  return plan;
}

function matches(re: RegExp | undefined, s: string): boolean {
  return re === undefined ? s === '' : re.test(s);
}

/** The library's getNumberType(…) !== undefined, or its national-pattern check when a region has no types. */
function typeFits(plan: Plan, nsn: string): boolean {
  if (!matches(plan.national, nsn)) return false;
  if (plan.types === undefined) return true;
  for (const t of plan.types) {
    if (t.lengths.length > 0 && !t.lengths.includes(nsn.length)) continue;
    if (t.pattern.test(nsn)) return true;
  }
  return false;
}

/** The region a national number belongs to among those sharing a calling code (getCountryByCallingCode). */
function regionWithin(callingCode: string, nsn: string): string | undefined {
  const regions = JSON_METADATA.country_calling_codes[callingCode];
  if (regions === undefined) return undefined;
  if (regions.length === 1) return regions[0];
  for (const region of regions) {
    const plan = planOf(region);
    if (plan === undefined) continue;
    if (plan.leadingDigits !== undefined) {
      if (plan.leadingDigits.test(nsn)) return region;
    } else if (typeFits(plan, nsn)) {
      return region;
    }
  }
  return undefined;
}

/** checkNumberLength(…) is neither TOO_SHORT nor INVALID_LENGTH (lengths are sorted ascending). */
function lengthPossible(lengths: readonly number[], n: number): boolean {
  const min = lengths[0];
  if (min === undefined || n === min) return true;
  if (n < min) return false;
  if (n > (lengths[lengths.length - 1] ?? 0)) return true; // TOO_LONG still counts as possible here
  return lengths.includes(n);
}

/**
 * The library's extractNationalNumber: the national prefix for parsing is stripped when it matches,
 * unless only the whole number fits the national pattern or the rest is an impossible length.
 * `undefined` when the rule's capture groups match (carrier codes, rewrites): left to the library.
 */
function extractNational(plan: Plan, digits: string): string | undefined {
  if (plan.prefixForParsing === undefined) return digits;
  const m = plan.prefixForParsing.exec(digits);
  if (m === null) return digits;
  if (m.length > 1 && m[m.length - 1]) return undefined;
  const stripped = digits.slice(m[0].length);
  if (stripped === digits) return digits;
  if (matches(plan.national, digits) && !matches(plan.national, stripped)) return digits;
  if (plan.lengths === undefined) return stripped;
  // the length is judged by the region the stripped number belongs to, when one is found
  const within = regionWithin(plan.callingCode, stripped);
  const lengths = within === undefined ? plan.lengths : planOf(within)?.lengths;
  return lengths === undefined || lengthPossible(lengths, stripped.length) ? stripped : digits;
}

/** National significant numbers the library accepts at all (MIN/MAX_LENGTH_FOR_NSN). */
function nsnLengthOk(nsn: string): boolean {
  return nsn.length >= 2 && nsn.length <= 17;
}

/**
 * `rest` is what follows an IDD prefix: a calling code (E.164 codes are prefix-free, 1–3 digits) and
 * a national number, judged in the calling code's main region and narrowed as the library does.
 */
function internationalVerdict(rest: string): boolean | undefined {
  for (let len = 1; len <= 3 && len <= rest.length; len++) {
    const code = rest.slice(0, len);
    // non-geographic codes (+800, +882 …) have plans of their own: left to the library
    if (JSON_METADATA.nonGeographic?.[code] !== undefined) return undefined;
    const regions = JSON_METADATA.country_calling_codes[code];
    if (regions === undefined) continue;
    const main = planOf(regions[0] ?? '');
    if (main === undefined) return undefined;
    const number = rest.slice(len);
    if (number === '') return false;
    const nsn = extractNational(main, number);
    if (nsn === undefined) return undefined;
    if (!nsnLengthOk(nsn)) return false;
    const exact = regionWithin(code, nsn);
    const final = exact === undefined ? main : planOf(exact);
    return final !== undefined && typeFits(final, nsn);
  }
  return false; // no calling code: the library finds no numbering plan
}

/**
 * Whether `digits` (ASCII digits only, 7–17 of them) is a valid national number of `region`, as
 * libphonenumber-js would answer; `undefined` when the number takes a path this module does not
 * reproduce and the library must be asked.
 */
export function nationalVerdict(region: string, digits: string): boolean | undefined {
  const plan = planOf(region);
  if (plan === undefined) return undefined;
  // after the region's IDD prefix (`00`, `011` …) the library reads an international number, unless
  // nothing or a '0' follows the prefix
  const idd = plan.idd?.exec(digits);
  if (idd != null) {
    const rest = digits.slice(idd[0].length);
    if (rest !== '' && rest.charCodeAt(0) !== 48) return internationalVerdict(rest);
  }
  if (digits.startsWith(plan.callingCode)) {
    // the calling code written without '+' (`1 800 …` in the US): the library reads the number as
    // international when only the shorter reading fits the national pattern, or the whole is too long
    const shorter = digits.slice(plan.callingCode.length);
    const shortNsn = extractNational(plan, shorter);
    const wholeNsn = extractNational(plan, digits);
    if (shortNsn === undefined || wholeNsn === undefined) return undefined;
    const maxLen = plan.lengths?.[plan.lengths.length - 1];
    const international =
      (!matches(plan.national, wholeNsn) && matches(plan.national, shortNsn)) || (maxLen !== undefined && wholeNsn.length > maxLen);
    if (international) {
      const main = planOf(JSON_METADATA.country_calling_codes[plan.callingCode]?.[0] ?? region);
      if (main === undefined) return undefined;
      const nsn = extractNational(main, shorter);
      if (nsn === undefined) return undefined;
      if (!nsnLengthOk(nsn)) return false;
      const exact = regionWithin(plan.callingCode, nsn);
      const final = exact === undefined ? main : planOf(exact);
      return final !== undefined && typeFits(final, nsn);
    }
  }
  const nsn = extractNational(plan, digits);
  if (nsn === undefined) return undefined;
  if (!nsnLengthOk(nsn)) return false;
  const exact = regionWithin(plan.callingCode, nsn) ?? region;
  const final = planOf(exact);
  return final !== undefined && typeFits(final, nsn);
}
