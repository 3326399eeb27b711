/**
 * Per-span explanations: what the policy found, did and decided for each span, built from the engine's
 * SpanDecisions (which carry entities, locations and rule ids, never values). The JSON output is this
 * view as it is; the text output renders it for a reviewer.
 *
 * Three rules keep it safe to paste into a ticket:
 * - a replacement is shown only when it is a placeholder (`<EMAIL_ADDRESS>`) or a keyed hash token
 *   (`<EMAIL_ADDRESS:hmac:…>`); a mask keeps the last characters of the value, and with a large
 *   `keep_last` or a short value that is most or all of it, so masks are described, never shown;
 * - locations and tenant ids, built from payload keys, pass through a scrubber (scrub.ts);
 * - the span name is the one the policy redacted.
 */
import type { RedactionAction, SpanDecision } from '../policy/types.js';
import type { Scrub } from './scrub.js';

export type Outcome = SpanDecision['classification'] | 'rejected';

export interface ExplainedRedaction {
  entity: string;
  detector: string;
  /** e.g. `span.attributes["gen_ai.input.messages"]`. */
  field: string;
  /** Inside a JSON-valued attribute, e.g. `$[0].parts[0].content`. */
  jsonPath?: string;
  action: RedactionAction;
  /** What was written in its place, when that is a placeholder; masks and drops are described instead. */
  replacement: string;
}

export interface ExplainedSpan {
  /** A span (`traces`) or a log record (`logs`). */
  signal: SpanDecision['signal'];
  /** Where the span came from: file, or file:line for JSON Lines. */
  origin: string;
  /** 1-based position of the span within its request. */
  index: number;
  traceId: string;
  spanId: string;
  name: string;
  tenant: { id: string | undefined; source: SpanDecision['tenantSource']; how: string };
  detected: ExplainedRedaction[];
  sampling: { sampled: boolean; reason: string };
  outcome: Outcome;
  rule: string | undefined;
  reason: string;
  discardReason?: string;
  rejectReason?: string;
}

const PLACEHOLDER = /^<[A-Z][A-Z0-9_]*(?::hmac:[0-9a-f]+)?>$/;

export function describeReplacement(action: RedactionAction, replacement: string | undefined, entity: string): string {
  switch (action) {
    case 'mask':
      return '(masked: only the last characters kept)';
    case 'drop_attribute':
      return '(attribute dropped)';
    case 'drop_span':
      return '(span dropped)';
    default:
      return replacement !== undefined && PLACEHOLDER.test(replacement) ? replacement : `<${entity}>`;
  }
}

function tenantHow(d: SpanDecision, scrub: Scrub): string {
  const id = d.tenant === undefined ? undefined : `'${scrub(d.tenant)}'`;
  switch (d.tenantSource) {
    case 'auth':
      return `${id} from the authenticated bearer token (takes precedence over the resource attribute)`;
    case 'resource':
      return `${id} from the resource attribute (the request is not authenticated as a tenant)`;
    case 'default':
      return `${id ?? 'none'} by default`;
    case 'none':
      return d.rejectReason !== undefined ? 'not resolved' : 'none: no token and no tenant resource attribute; the default contract applies';
  }
}

export function explainDecision(d: SpanDecision, origin: string, index: number, scrub: Scrub): ExplainedSpan {
  const detected = d.redactions.map((r): ExplainedRedaction => {
    const e: ExplainedRedaction = {
      entity: r.entity,
      detector: r.detector,
      field: scrub(r.location.field),
      action: r.action,
      replacement: describeReplacement(r.action, r.replacement, r.entity),
    };
    if (r.location.jsonPath !== undefined) e.jsonPath = scrub(r.location.jsonPath);
    return e;
  });
  const out: ExplainedSpan = {
    signal: d.signal,
    origin,
    index,
    traceId: d.traceId,
    spanId: d.spanId,
    name: scrub(d.name),
    tenant: { id: d.tenant === undefined ? undefined : scrub(d.tenant), source: d.tenantSource, how: tenantHow(d, scrub) },
    detected,
    sampling: { ...d.sampling },
    outcome: d.rejectReason !== undefined ? 'rejected' : d.classification,
    rule: d.rule === '' ? undefined : d.rule,
    reason: d.reason,
  };
  if (d.discardReason !== undefined) out.discardReason = d.discardReason;
  if (d.rejectReason !== undefined) out.rejectReason = d.rejectReason;
  return out;
}
