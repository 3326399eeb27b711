/**
 * Caps: at most N spans per key per fixed window ("200 eval cases per tenant per reason per day").
 *
 * The engine only claims caps (ProcessResult.capRequests); a CapStore counts them, and `settleCaps`
 * takes the refused spans back out of the outputs. A request's claims go to the store in ONE call, so a
 * shared store (caps-redis.ts: one Lua script) takes them atomically however many replicas share it.
 *
 * Windows are fixed and aligned to the epoch, read from the injected Clock, so replicas sharing a store
 * agree on window boundaries. Every cap that applies to a span is taken together, all or nothing: a
 * span refused by one cap must not use up room in another, or a full cap would silently shrink the
 * others. The claims of one request are taken in order, as if one after the other.
 */
import { createHash } from 'node:crypto';
import type { LogRecord } from '../otlp/logs-model.js';
import type { Span } from '../otlp/model.js';
import type { CapRequest, ClassOutput, Clock, CompiledPolicy, DiscardReason, ProcessResult, SpanDecision } from './types.js';

/** One cap's counter for one span: the counter `key` in the window starting at `windowStartMs`. */
export interface CapKey {
  key: string;
  limit: number;
  windowStartMs: number;
  windowMs: number;
}

/** `full` is the index (into the keys given) of the first key that had no room. */
export type CapTake = { readonly taken: true } | { readonly taken: false; readonly full: number };

/** Why a store could not answer: it was not connected, did not answer within its timeout, or failed. */
export type CapStoreFailure = 'unavailable' | 'timeout' | 'error';

export type CapBatchResult =
  | { readonly ok: true; readonly takes: readonly CapTake[] }
  | { readonly ok: false; readonly reason: CapStoreFailure; readonly detail: string };

export type CapGiveResult = { readonly ok: true } | { readonly ok: false; readonly reason: CapStoreFailure; readonly detail: string };

export interface CapStore {
  /** What the store is, for logs and metrics: `memory` or `redis`. */
  readonly kind: string;
  /**
   * One atomic check-and-take for a whole request: for each entry in order, when every key has fewer
   * than `limit` counted in its window, counts one against each and answers taken; otherwise counts
   * nothing for that entry. An empty key list is taken. A store that cannot answer says why; it never
   * throws.
   */
  take(batch: readonly (readonly CapKey[])[]): Promise<CapBatchResult>;
  /**
   * Gives back, atomically, what a successful take counted, when the spans it admitted were not
   * accepted after all (the gateway answered 503 because an export queue was full, and the client will
   * resend). Counters whose window has since rolled over are left alone.
   */
  give(batch: readonly (readonly CapKey[])[]): Promise<CapGiveResult>;
  close(): Promise<void>;
}

export const TAKEN: CapTake = Object.freeze({ taken: true });

interface Slot {
  windowStartMs: number;
  windowEndMs: number;
  count: number;
}

export interface InMemoryCapStoreOptions {
  /**
   * Most counters kept at once. Cap keys can come from attribute values, so their number is the
   * sender's to choose; past this bound (after finished windows are released) a span needing a new
   * counter is refused as over its cap rather than letting memory grow or forgetting a live count.
   */
  maxEntries?: number;
}

export const DEFAULT_MAX_CAP_ENTRIES = 100_000;

/**
 * One replica's counters. A counter is released once its window has ended: the store learns the time
 * from the window starts it is asked about (never later than now), and sweeps when that passes the
 * earliest window end it holds, so finished windows cost one sweep each, not one per call.
 */
export class InMemoryCapStore implements CapStore {
  readonly kind = 'memory';
  readonly #slots = new Map<string, Slot>();
  readonly #maxEntries: number;
  /** The earliest end of any window held; a call that starts at or after it triggers a sweep. */
  #earliestEnd = Number.POSITIVE_INFINITY;
  /** Latest window start seen: a lower bound on the current time. */
  #now = Number.NEGATIVE_INFINITY;

  constructor(options: InMemoryCapStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_CAP_ENTRIES;
  }

  async take(batch: readonly (readonly CapKey[])[]): Promise<CapBatchResult> {
    return { ok: true, takes: this.takeBatch(batch) };
  }

  async give(batch: readonly (readonly CapKey[])[]): Promise<CapGiveResult> {
    this.giveBatch(batch);
    return GIVEN;
  }

  async close(): Promise<void> {}

  /** `take`, synchronously: what the CLI and single-process runs use. */
  takeBatch(batch: readonly (readonly CapKey[])[]): CapTake[] {
    const takes: CapTake[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) takes[i] = this.tryTake(batch[i]!);
    return takes;
  }

  giveBatch(batch: readonly (readonly CapKey[])[]): void {
    for (const keys of batch) this.giveBack(keys);
  }

