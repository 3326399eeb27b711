/**
 * Number-plan checks for phone candidates, backed by libphonenumber-js metadata (Google's
 * libphonenumber) and kept cheap for the hot path:
 *
 * - every region's possible national lengths and trunk prefix are read from the metadata once, so a
 *   digit string is only parsed for the regions where its length can be a number at all;
 * - validity is decided from metadata regexes compiled once (phone-national.ts), with the library's
 *   full parse only for the few number shapes that module leaves to it;
 * - verdicts are memoised in a small bounded LRU keyed by the normalised digit string. Real traffic
 *   repeats numbers (the same support line, the same customer), and parsing is the expensive part of
 *   phone detection. The cache holds booleans keyed by digits only; it never leaves the process and
 *   is never logged.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';
import { nationalVerdict } from './phone-national.js';

interface RegionPlan {
  region: CountryCode;
  minLen: number;
  maxLen: number;
  /** Trunk prefix dialled before national numbers ('0', '8', '1' …), when the region has one. */
  trunk: string | undefined;
  /** The region rewrites national numbers while parsing (AR's "15", MX's "1"): skip the length test. */
  rewrites: boolean;
  /** libphonenumber's general national-number pattern, anchored; compiled on first use. */
  source: string;
  pattern?: RegExp;
}

/**
 * Regions whose national numbers (written without a country code) are recognised, in the order they
 * are tried: the most populous and most connected numbering plans. Trying all ~245 regions would make
 * every non-phone digit group cost hundreds of parses; numbers from any region are still recognised
 * when written with '+' or '00' and a country code, which is checked against every calling code.
 */
export const NATIONAL_REGIONS: readonly string[] = [
  'US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'ES', 'IT', 'NL', 'AU', 'CA', 'MX', 'CN', 'KR', 'RU', 'TR', 'PL',
  'BE', 'CH', 'AT', 'SE', 'NO', 'DK', 'FI', 'IE', 'PT', 'AR', 'CO', 'CL', 'PE', 'ZA', 'NG', 'KE', 'EG', 'SG',
  'HK', 'TW', 'NZ', 'AE', 'SA', 'IL', 'UA', 'RO', 'CZ', 'GR', 'HU', 'PH', 'ID', 'MY', 'TH', 'VN', 'PK', 'BD',
  'SK', 'SI', 'HR', 'RS', 'BG', 'LT', 'LV', 'EE', 'LU', 'IS', 'MA', 'DZ', 'TN', 'GH', 'ET', 'TZ', 'UG', 'QA',
  'KW', 'JO', 'LB', 'VE', 'EC', 'UY', 'CR', 'PA', 'DO', 'GT', 'PR', 'LK', 'NP',
];

function readPlans(): RegionPlan[] {
  const countries = (metadata as unknown as { countries: Record<string, unknown[]> }).countries;
  const ordered = NATIONAL_REGIONS;
  const plans: RegionPlan[] = [];
  for (const region of ordered) {
    const entry = countries[region];
    if (entry === undefined) continue;
    // compressed metadata layout: [callingCode, IDD prefix, national pattern, possible lengths, formats,
    // national prefix, national prefix formatting rule, national prefix for parsing, …]
    const lengths = Array.isArray(entry[3]) ? (entry[3] as number[]) : [];
    if (lengths.length === 0) continue;
    const trunk = typeof entry[5] === 'string' && entry[5].length > 0 ? entry[5] : undefined;
    plans.push({
      region: region as CountryCode,
      minLen: Math.min(...lengths),
      maxLen: Math.max(...lengths),
      trunk,
      rewrites: typeof entry[7] === 'string' && entry[7].length > 0,
      source: typeof entry[2] === 'string' ? entry[2] : '',
    });
  }
  return plans;
}

const PLANS: readonly RegionPlan[] = readPlans();

function nationalFits(plan: RegionPlan, nsn: string): boolean {
  if (nsn.length < plan.minLen || nsn.length > plan.maxLen) return false;
  if (plan.source === '') return true;
  // the metadata's patterns run on at most 17 digits, so their cost is bounded whatever their shape
  plan.pattern ??= new RegExp(`^(?:${plan.source})$`);
  return plan.pattern.test(nsn);
}

