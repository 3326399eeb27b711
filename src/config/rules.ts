/**
 * The value rules of the gateway config, in our wording. Each rule is a pure function from a parsed
 * value to a message (or undefined when the value is fine); the schema (schema.ts) attaches them to
 * keys, and the YAML layer prints them as `file:line:col: <key path>: <message>`.
 *
 * Messages say what the key must be and what it got ("must be at least 0 and less than 1, got 1"),
 * never zod's default text, and never echo a value that may be a secret (tokens, header values).
 */
import { formatByteSize, formatDuration } from './units.js';

export type Rule<T> = (value: T) => string | undefined;

/**
 * The longest delay a Node.js timer keeps (2^31 − 1 ms, about 24.8 days); a longer one fires at once.
 * Durations that become timers (timeouts, backoff intervals, the drain deadline) stay within it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** The largest value an HTTP/2 SETTINGS parameter holds (RFC 9113 §6.5.1: 32 bits), as Node.js accepts it. */
export const MAX_HTTP2_SETTING = 4_294_967_295;

export const wholeNumber =
  (min: number, max?: number, note = ''): Rule<number> =>
  (v) => {
    const ok = Number.isInteger(v) && v >= min && (max === undefined || v <= max);
    if (ok) return undefined;
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    return `must be a whole number ${range}${note}, got ${v}`;
  };

/** min ≤ v < maxExclusive. */
export const fractionBelow =
  (min: number, maxExclusive: number): Rule<number> =>
  (v) =>
    v >= min && v < maxExclusive ? undefined : `must be at least ${min} and less than ${maxExclusive}, got ${v}`;

export const atLeast =
  (min: number, note = ''): Rule<number> =>
  (v) =>
    v >= min ? undefined : `must be at least ${min}${note}, got ${v}`;

/** A duration that becomes a timer: more than 0 (unless `allowZero`), at most MAX_TIMER_MS. */
export const timerDuration =
  (allowZero = false): Rule<number> =>
  (ms) => {
    if (ms === 0 && !allowZero) return 'must be longer than 0';
    if (ms > MAX_TIMER_MS) return `must be at most ${formatDuration(MAX_TIMER_MS - (MAX_TIMER_MS % 1000))} (the longest timer Node.js keeps), got ${formatDuration(ms)}`;
    return undefined;
  };

export const positiveSize: Rule<number> = (bytes) => (bytes >= 1 ? undefined : `must be at least 1 byte, got ${formatByteSize(bytes)}`);

export const notBlank: Rule<string> = (s) => (s.trim() === '' ? 'must not be empty' : undefined);

/** A tenant name ends up as a path segment ({tenant} in endpoints and file paths). */
export const tenantName: Rule<string> = (s) =>
  s === '.' || s === '..' ? `must not be '.' or '..': {tenant} puts the tenant into URL paths and file paths` : undefined;

/** What a value is, without quoting it (it may be a secret). */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'true or false';
  return typeof v;
}

export const isMapping: Rule<unknown> = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : `expected a mapping, got ${kindOf(v)}`;

/**
 * Two values that must be ordered (small ≤ large), either of which may be a default. The message goes
 * on the key that was written: "must be at least 'initial_interval' (10s), got 5s", or, when the other
 * side is a default, "must be at most 'max_interval' (30s, the default; set it too to allow more), got 1m".
 */
export function orderProblem(
  small: { key: string; value: number; isDefault: boolean },
  large: { key: string; value: number; isDefault: boolean },
  format: (n: number) => string,
): string | undefined {
  if (large.value >= small.value) return undefined;
  return large.isDefault
    ? `must be at most '${large.key}' (${format(large.value)}, the default; set it too to allow more), got ${format(small.value)}`
    : `must be at least '${small.key}' (${format(small.value)}${small.isDefault ? ', the default' : ''}), got ${format(large.value)}`;
}
