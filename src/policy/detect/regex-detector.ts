/**
 * The shape most built-in detectors share: one vetted global regex, a cheap prefilter, and an optional
 * validator that confirms a candidate (checksum, range, context) or narrows the reported span.
 */
import type { Detector, EntityName, Finding } from './types.js';
import type { Triggers } from './triggers.js';

/** Returned by a validator: drop the candidate, keep it as matched, or report a narrower span. */
export type Verdict = boolean | { start: number; end: number };

export interface RegexDetectorSpec {
  name: string;
  entity: EntityName;
  /** Must carry the `g` flag. Vetted for catastrophic backtracking by the recheck test. */
  pattern: RegExp;
  mayMatch(text: string): boolean;
  validate?(match: RegExpExecArray, text: string): Verdict;
  scansEncoded?: boolean;
  triggered?(t: Triggers, text: string): boolean;
  prefixes?: readonly string[];
  keywords?: readonly string[];
  /**
   * The code units a match must not follow, checked in code instead of as a leading lookbehind: a
   * pattern that starts with a lookbehind makes the regex engine try a match at every position, while
   * without it the engine skips ahead to where the pattern's first characters occur. A candidate after
   * such a code unit is dropped and the search resumes one position later, so the matches are exactly
   * those of the pattern with the lookbehind in front.
   */
  notAfter?(code: number): boolean;
}

/** A built-in detector exposes its regexes so the test suite can vet each one with recheck. */
export interface BuiltinDetector extends Detector {
  readonly patterns: readonly RegExp[];
  readonly scansEncoded?: boolean;
  /**
   * The scanner's prefilter, from the shared trigger pass: when present the scanner calls it instead
   * of `mayMatch`, and `find` runs only when it returns true.
   */
  triggered?(t: Triggers, text: string): boolean;
  /**
   * Literal prefixes every match starts with (vendor key prefixes, PEM and JWT frames). The scanner
   * looks for all detectors' prefixes in one regex pass and skips these detectors when none occurs.
   */
  readonly prefixes?: readonly string[];
  /**
   * Words, in any case, one of which every text `find` reports something in holds (the names a secret
   * key is given, vendor names). When the scanner has prefix-anchored detectors, its trigger pass
   * finds the keywords along with their prefixes (PrefixIndex) and skips a detector whose keywords the
   * text lacks; where it holds one, `triggered` decides, and so must not look for the keywords again.
   * `mayMatch` does look for them: the scanner asks it instead when it has no prefix lookups to add
   * the keywords to, and where the detector reads a different view of the text than the pass did.
   */
  readonly keywords?: readonly string[];
}

export function regexDetector(spec: RegexDetectorSpec): BuiltinDetector {
  const { name, entity, pattern, validate, notAfter } = spec;
  if (!pattern.global) throw new Error(`detector ${name}: pattern must be global`);
  return {
    name,
    entity,
    patterns: [pattern],
    ...(spec.scansEncoded ? { scansEncoded: true as const } : {}),
    ...(spec.triggered ? { triggered: spec.triggered } : {}),
    ...(spec.prefixes ? { prefixes: spec.prefixes } : {}),
    ...(spec.keywords ? { keywords: spec.keywords } : {}),
    mayMatch: spec.mayMatch,
    find(text: string, out: Finding[]): void {
      pattern.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = pattern.exec(text)) !== null) {
        if (m[0].length === 0) {
          pattern.lastIndex++;
          continue;
        }
        if (notAfter !== undefined && m.index > 0 && notAfter(text.charCodeAt(m.index - 1))) {
          pattern.lastIndex = m.index + 1;
          continue;
        }
        const verdict = validate ? validate(m, text) : true;
        if (verdict === true) {
          out.push({ entity, start: m.index, end: m.index + m[0].length, detector: name });
        } else if (verdict !== false && verdict.end > verdict.start) {
          out.push({ entity, start: verdict.start, end: verdict.end, detector: name });
        }
      }
    },
  };
}
