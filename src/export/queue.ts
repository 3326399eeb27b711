/**
 * One exporter's sending queue: bounded in bytes, drained by a few concurrent consumers that run
 * export-with-retry. Every exporter has its own queue, so a slow or dead downstream fills only its own
 * queue and never delays another exporter or class.
 *
 * It holds ExportRequests: encoded, compressed bytes and their metadata, never a decoded model. Two
 * kinds of storage:
 * - memory (default): the bound counts each body plus a fixed per-entry overhead: what is really held.
 * - disk (`sending_queue.storage`): each request is appended to a DiskLog and synced before admission
 *   completes; memory holds only a small index entry per request, and a body is read back when it is
 *   sent. The bound counts bytes on disk. On start the log's unfinished records are replayed first.
 *
 * Accounting (principle 2, nothing silently lost): every admitted request ends in exactly one of
 * spansExported or spansExportFailed{reason: failure | retries_exhausted | shutdown}, or, with storage,
 * stays on disk for the next start (a drain deadline never counts a stored request as lost).
 *
 * An item larger than the whole capacity is admitted only into an empty queue: refusing it forever
 * would make the client resend it forever, and this still bounds usage by max(capacity, one request).
 */
import { join } from 'node:path';
import { DiskLog, StorageError, type RecordLocation } from './disk-log.js';
import { encodeRecord } from './disk-record.js';
import { assertOption, DEFAULT_QUEUE, noopLogger, type ExportLogger, type QueueOptions } from './options.js';
import { mergeBodies } from './request-body.js';
import { RetryingSender, type DeliveryOutcome, type ResolvedRetryOptions } from './retry.js';
import { systemScheduler, type Scheduler } from './scheduler.js';
import type { DrainReport, ExportRequest, Exporter } from './types.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';

export type ResolvedQueueOptions = Readonly<Required<QueueOptions>>;

export function resolveQueueOptions(options: QueueOptions | undefined): ResolvedQueueOptions {
  const q = {
    numConsumers: options?.numConsumers ?? DEFAULT_QUEUE.numConsumers,
    maxBytes: options?.maxBytes ?? DEFAULT_QUEUE.maxBytes,
    maxBatchBytes: options?.maxBatchBytes ?? DEFAULT_QUEUE.maxBatchBytes,
    storage: options?.storage ?? DEFAULT_QUEUE.storage,
    fsync: options?.fsync ?? DEFAULT_QUEUE.fsync,
  };
  // The config schema checks these with positions; here they are only asserted.
  assertOption(Number.isInteger(q.numConsumers) && q.numConsumers >= 1, 'sending_queue.num_consumers');
  assertOption(Number.isInteger(q.maxBytes) && q.maxBytes >= 1, 'sending_queue.max_bytes');
  assertOption(Number.isInteger(q.maxBatchBytes) && q.maxBatchBytes >= 0, 'sending_queue.max_batch_bytes');
  assertOption(typeof q.storage === 'string', 'sending_queue.storage');
  assertOption(typeof q.fsync === 'boolean', 'sending_queue.fsync');
  return Object.freeze(q);
}

/**
 * Memory an entry costs besides its body: the request object, its strings and the queue's bookkeeping,
 * measured roughly (V8 heap snapshots of a full queue); counted so the bound stays honest for small requests.
 */
export const ENTRY_OVERHEAD_BYTES = 256;

/**
 * A persistent queue keeps the bodies of its newest records in memory too, up to this many bytes, so a
 * queue that keeps up sends from memory instead of reading every record back (reads, like writes, take
 * turns in libuv's small thread pool). Part of the sizing rule.
 */
export const HOT_BODY_BYTES = 8 * 1024 * 1024;

/** Segment size for a persistent queue: small enough that finished records leave the disk soon. */
export function segmentBytesFor(maxBytes: number): number {
  return Math.min(16 * 1024 * 1024, Math.max(256 * 1024, Math.floor(maxBytes / 8)));
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
  /** Bytes the bound counts: held in memory, or on disk with storage. */
  bytes: number;
  items: number;
  capacityBytes: number;
  /** With storage: bytes of the queue's files on disk. */
  diskBytes?: number;
}

interface Entry {
  /** With storage its body is empty until a consumer reads it back for sending. */
  request: ExportRequest;
  location: RecordLocation | undefined;
  /** What this entry counts against the bound (memory: body + overhead; disk: its record's bytes). */
  bytes: number;
  /** With storage: its body is held in memory too (counted in `hotBytes`), no read-back needed. */
  hot: boolean;
  /** Counted already (exported, failed or kept on disk): a late outcome after a forced shutdown is ignored. */
  settled: boolean;
  /** Taken out of order into another entry's batch; `take` skips it. */
  taken: boolean;
}

