/**
 * Retry as a decorator around an exporter, in the Collector's `retry_on_failure` shape: exponential
 * backoff with jitter, a Retry-After from the server honoured, a total time budget, and an abort signal
 * that ends everything at the shutdown deadline.
 *
 * Decisions (documented here because operators will ask):
 * - Retry-After wins over the computed backoff when it is longer, even above `max_interval`: the server
 *   knows its own recovery time, and retrying sooner only earns another 429/503. It is bounded by
 *   `max_elapsed_time` instead: when waiting would cross the budget we give up now (and count the spans)
 *   rather than sleep only to fail. This is what the Collector's exporterhelper does.
 * - The jittered delay is drawn around the capped interval, so one delay can reach
 *   max_interval·(1+randomization_factor), as in the Collector (cenkalti/backoff).
 * - With `enabled: false` a retryable result is counted at once as 'retries_exhausted'.
 */
import { assertOption, DEFAULT_RETRY, type RetryOptions } from './options.js';
import { systemScheduler, type Scheduler } from './scheduler.js';
import type { ExportRequest, Exporter, ExportResult } from './types.js';

export type ResolvedRetryOptions = Readonly<Required<RetryOptions>>;

/** How one item's delivery ended, after every attempt. */
export type DeliveryOutcome =
  /** `rejectedSpans`: how many the downstream refused in a partial success (not retried, per the spec). */
  | { status: 'success'; attempts: number; rejectedSpans?: number }
  | {
      status: 'failed';
      reason: 'failure' | 'retries_exhausted' | 'shutdown';
      /** The last attempt's error: status codes and error codes only, never payload. */
      error: string;
      attempts: number;
    };

/** Fills defaults. The ranges are the config schema's to check; here they are only asserted. */
export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  const r = { ...DEFAULT_RETRY, ...stripUndefined(options ?? {}) };
  assertOption(r.initialIntervalMs > 0, 'retry_on_failure.initial_interval');
  assertOption(r.maxIntervalMs >= r.initialIntervalMs, 'retry_on_failure.max_interval');
  assertOption(r.maxElapsedTimeMs >= 0, 'retry_on_failure.max_elapsed_time');
  assertOption(r.multiplier >= 1, 'retry_on_failure.multiplier');
  assertOption(r.randomizationFactor >= 0 && r.randomizationFactor < 1, 'retry_on_failure.randomization_factor');
  return Object.freeze(r);
}

/** Exponential backoff with jitter; one instance per item being delivered. */
export class ExponentialBackoff {
  private current: number;

  constructor(
    private readonly options: ResolvedRetryOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.current = options.initialIntervalMs;
  }

  /** The next delay: the current interval jittered by ±randomization_factor; then the interval grows. */
  next(): number {
    const { randomizationFactor: r, multiplier, maxIntervalMs } = this.options;
    const delta = r * this.current;
    const delay = this.current - delta + this.random() * 2 * delta;
    this.current = Math.min(this.current * multiplier, maxIntervalMs);
    return Math.round(delay);
  }
}

export interface RetryDeps {
  scheduler?: Scheduler;
  /** In [0, 1); injectable so tests pin the jitter. */
  random?: () => number;
  /** Called once per retry (not per first attempt); the queue counts it in exportRetries. */
  onRetry?: () => void;
}

export class RetryingSender {
  private readonly scheduler: Scheduler;
  private readonly random: () => number;
  private readonly onRetry: () => void;

  constructor(
    readonly exporter: Exporter,
    readonly options: ResolvedRetryOptions,
    deps: RetryDeps = {},
  ) {
    this.scheduler = deps.scheduler ?? systemScheduler;
    this.random = deps.random ?? Math.random;
    this.onRetry = deps.onRetry ?? (() => {});
  }

  /** Delivers one request, retrying retryable results, until success, a permanent failure, the budget or `signal`. */
  async send(request: ExportRequest, signal: AbortSignal): Promise<DeliveryOutcome> {
    const start = this.scheduler.nowMs();
    let backoff: ExponentialBackoff | undefined;
    let attempts = 0;
    for (;;) {
      if (signal.aborted) return { status: 'failed', reason: 'shutdown', error: 'aborted at shutdown', attempts };
      attempts++;
      const result = await this.attempt(request, signal);
      if (result.status === 'success') {
        return result.rejectedSpans ? { status: 'success', attempts, rejectedSpans: result.rejectedSpans } : { status: 'success', attempts };
      }
      if (signal.aborted) return { status: 'failed', reason: 'shutdown', error: result.error, attempts };
      if (result.status === 'failure') return { status: 'failed', reason: 'failure', error: result.error, attempts };
      if (!this.options.enabled) {
        return { status: 'failed', reason: 'retries_exhausted', error: result.error, attempts };
      }

      backoff ??= new ExponentialBackoff(this.options, this.random);
      let delay = backoff.next();
      if (result.retryAfterMs !== undefined && result.retryAfterMs > delay) delay = result.retryAfterMs;
      const budget = this.options.maxElapsedTimeMs;
      if (budget > 0 && this.scheduler.nowMs() - start + delay > budget) {
        return { status: 'failed', reason: 'retries_exhausted', error: result.error, attempts };
      }
      this.onRetry();
      await this.scheduler.sleep(delay, signal);
    }
  }

  private async attempt(request: ExportRequest, signal: AbortSignal): Promise<ExportResult> {
    try {
      return await this.exporter.export(request, signal);
    } catch (err) {
      // Exporters must not throw; if one does, it is a bug, not a downstream condition: do not retry it.
      return { status: 'failure', error: `exporter threw: ${err instanceof Error ? err.name : 'unknown'}` };
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
