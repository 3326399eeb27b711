/**
 * One exporter's sending queue: bounded in encoded bytes, drained by a few concurrent consumers that run
 * export-with-retry. Every exporter has its own queue, so a slow or dead downstream fills only its own
 * queue and never delays another exporter or class.
 *
 * Accounting (principle 2, nothing silently lost): every admitted item ends in exactly one of
 * spansExported or spansExportFailed{reason: failure | retries_exhausted | shutdown}.
 *
 * Bytes count from admission until the delivery ends (queued and in flight), since that is the memory
 * held. An item larger than the whole capacity is admitted only into an empty queue: refusing it forever
 * would make the client resend it forever, and this still bounds memory by max(capacity, one request).
 */
import { assertOption, DEFAULT_QUEUE, noopLogger, type ExportLogger, type QueueOptions } from './options.js';
import { RetryingSender, type DeliveryOutcome, type ResolvedRetryOptions } from './retry.js';
import { systemScheduler, type Scheduler } from './scheduler.js';
import type { ExportItem, Exporter } from './types.js';
import { mergeEncodedRequests } from '../otlp/merge.js';
import { joinRequests } from '../otlp/signal.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';

export type ResolvedQueueOptions = Readonly<Required<QueueOptions>>;

export function resolveQueueOptions(options: QueueOptions | undefined): ResolvedQueueOptions {
  const q = {
    numConsumers: options?.numConsumers ?? DEFAULT_QUEUE.numConsumers,
    maxBytes: options?.maxBytes ?? DEFAULT_QUEUE.maxBytes,
    maxBatchBytes: options?.maxBatchBytes ?? DEFAULT_QUEUE.maxBatchBytes,
  };
  // The config schema checks these with positions; here they are only asserted.
  assertOption(Number.isInteger(q.numConsumers) && q.numConsumers >= 1, 'sending_queue.num_consumers');
  assertOption(Number.isInteger(q.maxBytes) && q.maxBytes >= 1, 'sending_queue.max_bytes');
  assertOption(Number.isInteger(q.maxBatchBytes) && q.maxBatchBytes >= 0, 'sending_queue.max_batch_bytes');
  return Object.freeze(q);
}

export interface QueueDeps {
  metrics: GatewayMetrics;
  logger?: ExportLogger;
  scheduler?: Scheduler;
  /** Jitter source for retry backoff; injectable for tests. */
  random?: () => number;
  /**
   * After the drain deadline aborts in-flight exports, how long to wait for them to stop before counting
   * them as failed anyway, so an exporter that ignores its abort signal cannot hold shutdown. Default 1 s.
   */
  abortGraceMs?: number;
}

const DEFAULT_ABORT_GRACE_MS = 1_000;

export interface QueueStats {
  bytes: number;
  items: number;
  capacityBytes: number;
}

interface Entry {
  item: ExportItem;
  body: Uint8Array;
  /** Counted already (exported or failed): a late outcome after a forced shutdown is ignored. */
  settled: boolean;
  /** Taken out of order into another entry's batch; `take` skips it. */
  taken: boolean;
}

/** How far past the head a consumer looks for items to merge: bounds the work of one take. */
const BATCH_LOOKAHEAD = 256;

export class ExportQueue {
  readonly id: string;
  private readonly sender: RetryingSender;
  private readonly metrics: GatewayMetrics;
  private readonly logger: ExportLogger;
  private readonly scheduler: Scheduler;
  private readonly abortGraceMs: number;

