/**
 * The shared trigger pass (issue §6: "as few passes over each string as possible, with cheap
 * prefilters"). One loop over the UTF-16 code units of a string counts what the built-in detectors'
 * prefilters ask about (an '@', digit runs long enough for a card or a phone number, separators,
 * a base64 run), so each detector decides whether to run from a few integers instead of scanning the
 * string again. Vendor key prefixes are found by one native regex over the union of every detector's
 * prefixes, built once per scanner.
 */

export interface Triggers {
  /** Longest digit run in which single spaces or dashes may separate digits (cards, SSNs). */
  tightDigits: number;
  /** Longest digit run with up to three of ` ()-.+` or NBSP between digits (phone numbers). */
  looseDigits: number;
  at: number;
  colon: number;
  equals: number;
  dot: number;
  dash: number;
  /** Longest run of the base64 alphabet [A-Za-z0-9+/]. */
  base64Run: number;
  /** ':' or '-' right after exactly two hex digits, as between the octets of a MAC address. */
  octetSeparators: number;
}

function isLooseSeparator(c: number): boolean {
  return c === 32 || c === 40 || c === 41 || c === 45 || c === 46 || c === 43 || c === 0xa0;
}

export function computeTriggers(text: string): Triggers {
  let tight = 0;
  let tightBest = 0;
  let tightGap = 0;
  let loose = 0;
  let looseBest = 0;
  let looseGap = 0;
  let at = 0;
  let colon = 0;
  let equals = 0;
  let dot = 0;
  let dash = 0;
  let b64 = 0;
  let b64Best = 0;
  let hex = 0;
  let octetSeparators = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      hex++;
      tight = tightGap <= 1 ? tight + 1 : 1;
      tightGap = 0;
      loose = looseGap <= 3 ? loose + 1 : 1;
      looseGap = 0;
      if (tight > tightBest) tightBest = tight;
      if (loose > looseBest) looseBest = loose;
      b64++;
      continue;
    }
    // a non-digit: extend the gap (separators) or end the runs
    if (c === 32 || c === 45) tightGap++;
    else tightGap = 2;
    if (isLooseSeparator(c)) looseGap++;
    else looseGap = 4;
    if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102)) hex++;
    else {
      if (hex === 2 && (c === 58 || c === 45)) octetSeparators++;
      hex = 0;
    }
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47) {
      b64++;
      if (b64 > b64Best) b64Best = b64;
      continue;
    }
    if (b64 > b64Best) b64Best = b64;
    b64 = 0;
    if (c === 64) at++;
    else if (c === 58) colon++;
    else if (c === 61) equals++;
    else if (c === 46) dot++;
    else if (c === 45) dash++;
  }
  if (b64 > b64Best) b64Best = b64;
  return { tightDigits: tightBest, looseDigits: looseBest, at, colon, equals, dot, dash, base64Run: b64Best, octetSeparators };
}

/** One regex that finds any of `prefixes` (escaped literals), or undefined when there are none. */
export function prefixUnion(prefixes: readonly string[]): RegExp | undefined {
  const unique = [...new Set(prefixes)].filter((p) => p.length > 0);
  if (unique.length === 0) return undefined;
  return new RegExp(unique.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}
