/** `30s`, `15m`, `1h`, `1d`, `1w` → milliseconds (already validated by DurationSchema). */
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(text: string): number | undefined {
  const m = /^([1-9][0-9]*)(s|m|h|d|w)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
