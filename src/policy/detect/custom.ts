/**
 * Custom detectors from policy YAML. Patterns are compiled with re2js (a port of RE2), whose automata
 * match in time linear in the input whatever the pattern (design principle 4: compliance YAML must
 * not be able to take the gateway down). RE2 has no backreferences or lookaround; such patterns are
 * refused with a message that says so, rather than silently changed.
 */
import { RE2JS } from 're2js';
import type { Detector, EntityName, Finding } from './types.js';

export interface CustomDetectorSpec {
  id: string;
  entity: EntityName;
  pattern: string;
  caseInsensitive?: boolean;
  /** Optional context words; a match counts only if one appears within CONTEXT_WINDOW chars of it. */
  context?: string[];
}

export type CompileDetectorResult = { ok: true; detector: Detector } | { ok: false; error: string };

/** How far before or after a match a context word may sit. */
export const CONTEXT_WINDOW = 64;

const ENTITY_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Turns an RE2 syntax error into a sentence a policy author can act on. */
function explainSyntaxError(message: string): string {
  if (/unsupported Perl syntax: `\(\?[=!]/.test(message)) {
    return 'lookahead assertions (?= and (?! are not supported: patterns use RE2 syntax, which matches in linear time';
  }
  if (/invalid named capture: `\(\?<[=!]/.test(message) || /`\(\?<[=!]/.test(message)) {
    return 'lookbehind assertions (?<= and (?<! are not supported: patterns use RE2 syntax, which matches in linear time';
  }
  if (/invalid escape sequence: `\\[1-9]/.test(message) || /`\\k</.test(message)) {
    return 'backreferences (\\1, \\k<name>) are not supported: patterns use RE2 syntax, which matches in linear time';
  }
  if (/invalid repeat count/.test(message)) return `${message} (RE2 allows repeat counts up to 1000)`;
  return message;
}

export function compileCustomDetector(spec: CustomDetectorSpec): CompileDetectorResult {
  if (spec.id.trim().length === 0) return { ok: false, error: "'id' must not be empty" };
  if (!ENTITY_NAME.test(spec.entity)) {
    return { ok: false, error: `'entity' must be upper snake case (e.g. EMPLOYEE_ID), got '${spec.entity}'` };
  }
  if (spec.pattern.length === 0) return { ok: false, error: "'pattern' must not be empty" };
  let re: RE2JS;
  try {
    re = RE2JS.compile(spec.pattern, spec.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `'pattern' is not a valid RE2 regular expression: ${explainSyntaxError(message)}` };
  }
  if (re.matcher('').find()) {
    return { ok: false, error: "'pattern' matches the empty string, so it would match everywhere" };
  }
  const context = (spec.context ?? []).map((w) => w.toLowerCase()).filter((w) => w.length > 0);
  const { id, entity } = spec;

  const hasContext = (text: string, start: number, end: number): boolean => {
    const window = text.slice(Math.max(0, start - CONTEXT_WINDOW), end + CONTEXT_WINDOW).toLowerCase();
    return context.some((w) => window.includes(w));
  };

  const detector: Detector = {
    name: id,
    entity,
    mayMatch(text: string): boolean {
      if (context.length === 0) return true;
      const lower = text.toLowerCase();
      return context.some((w) => lower.includes(w));
    },
    find(text: string, out: Finding[]): void {
      const m = re.matcher(text);
      while (m.find()) {
        const start = m.start();
        const end = m.end();
        if (end <= start) continue;
        if (context.length > 0 && !hasContext(text, start, end)) continue;
        out.push({ entity, start, end, detector: id });
      }
    },
  };
  return { ok: true, detector };
}