/** Could `digits` (with or without the region's trunk prefix) be a national number of this region? */
function planFits(plan: RegionPlan, digits: string): boolean {
  if (plan.rewrites) return true;
  if (nationalFits(plan, digits)) return true;
  const t = plan.trunk;
  return t !== undefined && digits.startsWith(t) && nationalFits(plan, digits.slice(t.length));
}

/** Calling code → every region's [min, max] national length under it (E.164: code + number ≤ 15 digits). */
function readCallingCodes(): Map<string, { minLen: number; maxLen: number }> {
  const json = metadata as unknown as { country_calling_codes: Record<string, string[]>; countries: Record<string, unknown[]>; nonGeographic?: Record<string, unknown[]> };
  const out = new Map<string, { minLen: number; maxLen: number }>();
  for (const [code, regions] of Object.entries(json.country_calling_codes)) {
    let minLen = Infinity;
    let maxLen = 0;
    for (const region of regions) {
      const entry = json.countries[region] ?? json.nonGeographic?.[code];
      const lengths = entry !== undefined && Array.isArray(entry[3]) ? (entry[3] as number[]) : [];
      // regions that rewrite numbers while parsing (AR's mobile "15", MX's "1") are written longer
      const slack = entry !== undefined && typeof entry[7] === 'string' && entry[7].length > 0 ? 2 : 0;
      for (const l of lengths) {
        minLen = Math.min(minLen, l);
        maxLen = Math.max(maxLen, l + slack);
      }
    }
    if (maxLen > 0) out.set(code, { minLen, maxLen });
  }
  return out;
}

const CALLING_CODES = readCallingCodes();

/** A bounded least-recently-used map of verdicts. */
export class VerdictCache {
  private readonly map = new Map<string, boolean>();
  constructor(private readonly max: number) {}
  get(key: string): boolean | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: boolean): void {
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
    this.map.set(key, v);
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

const CACHE = new VerdictCache(8192);

/** Empties the verdict cache (benchmarks measure cold scans with it). */
export function clearPhoneCache(): void {
  CACHE.clear();
}

/** The full parse, for the few numbers nationalVerdict leaves to the library. */
function libraryValid(digits: string, region: CountryCode): boolean {
  const n = parsePhoneNumberFromString(digits, region);
  return n !== undefined && n.isValid();
}

/**
 * True when `digits` (a number written without a country code, trunk prefix included) is a valid
 * number in some region.
 */
export function validNational(digits: string): boolean {
  const key = 'n' + digits;
  const hit = CACHE.get(key);
  if (hit !== undefined) return hit;
  let ok = false;
  for (const plan of PLANS) {
    if (!planFits(plan, digits)) continue;
    if (nationalVerdict(plan.region, digits) ?? libraryValid(digits, plan.region)) {
      ok = true;
      break;
    }
  }
  CACHE.set(key, ok);
  return ok;
}

/**
 * True when `digits` (country code first, as after '+' or '00') is a possible number for that
 * country code; NANP (+1) numbers must also have the NXX-NXX-XXXX structure.
 */
export function possibleInternational(digits: string): boolean {
  const key = 'i' + digits;
  const hit = CACHE.get(key);
  if (hit !== undefined) return hit;
  let ok = false;
  // calling codes are prefix-free (ITU-T E.164), so at most one of the 1-, 2- and 3-digit prefixes is one
  for (let len = 1; len <= 3 && !ok; len++) {
    const plan = CALLING_CODES.get(digits.slice(0, len));
    if (plan === undefined) continue;
    const national = digits.slice(len);
    ok = national.length >= plan.minLen && national.length <= plan.maxLen;
    if (ok && len === 1 && digits[0] === '1') ok = /^[2-9]\d{2}[2-9]\d{6}$/.test(national);
    break;
  }
  CACHE.set(key, ok);
  return ok;
}
