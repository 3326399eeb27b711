/**
 * The domain of the policy engine: classes, request context, decisions and results.
 * The engine is pure and synchronous: records in, decisions out (design.md, "Data flow"). A record is a
 * span or a log record (both are classified) or a metric data point (scanned and forwarded, never
 * classified).
 */
import type { LogsData } from '../otlp/logs-model.js';
import type { MetricsData } from '../otlp/metrics-model.js';
import type { TracesData } from '../otlp/model.js';
import type { SignalRequest } from '../otlp/signal.js';
import type { CapKey } from './caps.js';
import type { RecordSignal } from './conditions.js';
import type { EntityName } from './detect/types.js';

export type { RecordSignal } from './conditions.js';

export const CLASSIFICATIONS = ['broad-use', 'tenant-only', 'eval-only', 'discard'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
/** The classes that are ever exported. */
export type ExportClass = Exclude<Classification, 'discard'>;
export const EXPORT_CLASSES: readonly ExportClass[] = ['broad-use', 'tenant-only', 'eval-only'];

/** Why a record accepted by the receiver was not exported. Every one is counted (principle 2). */
export type DiscardReason =
  | 'no_rule_matched' // fail closed: no classification rule matched
  | 'rule' // a rule classified it `discard`
  | 'sampled_out' // probabilistic sampling
  | 'cap_exceeded' // a per-key-per-window cap was full
  | 'cap_store_unavailable' // the shared cap store did not answer in time: the cap counts as reached (fail closed)
  | 'drop_span_action' // a detector action said drop the span
  | 'tenant_contract' // the tenant's data-use contract forbids the class
  | 'engine_error' // the engine threw on this span: discarded, never forwarded unredacted
  | 'no_route'; // its class has no exporter in `routes` (design.md: a class not listed is exported nowhere)

/** Why a record was refused back to the client (partial_success.rejected_spans / _log_records / _data_points). */
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

/**
 * A per-record account of what the engine decided (a span's, or a log record's), for
 * explain/test/replay. Never holds raw values.
 */
export interface SpanDecision {
  signal: RecordSignal;
  /** The record's trace and span ids ('' when a log record has none). */
  traceId: string;
  spanId: string;
  /** The span name, or the log record's event name, as the policy redacted it. */
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

/** An account of one decision, whatever the record. */
export type RecordDecision = SpanDecision;

interface OutputOf<S, C, D> {
  signal: S;
  /** The class the records were given; metrics are not classified. */
  class: C;
  tenant: string | undefined;
  data: D;
  /** Spans, log records or data points in `data`. */
  count: number;
}

/**
 * The records of one class for one tenant, redacted copies stamped with their custody (spans, log
 * records), or one tenant's redacted data points (metrics, unclassified and unstamped).
 */
export type ClassOutput =
  | OutputOf<'traces', ExportClass, TracesData>
  | OutputOf<'logs', ExportClass, LogsData>
  | OutputOf<'metrics', undefined, MetricsData>;

export interface ProcessResult {
  outputs: ClassOutput[];
  /** Records in the request. accepted = exported-bound + discarded + rejected. */
  received: number;
  rejected: { count: number; reasons: Partial<Record<RejectReason, number>>; message: string };
  discarded: Partial<Record<DiscardReason, number>>;
  /** Redactions per entity across the request, for metrics. */
  redactionsByEntity: Record<EntityName, number>;
  /** Present only when requested (explain, test, replay); never for metrics. */
  decisions?: SpanDecision[];
  /**
   * The records (spans, log records) caps apply to, in input order; present only when some did. They
   * sit in `outputs` already (stamped, redacted) and stay there only if the cap store takes room for
   * them: `settleCaps` (caps.ts) removes the refused ones. The engine never counts a cap itself, so it
   * stays pure and a shared store (Redis) can take a whole request's caps in one atomic call.
   */
  capRequests?: readonly CapRequest[];
}

/**
 * One record's claim on its caps (a span's or a log record's): every cap that applies, taken all or
 * none.
 *
 * Everything here is plain data (indices, strings, numbers), so a result can cross a worker-thread
 * boundary. The seam for a policy step running in a worker (which returns encoded bodies, not span
 * objects): the worker would encode each span that has a CapRequest as its own piece (its resource,
 * scope and the span), keep it out of its output's body, and hand back the pieces with `at.output`;
 * the main thread takes the caps and appends the admitted pieces to their output's body. Appending is
 * a merge for both encodings: parsing concatenated protobuf messages appends their repeated fields
 * (protobuf encoding spec, "Concatenating messages"), and JSON bodies merge by `resourceSpans`
 * (src/otlp/merge.ts).
 */
export interface CapRequest {
  /** Counters, in the policy's cap order. */
  keys: readonly CapKey[];
  /** The cap id of each key, for explain ("cap 'per-tenant-daily' is full"). */
  capIds: readonly string[];
  /**
   * Where the record sits in `outputs`: outputs[output].data.resourceSpans[resource].scopeSpans[scope]
   * .spans[span] (for logs resourceLogs, scopeLogs, logRecords; `span` is the record's index).
   */
  at: { output: number; resource: number; scope: number; span: number };
  /** Index of the record's entry in `decisions`, when decisions were collected. */
  decision?: number;
}

export interface ProcessOptions {
  /** Collect per-record decisions (explain/test/replay). Off on the hot path. */
  explain?: boolean;
}

/** A compiled, immutable policy. Compiled once at load; `process` is the hot path. */
export interface CompiledPolicy {
  /** Short content hash of the policy: the `loopgate.policy.version` stamp. */
  readonly version: string;
  readonly sources: readonly string[];
  /** The signals some rule of the policy (base or a tenant's override) applies to. */
  readonly classifies: ReadonlySet<RecordSignal>;
  /** A traces request: `processSignal({ signal: 'traces', data }, …)`. Pure: caps are claimed in `capRequests`, never counted here (see caps.ts). */
  process(data: TracesData, ctx: RequestContext, options?: ProcessOptions): ProcessResult;
  /** A request of any signal; pure, as `process`. */
  processSignal(request: SignalRequest, ctx: RequestContext, options?: ProcessOptions): ProcessResult;
}
