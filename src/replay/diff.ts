/**
 * The replay diff: two policy versions' decisions over the same recorded spans, folded into a report of
 * what the candidate would change. Pure: decisions in, numbers out; the command reads files and prints.
 *
 * Spans are paired by position (the engine emits exactly one decision per input span, in input order)
 * and checked by trace/span id; a pair that does not line up is counted as `unpaired`, never guessed.
 *
 * Nothing here holds a payload value: decisions carry entities, locations and rule ids only, and a span
 * name is reported only when both policies produced the same (redacted) name, so a candidate that stops
 * redacting something cannot leak it through this report.
 */
import type { Classification, DiscardReason, RejectReason, SpanDecision } from '../policy/types.js';
import { noRecords, type RecordCounts } from '../explain/record-words.js';

/** Where a span ends up: a class, or refused back to the client. */
export type Outcome = Classification | 'rejected';
export const OUTCOMES: readonly Outcome[] = ['broad-use', 'tenant-only', 'eval-only', 'discard', 'rejected'];

export function outcomeOf(d: SpanDecision): Outcome {
  return d.rejectReason !== undefined ? 'rejected' : d.classification;
}

export function isExported(o: Outcome): boolean {
  return o !== 'discard' && o !== 'rejected';
}

/** What decided the span: its rule id, or why no rule could (fail-closed discards, rejections). */
export function deciderOf(d: SpanDecision): string {
  const why: DiscardReason | RejectReason | undefined = d.rejectReason ?? d.discardReason;
  if (d.rule === '') return `(${why ?? 'no rule'})`;
  // A rule matched but something after it (contract, sampling, cap) discarded the span: say both.
  return why !== undefined && why !== 'rule' ? `${d.rule} (${why})` : d.rule;
}

export interface ClassCell {
  from: Outcome;
  to: Outcome;
  count: number;
}

export interface RuleMove {
  from: { outcome: Outcome; decider: string };
  to: { outcome: Outcome; decider: string };
  count: number;
}

export interface EntityDelta {
  entity: string;
  baseline: number;
  candidate: number;
  delta: number;
}

export interface ReasonDelta {
  reason: DiscardReason | RejectReason;
  baseline: number;
  candidate: number;
  delta: number;
}

export interface SpanChange {
  /** A span (`traces`) or a log record (`logs`). */
  signal: SpanDecision['signal'];
  origin: string;
  traceId: string;
  spanId: string;
  /** The span name when both policies agree on its redacted form; otherwise undefined. */
  name: string | undefined;
  from: { outcome: Outcome; decider: string };
  to: { outcome: Outcome; decider: string };
  /** The candidate's account of its decision (rule condition text or discard reason; no payload). */
  reason: string;
}

export interface ChangeGroup {
  count: number;
  /** Counts by the candidate's outcome detail: discard/reject reason for drops, class for exports. */
  by: { key: string; count: number }[];
  examples: SpanChange[];
}

export interface ReplayReport {
  baselineVersion: string;
  candidateVersion: string;
  requests: number;
  /** Records replayed, spans and log records together. */
  spans: number;
  /** The same, per signal. */
  records: RecordCounts;
  /** Spans whose outcome or deciding rule differs. */
  changed: number;
  /** Spans whose decisions could not be lined up (should be 0). */
  unpaired: number;
  totals: { outcome: Outcome; baseline: number; candidate: number; delta: number }[];
  /** Non-zero cells of the baseline → candidate outcome matrix, in OUTCOMES order. */
  classes: ClassCell[];
  /** Changed spans grouped by (baseline outcome, rule) → (candidate outcome, rule), largest first. */
  rules: RuleMove[];
  /** Values redacted per entity over every replayed span, whatever its class. */
  redactions: EntityDelta[];
  /** Discard and reject reasons, old vs new. */
  reasons: ReasonDelta[];
  /** Exported by the baseline, discarded or rejected by the candidate. */
  newlyDropped: ChangeGroup;
  /** Discarded or rejected by the baseline, exported by the candidate. */
  newlyExported: ChangeGroup;
}

export interface ReplayOptions {
  /** How many example spans each change group keeps. Default 20. */
  maxExamples?: number;
}

const DEFAULT_MAX_EXAMPLES = 20;

class Counter<K> {
  readonly map = new Map<K, number>();
  add(k: K, n = 1): void {
    this.map.set(k, (this.map.get(k) ?? 0) + n);
  }
  get(k: K): number {
    return this.map.get(k) ?? 0;
  }
}

class GroupBuilder {
  count = 0;
  readonly by = new Counter<string>();
  readonly examples: SpanChange[] = [];
  constructor(private readonly max: number) {}
  add(key: string, change: () => SpanChange): void {
    this.count++;
    this.by.add(key);
    if (this.examples.length < this.max) this.examples.push(change());
  }
  build(): ChangeGroup {
    return { count: this.count, by: sortedCounts(this.by), examples: this.examples };
  }
}

