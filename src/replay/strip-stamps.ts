/**
 * Recorded traffic may be Loopgate's own output: spans already stamped with their custody
 * (`loopgate.class`, `loopgate.rule`, …, design.md "What every exported span carries"). Replaying them
 * must answer "what would the policy do with this span fresh off the producer", so every `loopgate.*`
 * span attribute is removed first; otherwise a rule testing attributes could see the old verdict.
 *
 * Copy-on-write: spans without stamps are shared, the input is never modified (principle 5).
 */
import type { KeyValue, ScopeSpans, Span, TracesData } from '../otlp/model.js';

const STAMP_PREFIX = 'loopgate.';

function hasStamp(attrs: readonly KeyValue[]): boolean {
  for (const kv of attrs) if (kv.key.startsWith(STAMP_PREFIX)) return true;
  return false;
}

function stripSpan(span: Span): Span {
  if (!hasStamp(span.attributes)) return span;
  return { ...span, attributes: span.attributes.filter((kv) => !kv.key.startsWith(STAMP_PREFIX)) };
}

function stripScope(ss: ScopeSpans): ScopeSpans {
  let spans: Span[] | undefined;
  for (let i = 0; i < ss.spans.length; i++) {
    const span = ss.spans[i]!;
    const s = stripSpan(span);
    if (s !== span) (spans ??= ss.spans.slice())[i] = s;
  }
  return spans ? { ...ss, spans } : ss;
}

/** The request with `loopgate.*` span attributes removed; the same object when there were none. */
export function stripStamps(data: TracesData): TracesData {
  let changed = false;
  const resourceSpans = data.resourceSpans.map((rs) => {
    let scopeSpans: ScopeSpans[] | undefined;
    for (let i = 0; i < rs.scopeSpans.length; i++) {
      const ss = rs.scopeSpans[i]!;
      const s = stripScope(ss);
      if (s !== ss) (scopeSpans ??= rs.scopeSpans.slice())[i] = s;
    }
    if (!scopeSpans) return rs;
    changed = true;
    return { ...rs, scopeSpans };
  });
  return changed ? { resourceSpans } : data;
}