  /** One entry of a take. */
  tryTake(keys: readonly CapKey[]): CapTake {
    for (let i = 0; i < keys.length; i++) if (keys[i]!.windowStartMs > this.#now) this.#now = keys[i]!.windowStartMs;
    if (this.#now >= this.#earliestEnd) this.#sweep();

    // Check every key before counting any.
    let firstNew = -1;
    let newSlots = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const slot = this.#slots.get(k.key);
      const used = (slot === undefined || slot.windowStartMs < k.windowStartMs ? 0 : slot.count) + sameKeyBefore(keys, i);
      if (used >= k.limit) return { taken: false, full: i };
      if (slot === undefined && used === 0) {
        newSlots++;
        if (firstNew < 0) firstNew = i;
      }
    }
    if (newSlots > 0 && this.#slots.size + newSlots > this.#maxEntries) {
      this.#sweep();
      if (this.#slots.size + newSlots > this.#maxEntries) return { taken: false, full: firstNew };
    }

    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const slot = this.#slots.get(k.key);
      const windowEndMs = k.windowStartMs + k.windowMs;
      if (slot === undefined) this.#slots.set(k.key, { windowStartMs: k.windowStartMs, windowEndMs, count: 1 });
      else if (slot.windowStartMs >= k.windowStartMs) {
        // The current window, or a later one another caller's clock already opened (a slow clock must
        // never reopen a window that is already full).
        slot.count++;
        continue;
      } else {
        // The window rolled over: the counter starts again, in place.
        slot.windowStartMs = k.windowStartMs;
        slot.windowEndMs = windowEndMs;
        slot.count = 1;
      }
      if (windowEndMs < this.#earliestEnd) this.#earliestEnd = windowEndMs;
    }
    return TAKEN;
  }

  /** One entry of a give. */
  giveBack(keys: readonly CapKey[]): void {
    for (const k of keys) {
      const slot = this.#slots.get(k.key);
      if (slot !== undefined && slot.windowStartMs === k.windowStartMs && slot.count > 0) slot.count--;
    }
  }

  /** Counters held (live windows, plus finished ones not yet swept). */
  get size(): number {
    return this.#slots.size;
  }

  #sweep(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, s] of this.#slots) {
      if (s.windowEndMs <= this.#now) this.#slots.delete(key);
      else if (s.windowEndMs < earliest) earliest = s.windowEndMs;
    }
    this.#earliestEnd = earliest;
  }
}

/** How many earlier entries of `keys` name the same counter (each needs its own room). */
function sameKeyBefore(keys: readonly CapKey[], i: number): number {
  let n = 0;
  for (let j = 0; j < i; j++) if (keys[j]!.key === keys[i]!.key) n++;
  return n;
}

export function windowStart(clock: Clock, windowMs: number): number {
  const now = clock.nowMs();
  return now - (now % windowMs);
}

/**
 * Cap keys hold attribute values, whose length is the sender's to choose; a key longer than this is
 * kept as its cap id and a SHA-256 of the whole, so a counter costs a bounded number of bytes.
 */
export const MAX_CAP_KEY_LENGTH = 256;

export function boundedCapKey(key: string): string {
  if (key.length <= MAX_CAP_KEY_LENGTH) return key;
  const id = key.slice(0, Math.max(0, key.indexOf('\u0000')));
  return `${id}\u0000#${createHash('sha256').update(key).digest('base64url')}`;
}

/** How a claim was settled: taken, refused by a full cap, or refused (or admitted) with no store answer. */
export type CapVerdict = CapTake | { readonly taken: false; readonly unavailable: true } | { readonly taken: true; readonly unchecked: true };

export const UNAVAILABLE: CapVerdict = Object.freeze({ taken: false, unavailable: true });
/** `on_unavailable: open`: admitted although no store counted it. */
export const UNCHECKED: CapVerdict = Object.freeze({ taken: true, unchecked: true });

export interface SettledCaps {
  /** The result with every refused span taken out of its output and counted as discarded. */
  result: ProcessResult;
  /** The key lists the store counted, to give back if the request is refused after all (503). */
  taken: (readonly CapKey[])[];
  /** Spans refused, by reason, and spans admitted unchecked. */
  capped: { cap_exceeded: number; cap_store_unavailable: number; unchecked: number };
}

/**
 * Applies the store's verdicts (one per claim, in order) to an engine result: refused spans leave
 * their outputs (an output left empty leaves the result), are counted as discarded with their reason,
 * and their explain decision says which cap refused them. Pure; the engine's result is not mutated.
 */
export function settleCaps(result: ProcessResult, verdicts: readonly CapVerdict[]): SettledCaps {
  const requests = result.capRequests ?? [];
  if (verdicts.length !== requests.length) throw new Error(`settleCaps: ${verdicts.length} verdicts for ${requests.length} cap requests`);
  const taken: (readonly CapKey[])[] = [];
  const capped = { cap_exceeded: 0, cap_store_unavailable: 0, unchecked: 0 };
  /** Per output index: `resource/scope/span` of every span to remove. */
  let removed: Map<number, Set<string>> | undefined;
  let decisions: SpanDecision[] | undefined;

  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    const v = verdicts[i]!;
    if (v.taken) {
      if ('unchecked' in v) capped.unchecked++;
      else taken.push(r.keys);
      continue;
    }
    const reason: DiscardReason = 'unavailable' in v ? 'cap_store_unavailable' : 'cap_exceeded';
    capped[reason]++;
    removed ??= new Map();
    let set = removed.get(r.at.output);
    if (set === undefined) removed.set(r.at.output, (set = new Set()));
    set.add(`${r.at.resource}/${r.at.scope}/${r.at.span}`);
    if (r.decision !== undefined && result.decisions !== undefined) {
      decisions ??= [...result.decisions];
      const d = decisions[r.decision]!;
      const why =
        reason === 'cap_exceeded'
          ? `cap '${r.capIds[(v as { full: number }).full] ?? '?'}' is full for this window`
          : `the cap store did not answer, so cap${r.capIds.length > 1 ? 's' : ''} ${r.capIds.map((c) => `'${c}'`).join(', ')} count${r.capIds.length > 1 ? '' : 's'} as reached (fail closed)`;
      decisions[r.decision] = { ...d, classification: 'discard', discardReason: reason, reason: `${d.reason}; but ${why}` };
    }
  }