/** Requests checked against the room and reserved, waiting to be persisted and committed. */
export interface Staged {
  readonly queue: ExportQueue;
  readonly requests: readonly ExportRequest[];
  readonly bytes: number;
  locations: RecordLocation[] | undefined;
  records: Buffer[] | undefined;
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
  private log: DiskLog | undefined;

  /** FIFO as array + head index: O(1) take without Array#shift's copying. */
  private pending: Entry[] = [];
  private head = 0;
  /** Bytes of committed entries not yet settled (memory: held; disk: their records). */
  private bytes = 0;
  /** Bytes staged by admissions still persisting. */
  private reserved = 0;
  private items = 0;
  private active = 0;
  private readonly inFlight = new Set<Entry>();
  private closed = false;
  /** Aborted at the drain deadline: ends in-flight attempts and backoff sleeps. */
  private readonly shutdownSignal = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private draining: Promise<DrainReport> | undefined;
  private lost = 0;
  private kept = 0;
  /** With storage: body bytes held in memory beside the disk (at most HOT_BODY_BYTES). */
  private hotBytes = 0;

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

  /** Whether this queue keeps its requests on disk. */
  get persistent(): boolean {
    return this.options.queue.storage !== '';
  }

  /** The folder of this queue's log: `<storage>/<exporter id with '/' as '-'>`. */
  get storageDir(): string | undefined {
    return this.persistent ? join(this.options.queue.storage, this.id.replaceAll('/', '-')) : undefined;
  }

  /**
   * With storage: opens the log and queues what the previous run did not finish, in order, ahead of
   * anything new. Throws a StorageError when the folder cannot be used. Without storage: nothing to do.
   */
  async open(): Promise<void> {
    const dir = this.storageDir;
    if (dir === undefined || this.log) return;
    const { log, recovered } = await DiskLog.open(dir, {
      fsync: this.options.queue.fsync,
      segmentBytes: segmentBytesFor(this.options.queue.maxBytes),
      onFsync: (s) => this.metrics.queueFsync(this.id, s),
    });
    this.log = log;
    if (recovered.corrupt > 0) this.metrics.queueCorruptRecords(this.id, 'corrupt', recovered.corrupt);
    if (recovered.torn > 0) this.metrics.queueCorruptRecords(this.id, 'torn', recovered.torn);
    let spans = 0;
    let duplicates = 0;
    for (const r of recovered.records) {
      this.pending.push({ request: r.request, location: r.location, bytes: r.location.size, hot: false, settled: false, taken: false });
      this.bytes += r.location.size;
      this.items++;
      spans += r.request.records;
      if (r.dispatched) duplicates += r.request.records;
    }
    if (recovered.records.length > 0) this.metrics.queueReplayed(this.id, recovered.records.length, spans, duplicates);
    if (recovered.records.length > 0 || recovered.corrupt > 0 || recovered.torn > 0) {
      this.logger.info(
        { exporter: this.id, records: recovered.records.length, spans, possibleDuplicates: duplicates, corrupt: recovered.corrupt, torn: recovered.torn, diskBytes: log.diskBytes },
        'persistent queue recovered: replaying what the downstream had not acknowledged',
      );
    }
    this.pump();
  }

  stats(): QueueStats {
    const s: QueueStats = { bytes: this.usedBytes(), items: this.items, capacityBytes: this.options.queue.maxBytes };
    if (this.log) s.diskBytes = this.log.diskBytes;
    return s;
  }

  /** Whether `count` requests with `bodyBytes` of bodies would be admitted now. False once draining. */
  hasRoom(bodyBytes: number, count = 1): boolean {
    if (this.closed) return false;
    if (this.items === 0 && this.reserved === 0) return true;
    return this.usedBytes() + bodyBytes + count * ENTRY_OVERHEAD_BYTES <= this.options.queue.maxBytes;
  }

  /** Whether anything at all would fit: a cheap check before the work of making bodies. */
  isFull(): boolean {
    return this.closed || (this.items + this.reserved > 0 && this.usedBytes() >= this.options.queue.maxBytes);
  }

  /** Memory-only convenience (tests): admit one request if it fits. */
  tryEnqueue(request: ExportRequest): boolean {
    if (this.persistent || !this.hasRoom(request.body.byteLength)) return false;
    this.admit(request);
    return true;
  }

  /** Memory-only: enqueue without a room check (the caller checked). */
  admit(request: ExportRequest): void {
    const staged = this.stage([request]);
    this.commit(staged);
  }

  /**
   * Reserves room for requests the router has checked with `hasRoom` in the same synchronous step
   * (atomic admission across queues). Then `persist` (disk), and `commit` or `abort`.
   */
  stage(requests: readonly ExportRequest[]): Staged {
    let bytes = 0;
    let records: Buffer[] | undefined;
    if (this.persistent) {
      records = requests.map(encodeRecord);
      for (const r of records) bytes += r.byteLength;
    } else {
      for (const r of requests) bytes += r.body.byteLength + ENTRY_OVERHEAD_BYTES;
    }
    this.reserved += bytes;
    return { queue: this, requests, bytes, locations: undefined, records };
  }