function sortedCounts(c: Counter<string>): { key: string; count: number }[] {
  return [...c.map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * Accumulates decision pairs request by request, so a large corpus is streamed, not held in memory.
 * `report()` may be called at any time and does not reset the accumulator.
 */
export class ReplayDiff {
  #requests = 0;
  #spans = 0;
  readonly #records = noRecords();
  #changed = 0;
  #unpaired = 0;
  readonly #baselineTotals = new Counter<Outcome>();
  readonly #candidateTotals = new Counter<Outcome>();
  readonly #cells = new Counter<string>();
  readonly #moves = new Map<string, RuleMove>();
  readonly #baselineEntities = new Counter<string>();
  readonly #candidateEntities = new Counter<string>();
  readonly #baselineReasons = new Counter<DiscardReason | RejectReason>();
  readonly #candidateReasons = new Counter<DiscardReason | RejectReason>();
  readonly #dropped: GroupBuilder;
  readonly #exported: GroupBuilder;

  constructor(
    readonly baselineVersion: string,
    readonly candidateVersion: string,
    options: ReplayOptions = {},
  ) {
    const max = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
    this.#dropped = new GroupBuilder(max);
    this.#exported = new GroupBuilder(max);
  }

  /** One request's decisions under each policy. `origin` names where the request came from (file:line). */
  add(origin: string, baseline: readonly SpanDecision[], candidate: readonly SpanDecision[]): void {
    this.#requests++;
    const n = Math.max(baseline.length, candidate.length);
    for (let i = 0; i < n; i++) {
      const b = baseline[i];
      const c = candidate[i];
      if (b === undefined || c === undefined || b.traceId !== c.traceId || b.spanId !== c.spanId) {
        this.#unpaired++;
        continue;
      }
      this.#pair(origin, b, c);
    }
  }

  #pair(origin: string, b: SpanDecision, c: SpanDecision): void {
    this.#spans++;
    this.#records[c.signal]++;
    const from = outcomeOf(b);
    const to = outcomeOf(c);
    this.#baselineTotals.add(from);
    this.#candidateTotals.add(to);
    this.#cells.add(`${from}\u0000${to}`);
    for (const r of b.redactions) this.#baselineEntities.add(r.entity);
    for (const r of c.redactions) this.#candidateEntities.add(r.entity);
    const bWhy = b.rejectReason ?? b.discardReason;
    const cWhy = c.rejectReason ?? c.discardReason;
    if (bWhy !== undefined) this.#baselineReasons.add(bWhy);
    if (cWhy !== undefined) this.#candidateReasons.add(cWhy);

    const fromDecider = deciderOf(b);
    const toDecider = deciderOf(c);
    if (from === to && fromDecider === toDecider) return;
    this.#changed++;

    const key = `${from}\u0000${fromDecider}\u0000${to}\u0000${toDecider}`;
    const move = this.#moves.get(key);
    if (move) move.count++;
    else this.#moves.set(key, { from: { outcome: from, decider: fromDecider }, to: { outcome: to, decider: toDecider }, count: 1 });

    const change = (): SpanChange => ({
      signal: c.signal,
      origin,
      traceId: c.traceId,
      spanId: c.spanId,
      name: b.name === c.name ? c.name : undefined,
      from: { outcome: from, decider: fromDecider },
      to: { outcome: to, decider: toDecider },
      reason: c.reason,
    });
    if (isExported(from) && !isExported(to)) this.#dropped.add(cWhy ?? to, change);
    else if (!isExported(from) && isExported(to)) this.#exported.add(to, change);
  }

  report(): ReplayReport {
    const totals = OUTCOMES.map((o) => {
      const baseline = this.#baselineTotals.get(o);
      const candidate = this.#candidateTotals.get(o);
      return { outcome: o, baseline, candidate, delta: candidate - baseline };
    });
    const classes: ClassCell[] = [];
    for (const from of OUTCOMES) {
      for (const to of OUTCOMES) {
        const count = this.#cells.get(`${from}\u0000${to}`);
        if (count > 0) classes.push({ from, to, count });
      }
    }
    const rules = [...this.#moves.values()]
      .map((m) => ({ from: { ...m.from }, to: { ...m.to }, count: m.count }))
      .sort((a, b) => b.count - a.count || moveKey(a).localeCompare(moveKey(b)));
    const entities = new Set([...this.#baselineEntities.map.keys(), ...this.#candidateEntities.map.keys()]);
    const redactions = [...entities]
      .sort()
      .map((entity) => {
        const baseline = this.#baselineEntities.get(entity);
        const candidate = this.#candidateEntities.get(entity);
        return { entity, baseline, candidate, delta: candidate - baseline };
      });
    const reasonKeys = new Set([...this.#baselineReasons.map.keys(), ...this.#candidateReasons.map.keys()]);
    const reasons = [...reasonKeys]
      .sort()
      .map((reason) => {
        const baseline = this.#baselineReasons.get(reason);
        const candidate = this.#candidateReasons.get(reason);
        return { reason, baseline, candidate, delta: candidate - baseline };
      });
    return {
      baselineVersion: this.baselineVersion,
      candidateVersion: this.candidateVersion,
      requests: this.#requests,
      spans: this.#spans,
      records: { ...this.#records },
      changed: this.#changed,
      unpaired: this.#unpaired,
      totals,
      classes,
      rules,
      redactions,
      reasons,
      newlyDropped: this.#dropped.build(),
      newlyExported: this.#exported.build(),
    };
  }
}

function moveKey(m: RuleMove): string {
  return `${m.from.outcome} ${m.from.decider} ${m.to.outcome} ${m.to.decider}`;
}