  const { capRequests: _settled, ...rest } = result;
  if (removed === undefined) return { result: rest, taken, capped };

  const discarded = { ...result.discarded };
  if (capped.cap_exceeded > 0) discarded.cap_exceeded = (discarded.cap_exceeded ?? 0) + capped.cap_exceeded;
  if (capped.cap_store_unavailable > 0) discarded.cap_store_unavailable = (discarded.cap_store_unavailable ?? 0) + capped.cap_store_unavailable;
  const outputs: ClassOutput[] = [];
  for (let o = 0; o < result.outputs.length; o++) {
    const out = result.outputs[o]!;
    const drop = removed.get(o);
    if (drop === undefined) {
      outputs.push(out);
      continue;
    }
    const count = out.count - drop.size;
    if (count > 0) outputs.push(withoutRecords(out, drop, count));
  }
  const settled: ProcessResult = { ...rest, outputs, discarded };
  if (decisions) settled.decisions = decisions;
  return { result: settled, taken, capped };
}

/** `records` without those whose `resource/scope/index` is in `drop` (groups left empty leave too). */
function keep<G, S, R>(groups: readonly G[], scopesOf: (g: G) => readonly S[], recordsOf: (s: S) => readonly R[], drop: ReadonlySet<string>, rebuildScope: (s: S, records: R[]) => S, rebuildGroup: (g: G, scopes: S[]) => G): G[] {
  const out: G[] = [];
  for (let ri = 0; ri < groups.length; ri++) {
    const g = groups[ri]!;
    const scopes: S[] = [];
    const list = scopesOf(g);
    for (let si = 0; si < list.length; si++) {
      const sc = list[si]!;
      const all = recordsOf(sc);
      const kept: R[] = [];
      for (let i = 0; i < all.length; i++) if (!drop.has(`${ri}/${si}/${i}`)) kept.push(all[i]!);
      if (kept.length > 0) scopes.push(kept.length === all.length ? sc : rebuildScope(sc, kept));
    }
    if (scopes.length > 0) out.push(rebuildGroup(g, scopes));
  }
  return out;
}

/** An output of spans or log records with the records at `drop` taken out (metrics claim no caps). */
function withoutRecords(out: ClassOutput, drop: ReadonlySet<string>, count: number): ClassOutput {
  switch (out.signal) {
    case 'traces': {
      const resourceSpans = keep(out.data.resourceSpans, (rs) => rs.scopeSpans, (ss) => ss.spans, drop, (ss, spans: Span[]) => ({ ...ss, spans }), (rs, scopeSpans) => ({ ...rs, scopeSpans }));
      return { ...out, data: { resourceSpans }, count };
    }
    case 'logs': {
      const resourceLogs = keep(out.data.resourceLogs, (rl) => rl.scopeLogs, (sl) => sl.logRecords, drop, (sl, logRecords: LogRecord[]) => ({ ...sl, logRecords }), (rl, scopeLogs) => ({ ...rl, scopeLogs }));
      return { ...out, data: { resourceLogs }, count };
    }
    case 'metrics':
      return out;
  }
}

/**
 * The policy with its caps counted in this process, synchronously, in `store`: one replica's view, as
 * `loopgate explain`, `test` and `replay` and the golden fixtures run it. Results carry no capRequests.
 */
export function withLocalCaps(policy: CompiledPolicy, store: InMemoryCapStore = new InMemoryCapStore()): CompiledPolicy {
  const settle = (result: ProcessResult): ProcessResult =>
    result.capRequests === undefined ? result : settleCaps(result, store.takeBatch(result.capRequests.map((r) => r.keys))).result;
  return Object.freeze({
    version: policy.version,
    sources: policy.sources,
    classifies: policy.classifies,
    process: (...args: Parameters<CompiledPolicy['process']>): ProcessResult => settle(policy.process(...args)),
    processSignal: (...args: Parameters<CompiledPolicy['processSignal']>): ProcessResult => settle(policy.processSignal(...args)),
  });
}

const GIVEN: CapGiveResult = Object.freeze({ ok: true });

/** The requests' key lists, in order: what a store's take is given. */
export function capBatch(requests: readonly CapRequest[]): (readonly CapKey[])[] {
  return requests.map((r) => r.keys);
}