  /** With storage: writes and syncs the staged records. Rejects with a StorageError (nothing admitted). */
  async persist(staged: Staged): Promise<void> {
    if (!staged.records) return;
    if (!this.log) throw new StorageError('the persistent queue is not open', 'ENOTOPEN');
    staged.locations = await this.log.append(staged.records);
    staged.records = undefined;
  }

  /** Makes staged (and persisted) requests visible to the consumers. */
  commit(staged: Staged): void {
    this.reserved -= staged.bytes;
    staged.requests.forEach((request, i) => {
      const location = staged.locations?.[i];
      let entry: Entry;
      if (location) {
        const hot = this.hotBytes + request.body.byteLength <= Math.min(HOT_BODY_BYTES, this.options.queue.maxBytes);
        if (hot) this.hotBytes += request.body.byteLength;
        entry = { request: hot ? request : { ...request, body: EMPTY }, location, bytes: location.size, hot, settled: false, taken: false };
      } else {
        entry = { request, location: undefined, bytes: request.body.byteLength + ENTRY_OVERHEAD_BYTES, hot: false, settled: false, taken: false };
      }
      this.pending.push(entry);
      this.bytes += entry.bytes;
      this.items++;
    });
    this.pump();
  }

  /** Gives back a staged admission another queue refused; records already written are marked done. */
  abort(staged: Staged): void {
    this.reserved -= staged.bytes;
    if (staged.locations && this.log) this.log.release(staged.locations);
  }

  /**
   * Stops admitting, lets queued and in-flight requests finish until `deadlineMs` (absolute, on the
   * scheduler's clock), then aborts what is in flight. Memory: what is left is counted as failed
   * ('shutdown'). Storage: what is left stays on disk, unacknowledged, for the next start.
   */
  drain(deadlineMs: number): Promise<DrainReport> {
    this.draining ??= this.runDrain(deadlineMs);
    return this.draining;
  }

  /** Drains with no grace if not drained yet, then releases the exporter's connections or files. */
  async shutdown(): Promise<void> {
    await this.drain(this.scheduler.nowMs());
    await this.exporter.shutdown();
    await this.log?.close();
  }

  private usedBytes(): number {
    return (this.log ? this.log.diskBytes : this.bytes) + this.reserved;
  }

  private async runDrain(deadlineMs: number): Promise<DrainReport> {
    this.closed = true;
    if (!this.isIdle()) {
      const timer = new AbortController();
      const idle = this.whenIdle().then(() => true);
      const late = this.scheduler.sleep(deadlineMs - this.scheduler.nowMs(), timer.signal).then(() => false);
      const finished = await Promise.race([idle, late]);
      timer.abort();
      if (!finished) await this.stopAtDeadline();
    }
    if (this.kept > 0) {
      this.logger.info({ exporter: this.id, spans: this.kept, diskBytes: this.log?.diskBytes }, 'spans not yet exported stay on disk for the next start');
    }
    return { lostSpans: this.lost, keptSpans: this.kept };
  }

