/**
 * The units ops write in the config, parsed the way the OpenTelemetry Collector reads them:
 * durations as Go-style sequences (`300ms`, `5s`, `1m30s`) and sizes with decimal or binary suffixes
 * (`512KiB`, `20MiB`, `1MB`, or a plain number of bytes).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** `"1m30s"` → 90000. A bare number is refused (ambiguous), except `0`. */
export function parseDuration(text: string): Parsed<number> {
  const s = text.trim();
  if (s === '0') return { ok: true, value: 0 };
  if (s === '') return { ok: false, error: 'expected a duration such as "300ms", "5s" or "1m"' };
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < s.length) {
    const at = DURATION_PART.lastIndex;
    const m = DURATION_PART.exec(s);
    if (m === null || m.index !== at) {
      return { ok: false, error: `expected a duration such as "300ms", "5s" or "1m", got "${text}"` };
    }
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
  }
  return { ok: true, value: Math.round(total) };
}

/** A duration as YAML gives it: a string, or the number 0 (`timeout: 0`); any other bare number is ambiguous. */
export function parseDurationValue(input: string | number): Parsed<number> {
  if (typeof input === 'string') return parseDuration(input);
  if (input === 0) return { ok: true, value: 0 };
  return { ok: false, error: `expected a duration with a unit such as "300ms", "5s" or "1m", got the bare number ${input}` };
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/** `"20MiB"` → 20971520; a number is bytes. Refuses negatives, fractions of a byte and unknown units. */
export function parseByteSize(input: string | number): Parsed<number> {
  if (typeof input === 'number') {
    return Number.isSafeInteger(input) && input >= 0
      ? { ok: true, value: input }
      : { ok: false, error: `expected a whole number of bytes, got ${input}` };
  }
  const m = SIZE.exec(input.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    return { ok: false, error: `expected a size such as 1048576, "512KiB" or "20MiB", got "${input}"` };
  }
  const bytes = Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes)) return { ok: false, error: `size "${input}" is not a whole number of bytes` };
  return { ok: true, value: bytes };
}

export interface HostPort {
  host: string;
  port: number;
}

/**
 * `host:port`, `[::1]:port`, or `:port` (all interfaces, as the Collector reads it). Port 0 asks the
 * OS for a free port (tests use it).
 */
export function parseHostPort(text: string): Parsed<HostPort> {
  const s = text.trim();
  const bad = { ok: false as const, error: `expected host:port such as "127.0.0.1:4318", got "${text}"` };
  let host: string;
  let portText: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') return bad;
    host = s.slice(1, close);
    portText = s.slice(close + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon < 0 || s.indexOf(':') !== colon) return bad;
    host = s.slice(0, colon);
    portText = s.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText)) return bad;
  const port = Number(portText);
  if (port > 65535) return { ok: false, error: `port ${port} is out of range (0-65535)` };
  return { ok: true, value: { host: host === '' ? '0.0.0.0' : host, port } };
}

/** 90000 → `"1m30s"`: a duration as the config writes it, for messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}

/** 20971520 → `"20MiB"`: a size as the config writes it, for messages. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} byte${bytes === 1 ? "" : "s"}`;
}
