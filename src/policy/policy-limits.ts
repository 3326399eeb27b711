/**
 * Limits on a policy's size and counts (issue #13 item 13). A policy is input too: compliance YAML
 * (and whatever an `extends:` points at) must not be able to make the gateway read, compile or run
 * without bound. Each limit is far above what a real policy needs; past one the policy is refused
 * with a message at the offending key, and the running policy keeps serving.
 *
 * The counts that matter most are the ones paid on the hot path for every span or attribute: skip
 * keys (tested per attribute), custom detectors (run per string), rules, keep rules and caps (tested
 * per span).
 */

/** Bytes of one policy file; larger files are refused before they are parsed. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;
/** `*.yaml` files in a policy folder (a base and per-tenant overrides). */
export const MAX_POLICY_FILES = 1000;

export const MAX_SKIP_KEYS = 1000;
/** Characters of one skip key or glob. */
export const MAX_KEY_LENGTH = 256;
export const MAX_CUSTOM_DETECTORS = 200;
/** Characters of one RE2 pattern (custom detectors, `matches:`). */
export const MAX_PATTERN_LENGTH = 4096;
export const MAX_CONTEXT_WORDS = 100;
export const MAX_RULES = 1000;
export const MAX_KEEP_RULES = 200;
export const MAX_CAPS = 200;
/** Conditions in one `all:` / `any:`, and values in one `in:` list. */
export const MAX_LIST_ITEMS = 1000;
/** Tenants with a contract in `tenants.contracts`. */
export const MAX_TENANT_CONTRACTS = 10_000;
export const MAX_SIGNAL_ALIASES = 1000;

/** The refusal zod reports for a list over its limit (`rules: at most 1000 entries (a policy limit)`). */
export function tooMany(limit: number): string {
  return `at most ${limit} entries (a policy limit)`;
}

export function tooLong(limit: number): string {
  return `at most ${limit} characters (a policy limit)`;
}
