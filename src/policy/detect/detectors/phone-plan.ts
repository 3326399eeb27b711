/**
 * Number-plan checks for phone candidates, backed by libphonenumber-js metadata (Google's
 * libphonenumber) and kept cheap for the hot path:
 *
 * - every region's possible national lengths and trunk prefix are read from the metadata once, so a
 *   digit string is only parsed for the regions where its length can be a number at all;
 * - verdicts are memoised in a small bounded LRU keyed by the normalised digit string. Real traffic
 *   repeats numbers (the same support line, the same customer), and parsing is the expensive part of
 *   phone detection. The cache holds booleans keyed by digits only; it never leaves the process and
 *   is never logged.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import metadata from 'libphonenumber-js/metadata.max.json';

interface RegionPlan {
  region: CountryCode;
  minLen: number;
  maxLen: number;
  /** Trunk prefix dialled before national numbers ('0', '8', '1' …), when the region has one. */
  trunk: string | undefined;
  /** The region rewrites national numbers while parsing (AR's "15", MX's "1"): skip the length test. */
  rewrites: boolean;
}

/**
 * Regions tried first, in order: where most traffic comes from. Every other region in the metadata is
 * tried after them, so the order only changes speed, never the verdict.
 */
const FIRST: readonly string[] = [
  'US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'ES', 'IT', 'NL', 'AU', 'CA', 'MX', 'CN', 'KR', 'RU', 'TR', 'PL',
  'BE', 'CH', 'AT', 'SE', 'NO', 'DK', 'FI', 'IE', 'PT', 'AR', 'CO', 'CL', 'PE', 'ZA', 'NG', 'KE', 'EG', 'SG',
  'HK', 'TW', 'NZ', 'AE', 'SA', 'IL', 'UA', 'RO', 'CZ', 'GR', 'HU', 'PH', 'ID', 'MY', 'TH', 'VN', 'PK', 'BD',
];

function readPlans(): RegionPlan[] {
  const countries = (metadata as unknown as { countries: Record<string, unknown[]> }).countries;
  const ordered = [...new Set([...FIRST, ...Object.keys(countries).sort()])];
  const plans: RegionPlan[] = [];
  for (const region of ordered) {
    const entry = countries[region];
    if (entry === undefined) continue;
    // compressed metadata layout: [callingCode, IDD prefix, national pattern, possible lengths, formats,
    // national prefix, national prefix for parsing, …]
    const lengths = Array.isArray(entry[3]) ? (entry[3] as number[]) : [];
    if (lengths.length === 0) continue;
    const trunk = typeof entry[5] === 'string' && entry[5].length > 0 ? entry[5] : undefined;
    plans.push({
      region: region as CountryCode,
      minLen: Math.min(...lengths),
      maxLen: Math.max(...lengths),
      trunk,
      rewrites: typeof entry[6] === 'string' && entry[6].length > 0,
    });
  }
  return plans;
}

const PLANS: readonly RegionPlan[] = readPlans();

function lengthFits(plan: RegionPlan, digits: string): boolean {
  if (plan.rewrites) return true;
  const n = digits.length;
  if (n >= plan.minLen && n <= plan.maxLen) return true;
  const t = plan.trunk;
  return t !== undefined && digits.startsWith(t) && n - t.length >= plan.minLen && n - t.length <= plan.maxLen;
}

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
    if (!lengthFits(plan, digits)) continue;
    const n = parsePhoneNumberFromString(digits, plan.region);
    if (n !== undefined && n.isValid()) {
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
  const n = parsePhoneNumberFromString('+' + digits);
  let ok = n !== undefined && n.isPossible();
  if (ok && n !== undefined && n.countryCallingCode === '1') ok = /^[2-9]\d{2}[2-9]\d{6}$/.test(n.nationalNumber);
  CACHE.set(key, ok);
  return ok;
}