  /** FIFO as array + head index: O(1) take without Array#shift's copying. */
  private pending: Entry[] = [];
  private head = 0;
  private bytes = 0;
  private items = 0;
  private active = 0;
  private readonly inFlight = new Set<Entry>();
  private closed = false;
  /** Aborted at the drain deadline: ends in-flight attempts and backoff sleeps. */
  private readonly shutdownSignal = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    readonly exporter: Exporter,
    readonly options: { retry: ResolvedRetryOptions; queue: ResolvedQueueOptions },
    deps: QueueDeps,
  ) {
    this.id = exporter.id;
    this.metrics = deps.metrics;
    this.logger = deps.logger ?? noopLogger;
    this.scheduler = deps.scheduler ?? systemScheduler;
    this.abortGraceMs = deps.abortGraceMs ?? DEFAULT_ABORT_GRACE_MS;
    this.sender = new RetryingSender(exporter, options.retry, {
      scheduler: this.scheduler,
      ...(deps.random ? { random: deps.random } : {}),
      onRetry: () => this.metrics.exportRetries(this.id),
    });
    this.metrics.observeQueue(this.id, () => this.stats());
  }

  get capacityBytes(): number {
    return this.options.queue.maxBytes;
  }

  stats(): QueueStats {
    return { bytes: this.bytes, items: this.items, capacityBytes: this.options.queue.maxBytes };
  }

  /** Whether `bytes` more would be admitted now. False once draining. */
  hasRoom(bytes: number): boolean {
    if (this.closed) return false;
    if (this.items === 0) return true;
    return this.bytes + bytes <= this.options.queue.maxBytes;
  }

  tryEnqueue(item: ExportItem, body: Uint8Array): boolean {
    if (!this.hasRoom(body.byteLength)) return false;
    this.admit(item, body);
    return true;
  }

  /**
   * Enqueues without checking room: for the router, which has already checked `hasRoom` for the total of
   * a request's items on every target queue (atomic admission) in the same synchronous step.
   */
  admit(item: ExportItem, body: Uint8Array): void {
    this.pending.push({ item, body, settled: false, taken: false });
    this.bytes += body.byteLength;
    this.items++;
    this.pump();
  }

  /**
   * Stops admitting, lets queued and in-flight items finish until `deadlineMs` (absolute, on the
   * scheduler's clock), then aborts what is in flight and counts everything left as failed ('shutdown').
   */
  drain(deadlineMs: number): Promise<void> {
    this.draining ??= this.runDrain(deadlineMs);
    return this.draining;
  }

  /** Drains with no grace if not drained yet, then releases the exporter's connections or files. */
  async shutdown(): Promise<void> {
    await this.drain(this.scheduler.nowMs());
    await this.exporter.shutdown();
  }

  private async runDrain(deadlineMs: number): Promise<void> {
    this.closed = true;
    if (this.isIdle()) return;
    const timer = new AbortController();
    const idle = this.whenIdle().then(() => true);
    const late = this.scheduler.sleep(deadlineMs - this.scheduler.nowMs(), timer.signal).then(() => false);
    const finished = await Promise.race([idle, late]);
    timer.abort();
    if (finished) return;

    this.shutdownSignal.abort();
    const left = this.takeAll();
    for (const e of left) this.settle(e, { status: 'failed', reason: 'shutdown', error: 'not sent before the shutdown deadline', attempts: 0 });
    const grace = new AbortController();
    const stopped = await Promise.race([
      this.whenIdle().then(() => true),
      this.scheduler.sleep(this.abortGraceMs, grace.signal).then(() => false),
    ]);
    grace.abort();
    if (stopped) return;
    for (const e of this.inFlight) this.settle(e, { status: 'failed', reason: 'shutdown', error: 'export did not stop at the shutdown deadline', attempts: 0 });
    this.inFlight.clear();
  }

  private pump(): void {
    while (this.active < this.options.queue.numConsumers && this.head < this.pending.length) {
      this.active++;
      void this.consume();
    }
  }

  private async consume(): Promise<void> {
    try {
      for (;;) {
        if (this.shutdownSignal.signal.aborted) break;
        const entry = this.take();
        if (!entry) break;
        const batch = this.takeBatchFor(entry);
        for (const e of batch) this.inFlight.add(e);
        const merged = batch.length === 1 ? undefined : this.merge(batch);
        if (batch.length === 1 || merged === undefined) {
          // Nothing to merge (or bodies that cannot be merged): one request per entry.
          for (const e of batch) {
            const outcome = await this.sender.send(e.item, e.body, this.shutdownSignal.signal);
            this.inFlight.delete(e);
            this.settle(e, outcome);
          }
          continue;
        }
        const outcome = await this.sender.send(merged.item, merged.body, this.shutdownSignal.signal);
        // Spans a downstream refused inside a merged request cannot be told apart: count them against
        // the entries in order, so the totals stay exact.
        let rejected = outcome.status === 'success' ? (outcome.rejectedSpans ?? 0) : 0;
        for (const e of batch) {
          this.inFlight.delete(e);
          if (outcome.status !== 'success') {
            this.settle(e, outcome);
            continue;
          }
          const mine = Math.min(rejected, e.item.spanCount);
          rejected -= mine;
          this.settle(e, { ...outcome, rejectedSpans: mine });
        }
      }
    } finally {
      this.active--;
      if (this.isIdle()) this.notifyIdle();
    }
  }

  private settle(entry: Entry, outcome: DeliveryOutcome): void {
    if (entry.settled) return;
    entry.settled = true;
    this.bytes -= entry.body.byteLength;
    this.items--;
    const n = entry.item.spanCount;
    if (outcome.status === 'success') {
      const rejected = Math.min(n, outcome.rejectedSpans ?? 0);
      if (n - rejected > 0) this.metrics.spansExported(n - rejected, this.id, entry.item.signal);
      if (rejected > 0) {
        this.metrics.spansExportFailed(rejected, this.id, 'failure', entry.item.signal);
        // The downstream's error_message is not logged: it may quote the data it refused.
        this.logger.warn({ exporter: this.id, signal: entry.item.signal, class: entry.item.class, tenant: entry.item.tenant, records: n, rejected }, 'downstream rejected records (partial success)');
      }
      return;
    }
    this.metrics.spansExportFailed(n, this.id, outcome.reason, entry.item.signal);
    // Ids and counts only: the error holds status/errno codes, never payload (principle 7).
    this.logger.warn(
      { exporter: this.id, signal: entry.item.signal, class: entry.item.class, tenant: entry.item.tenant, records: n, reason: outcome.reason, attempts: outcome.attempts, error: outcome.error },
      'records not exported',
    );
  }

  /**
   * Entries waiting for the same signal and tenant as `first` (they decide the path, endpoint or file),
   * taken out of the queue with it while their bytes fit `max_batch_bytes`. Always includes `first`.
   */
  private takeBatchFor(first: Entry): Entry[] {
    const limit = this.options.queue.maxBatchBytes;
    if (limit === 0 || this.exporter.encoding === undefined) return [first];
    const batch = [first];
    let bytes = first.body.byteLength;
    const end = Math.min(this.pending.length, this.head + BATCH_LOOKAHEAD);
    for (let i = this.head; i < end; i++) {
      const e = this.pending[i]!;
      if (e.taken || e.item.tenant !== first.item.tenant || e.item.signal !== first.item.signal) continue;
      if (bytes + e.body.byteLength > limit) break;
      e.taken = true;
      bytes += e.body.byteLength;
      batch.push(e);
    }
    return batch;
  }

  private merge(batch: Entry[]): { item: ExportItem; body: Uint8Array } | undefined {
    const first = batch[0]!.item;
    const body = mergeEncodedRequests(
      batch.map((e) => e.body),
      this.exporter.encoding!,
      first.signal,
    );
    if (body === undefined) return undefined;
    const data = joinRequests(first.signal, batch.map((e) => e.item.data) as never[]);
    return {
      body,
      item: { ...first, data, spanCount: batch.reduce((n, e) => n + e.item.spanCount, 0) } as ExportItem,
    };
  }

  private take(): Entry | undefined {
    this.skipTaken();
    if (this.head >= this.pending.length) return undefined;
    const e = this.pending[this.head]!;
    this.advance();
    return e;
  }

  /** Moves the head past entries that already left in another entry's batch. */
  private skipTaken(): void {
    while (this.head < this.pending.length && this.pending[this.head]!.taken) this.advance();
  }

  private advance(): void {
    this.pending[this.head] = undefined as unknown as Entry; // release the body for GC
    this.head++;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  private takeAll(): Entry[] {
    const rest = this.pending.slice(this.head).filter((e) => !e.taken);
    this.pending = [];
    this.head = 0;
    return rest;
  }

  private isIdle(): boolean {
    this.skipTaken();
    return this.active === 0 && this.head >= this.pending.length;
  }

  private whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
