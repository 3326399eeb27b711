/**
 * The pipeline's cap step: one atomic take per request, on the main thread.
 *
 *   engine result (capRequests) → store.take(all of them, one call) → settleCaps → router
 *
 * The engine only claims caps, so it stays pure and runs in a policy worker; the store (in memory,
 * or Redis shared by every replica) is main-thread state. When the store does not answer (down, or
 * slower than its timeout), `on_unavailable` decides: `closed` (the default) treats every cap as
 * reached, so the claiming spans are discarded as `cap_store_unavailable`; `open` admits them uncounted.
 * Either way the outage is logged at most once per interval with what it cost, never once per span,
 * and its end is logged once.
 */
import type { CapBatchResult, CapGiveResult, CapStore, CapStoreFailure, CapVerdict, SettledCaps } from '../policy/caps.js';
import { capBatch, settleCaps, UNAVAILABLE, UNCHECKED } from '../policy/caps.js';
import type { CapRequest, ProcessResult } from '../policy/types.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';

export type OnUnavailable = 'closed' | 'open';

export interface CapAdmissionLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface CapAdmissionOptions {
  store: CapStore;
  onUnavailable: OnUnavailable;
  metrics: GatewayMetrics;
  logger: CapAdmissionLogger;
  /** At most one "cap store unavailable" line per interval. Default 30 s. */
  logIntervalMs?: number;
  /** Read for the log interval and latencies only; injected by tests. */
  nowMs?: () => number;
}

export interface CapAdmission {
  readonly store: CapStore;
  /** Takes every cap the result claims in one store call and removes the refused spans. */
  admit(result: ProcessResult): Promise<SettledCaps>;
  /**
   * The verdicts for a request's claims, in one store call: what a policy step (in a worker or not)
   * settles its result with (policy-step.ts).
   */
  take(requests: readonly CapRequest[]): Promise<readonly CapVerdict[]>;
  /** The request was admitted: count its capped spans. */
  commit(settled: Pick<SettledCaps, 'capped'>): void;
  /** The request was refused after all (503): give back what its take counted, atomically. */
  release(settled: Pick<SettledCaps, 'taken'>): Promise<void>;
}

export const DEFAULT_CAP_LOG_INTERVAL_MS = 30_000;

const NOTHING_CAPPED: SettledCaps['capped'] = Object.freeze({ cap_exceeded: 0, cap_store_unavailable: 0, unchecked: 0 });

export function createCapAdmission(options: CapAdmissionOptions): CapAdmission {
  const { store, onUnavailable, metrics, logger } = options;
  const interval = options.logIntervalMs ?? DEFAULT_CAP_LOG_INTERVAL_MS;
  const now = options.nowMs ?? (() => performance.now());

  // One outage, as the log tells it: when it began, when it was last logged, what it cost since.
  let downSince: number | undefined;
  let loggedAt = Number.NEGATIVE_INFINITY;
  let failedCalls = 0;
  let affectedSpans = 0;

  const failed = (operation: 'take' | 'give', reason: CapStoreFailure, detail: string, spans: number): void => {
    const t = now();
    downSince ??= t;
    failedCalls++;
    affectedSpans += spans;
    if (t - loggedAt < interval) return;
    loggedAt = t;
    logger.warn(
      {
        capStore: store.kind,
        operation,
        reason,
        detail,
        onUnavailable,
        failedCalls,
        spans: affectedSpans,
        downForMs: Math.round(t - downSince),
      },
      operation === 'give'
        ? 'cap store unavailable: room taken by requests answered 503 is not given back'
        : onUnavailable === 'closed'
          ? 'cap store unavailable: spans caps apply to are discarded as cap_store_unavailable (on_unavailable: closed)'
          : 'cap store unavailable: spans caps apply to are admitted uncounted (on_unavailable: open)',
    );
    failedCalls = 0;
    affectedSpans = 0;
  };

  const recovered = (): void => {
    if (downSince === undefined) return;
    logger.info({ capStore: store.kind, downForMs: Math.round(now() - downSince), failedCalls, spans: affectedSpans }, 'cap store available again: caps are counted');
    downSince = undefined;
    loggedAt = Number.NEGATIVE_INFINITY;
    failedCalls = 0;
    affectedSpans = 0;
  };

  const timed = async <R extends CapBatchResult | CapGiveResult>(operation: 'take' | 'give', call: () => Promise<R>): Promise<R> => {
    const t0 = now();
    const r = await call();
    metrics.capStoreCall(operation, (now() - t0) / 1000, r.ok ? 'ok' : r.reason);
    return r;
  };

  async function take(requests: readonly CapRequest[]): Promise<readonly CapVerdict[]> {
    const r = await timed('take', () => store.take(capBatch(requests)));
    if (r.ok) {
      recovered();
      return r.takes;
    }
    failed('take', r.reason, r.detail, requests.length);
    return new Array<CapVerdict>(requests.length).fill(onUnavailable === 'open' ? UNCHECKED : UNAVAILABLE);
  }

  return {
    store,

    take,

    async admit(result: ProcessResult): Promise<SettledCaps> {
      const requests = result.capRequests;
      if (requests === undefined || requests.length === 0) return { result, taken: [], capped: NOTHING_CAPPED };
      return settleCaps(result, await take(requests));
    },

    commit(settled: Pick<SettledCaps, 'capped'>): void {
      metrics.spansCapped(settled.capped.cap_exceeded, 'cap_exceeded');
      metrics.spansCapped(settled.capped.cap_store_unavailable, 'cap_store_unavailable');
      metrics.spansCapUnchecked(settled.capped.unchecked);
    },

    async release(settled: Pick<SettledCaps, 'taken'>): Promise<void> {
      if (settled.taken.length === 0) return;
      const r = await timed('give', () => store.give(settled.taken));
      if (r.ok) recovered();
      else failed('give', r.reason, r.detail, settled.taken.length);
    },
  };
}
