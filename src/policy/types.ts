/**
 * The domain of the policy engine: classes, request context, decisions and results.
 * The engine is pure and synchronous: spans in, decisions out (design.md, "Data flow").
 */
import type { TracesData } from '../otlp/model.js';
import type { CapKey } from './caps.js';
import type { EntityName } from './detect/types.js';

export const CLASSIFICATIONS = ['broad-use', 'tenant-only', 'eval-only', 'discard'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
/** The classes that are ever exported. */
export type ExportClass = Exclude<Classification, 'discard'>;
export const EXPORT_CLASSES: readonly ExportClass[] = ['broad-use', 'tenant-only', 'eval-only'];

/** Why a span accepted by the receiver was not exported. Every one is counted (principle 2). */
export type DiscardReason =
  | 'no_rule_matched' // fail closed: no classification rule matched
  | 'rule' // a rule classified it `discard`
  | 'sampled_out' // probabilistic sampling
  | 'cap_exceeded' // a per-key-per-window cap was full
  | 'drop_span_action' // a detector action said drop the span
  | 'tenant_contract' // the tenant's data-use contract forbids the class
  | 'engine_error' // the engine threw on this span: discarded, never forwarded unredacted
  | 'no_route'; // its class has no exporter in `routes` (design.md: a class not listed is exported nowhere)

/** Why a span was refused back to the client (partial_success.rejected_spans). */
export type RejectReason = 'tenant_mismatch' | 'tenant_missing';

/** What the receiver knows about the request, before the policy runs. */
export interface RequestContext {
  /** The tenant bound to the bearer token, when auth is configured. */
  authTenant?: string | undefined;
}

/** Injected so the engine never reads the clock itself (caps, windows). */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Stamp attribute keys every exported span carries (design.md, "What every exported span carries"). */
export const STAMP = {
  class: 'loopgate.class',
  rule: 'loopgate.rule',
  policyVersion: 'loopgate.policy.version',
  redactions: 'loopgate.redactions',
} as const;

/** Where in a span a value was found; used by explain and never carries the value itself. */
export interface Location {
  /** e.g. `span.attributes["gen_ai.input.messages"]`, `resource.attributes["user.email"]`, `span.name`. */
  field: string;
  /** JSON path inside a JSON-valued attribute, e.g. `$[0].parts[0].content`. */
  jsonPath?: string;
}

export type RedactionAction = 'replace' | 'mask' | 'hash' | 'drop_attribute' | 'drop_span';

export interface RedactionRecord {
  entity: EntityName;
  detector: string;
  action: RedactionAction;
  location: Location;
  /** The placeholder written in place of the value (never the value). */
  replacement?: string;
}

/** A per-span account of what the engine decided, for explain/test/replay. Never holds raw values. */
export interface SpanDecision {
  traceId: string;
  spanId: string;
  name: string;
  tenant: string | undefined;
  tenantSource: 'auth' | 'resource' | 'default' | 'none';
  classification: Classification;
  rule: string;
  /** Why the rule matched or why the span was discarded/rejected, in words. */
  reason: string;
  discardReason?: DiscardReason;
  rejectReason?: RejectReason;
  sampling: { sampled: boolean; reason: string };
  redactions: RedactionRecord[];
}

/** The spans of one class for one tenant, redacted copies stamped with their custody. */
export interface ClassOutput {
  class: ExportClass;
  tenant: string | undefined;
  data: TracesData;
  spanCount: number;
}

export interface ProcessResult {
  outputs: ClassOutput[];
  /** Spans in the request. accepted = exported-bound + discarded + rejected. */
  received: number;
  rejected: { count: number; reasons: Partial<Record<RejectReason, number>>; message: string };
  discarded: Partial<Record<DiscardReason, number>>;
  /** Redactions per entity across the request, for metrics. */
  redactionsByEntity: Record<EntityName, number>;
  /** Present only when requested (explain, test, replay). */
  decisions?: SpanDecision[];
  /**
   * Cap counters this request used, one list per span; present only when caps applied. Handed back
   * through `CompiledPolicy.releaseCaps` when the request is refused after processing.
   */
  capsTaken?: readonly (readonly CapKey[])[];
}

export interface ProcessOptions {
  /** Collect per-span decisions (explain/test/replay). Off on the hot path. */
  explain?: boolean;
}

/** A compiled, immutable policy. Compiled once at load; `process` is the hot path. */
export interface CompiledPolicy {
  /** Short content hash of the policy: the `loopgate.policy.version` stamp. */
  readonly version: string;
  readonly sources: readonly string[];
  process(data: TracesData, ctx: RequestContext, options?: ProcessOptions): ProcessResult;
  /**
   * Undoes the cap counting of a `process` result whose spans were not accepted after all (the
   * receiver answered 503 and the client will resend them): caps count spans accepted, not attempts.
   */
  releaseCaps(result: ProcessResult): void;
}