  private async stopAtDeadline(): Promise<void> {
    this.shutdownSignal.abort();
    const left = this.takeAll();
    const deadline = { status: 'failed', reason: 'shutdown', error: 'not sent before the shutdown deadline', attempts: 0 } as const;
    for (const e of left) this.settle(e, deadline);
    const grace = new AbortController();
    const stopped = await Promise.race([
      this.whenIdle().then(() => true),
      this.scheduler.sleep(this.abortGraceMs, grace.signal).then(() => false),
    ]);
    grace.abort();
    if (stopped) return;
    for (const e of this.inFlight) this.settle(e, { ...deadline, error: 'export did not stop at the shutdown deadline' });
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
        const ready = this.log ? await this.load(batch) : batch;
        if (ready.length === 0) continue;
        const merged = ready.length === 1 ? undefined : this.merge(ready);
        if (ready.length === 1 || merged === undefined) {
          // Nothing to merge (or bodies that cannot be merged): one request per entry.
          for (const e of ready) {
            const outcome = await this.sender.send(e.request, this.shutdownSignal.signal);
            this.inFlight.delete(e);
            this.settle(e, outcome);
          }
          continue;
        }
        const outcome = await this.sender.send(merged, this.shutdownSignal.signal);
        // Spans a downstream refused inside a merged request cannot be told apart: count them against
        // the entries in order, so the totals stay exact.
        let rejected = outcome.status === 'success' ? (outcome.rejectedSpans ?? 0) : 0;
        for (const e of ready) {
          this.inFlight.delete(e);
          if (outcome.status !== 'success') {
            this.settle(e, outcome);
            continue;
          }
          const mine = Math.min(rejected, e.request.records);
          rejected -= mine;
          this.settle(e, { ...outcome, rejectedSpans: mine });
        }
      }
    } finally {
      this.active--;
      if (this.isIdle()) this.notifyIdle();
    }
  }

  /**
   * Reads a batch's bodies back from disk and marks them dispatched. A record that no longer reads
   * back whole (the disk changed under us) is counted corrupt and skipped; the rest go on.
   */
  private async load(batch: Entry[]): Promise<Entry[]> {
    const log = this.log!;
    const ready: Entry[] = [];
    const reads = await Promise.all(batch.map((e) => (e.hot ? undefined : log.read(e.location!))));
    for (const [i, e] of batch.entries()) {
      const read = reads[i];
      if (read === undefined) {
        ready.push(e);
        continue;
      }
      if (read.ok) {
        e.request = { ...e.request, body: read.request.body };
        ready.push(e);
        continue;
      }
      this.inFlight.delete(e);
      this.metrics.queueCorruptRecords(this.id, read.reason, 1);
      this.settle(e, { status: 'failed', reason: 'failure', error: `stored record unreadable (${read.reason})`, attempts: 0 });
    }
    if (ready.length > 0) await log.markDispatched(ready.map((e) => e.location!));
    return ready;
  }

  private settle(entry: Entry, outcome: DeliveryOutcome): void {
    if (entry.settled) return;
    entry.settled = true;
    this.bytes -= entry.bytes;
    this.items--;
    if (entry.hot) this.hotBytes -= entry.request.body.byteLength;
    const n = entry.request.records;
    const request = entry.request;
    entry.request = { ...request, body: EMPTY }; // release the body for GC
    if (outcome.status === 'failed' && outcome.reason === 'shutdown' && entry.location) {
      // Stored and not finished: it stays on disk, unacknowledged, and is replayed on the next start.
      this.kept += n;
      return;
    }
    if (entry.location) this.log?.release([entry.location]);
    if (outcome.status === 'success') {
      const rejected = Math.min(n, outcome.rejectedSpans ?? 0);
      if (n - rejected > 0) this.metrics.spansExported(n - rejected, this.id, request.signal);
      if (rejected > 0) {
        this.metrics.spansExportFailed(rejected, this.id, 'failure', request.signal);
        // The downstream's error_message is not logged: it may quote the data it refused.
        this.logger.warn({ exporter: this.id, signal: request.signal, class: request.class, tenant: request.tenant, records: n, rejected }, 'downstream rejected records (partial success)');
      }
      return;
    }
    this.metrics.spansExportFailed(n, this.id, outcome.reason, request.signal);
    if (outcome.reason === 'shutdown') this.lost += n;
    // Ids and counts only: the error holds status/errno codes, never payload (principle 7).
    this.logger.warn(
      { exporter: this.id, signal: request.signal, class: request.class, tenant: request.tenant, records: n, reason: outcome.reason, attempts: outcome.attempts, error: outcome.error, policyVersion: request.policyVersion },
      'records not exported',
    );
  }

  /**
   * Entries waiting for the same destination as `first` (signal, tenant, target and body format), taken
   * out of the queue with it while their bytes fit `max_batch_bytes`. Always includes `first`.
   */
  private takeBatchFor(first: Entry): Entry[] {
    const limit = this.options.queue.maxBatchBytes;
    if (limit === 0) return [first];
    const batch = [first];
    const r0 = first.request;
    let bytes = wireBytes(first);
    const end = Math.min(this.pending.length, this.head + BATCH_LOOKAHEAD);
    for (let i = this.head; i < end; i++) {
      const e = this.pending[i]!;
      const r = e.request;
      if (e.taken || r.tenant !== r0.tenant || r.target !== r0.target || r.encoding !== r0.encoding || r.compression !== r0.compression || r.signal !== r0.signal) continue;
      if (bytes + wireBytes(e) > limit) break;
      e.taken = true;
      bytes += wireBytes(e);
      batch.push(e);
    }
    return batch;
  }

  private merge(batch: Entry[]): ExportRequest | undefined {
    const requests = batch.map((e) => e.request);
    const body = mergeBodies(requests);
    if (body === undefined) return undefined;
    const first = requests[0]!;
    return { ...first, body, records: requests.reduce((n, r) => n + r.records, 0) };
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
    this.pending[this.head] = undefined as unknown as Entry; // release the entry for GC
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

const EMPTY = new Uint8Array(0);

/** The bytes an entry adds to a merged request (its body; read back from disk, its record). */
function wireBytes(e: Entry): number {
  return e.location ? e.location.size : e.request.body.byteLength;
}
