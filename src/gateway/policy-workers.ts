/**
 * The policy worker pool: the policy step of every request (inflate → decode → policy → encode →
 * compress, policy-step.ts) runs on one of `service.workers` worker threads, so the event loop only
 * does sockets, caps, moving bytes and queues, and one huge request never holds it (issue #13: /healthz and the other
 * clients stay responsive while a 20 MiB body is scanned).
 *
 * Dispatch: waiting requests are handed to whichever worker is idle, one request per worker at a time
 * ("least loaded" with work stealing built in). Fairness between small and huge requests (issue #13:
 * an attacker's 20 MiB bodies must not make every other client wait): a request is huge when its body
 * (after decompression) holds at least HUGE_REQUEST_BYTES, since scanning is linear in the bytes, and
 *   - huge requests occupy at most workers − 1 workers at once, so a small request always finds a
 *     worker that is free or only running small ones (with one worker: at most that one);
 *   - small requests go first: a free worker takes the oldest small request, and a huge one only when
 *     no small one waits. Each class is FIFO in itself.
 * With more than one worker, a huge request also runs at a lower thread priority (nice +10, Linux), so
 * on a busy machine the event loop and the small requests' workers get the CPU first; the worker
 * raises it back afterwards where the OS allows (it needs CAP_SYS_NICE), else it stays low and small
 * requests prefer the other workers.
 * Huge requests therefore wait while small ones keep every allowed worker busy; that is the intended
 * trade (a huge request is the one to retry). The waiting requests are bounded by count
 * (service.worker_queue.max_waiting_per_worker per worker, 64 by default, both classes together; the
 * receivers' in-flight budget already bounds the bytes they hold), and a request waits at most
 * service.worker_queue.max_wait (5 s): past either it is answered 503 busy, and the client retries.
 *
 * Memory: when a worker takes a request, the main thread takes from the in-flight pool what the
 * request may decode to (its DecodeBudget: min(limit, 16 × body + slack), otlp/limits.ts) and hands
 * the worker that byte count; the worker's budget draws on it, so the pool bounds decoded memory
 * across all workers as it did in one thread. Each worker's heap is capped (resourceLimits) from the
 * per-request decode limit: a request that somehow outgrows it kills only that worker.
 *
 * Compressed bodies (HTTP gzip/deflate, RawRequest.compressed): the worker inflates them (bounded by
 * the body limit: 413 past it, 400 when the bytes are not valid), so the main thread never does. Their
 * size is known only then, so they wait as small requests; the worker reports the size, the pool takes
 * the inflated bytes and the decode budget from the in-flight pool (503 busy when it has no room) and,
 * when the body turns out huge while huge requests already hold every worker they may, has the
 * worker send the inflated body back to wait as a huge request. Uncharged while it inflates, a worker
 * holds at most one body limit of output: the bound is workers × the body limit.
 *
 * Crashes: a worker that dies (uncaught error, heap limit, process.exit) is replaced; the request it
 * held is answered 503 + Retry-After (gRPC UNAVAILABLE), so the client resends it. Nothing it held was
 * admitted, so nothing acknowledged is lost. The first crash is replaced at once; a slot whose workers
 * keep dying soon after they start (a request that crashes every worker it reaches, resent again and
 * again) is refilled after a doubling pause (restartDelayMs), so the gateway does not spend its cores
 * starting workers. Meanwhile the other workers serve, and with none left requests wait, then 503.
 *
 * Compile and reload: the main thread only reads and parses the policy (read-policy.ts); each worker
 * compiles those sources, and its answer (compile-report.ts) is how the gateway learns whether the
 * policy is valid: start-up (ready()) and a reload resolve with the first worker's report, its issues
 * for the main thread to place at file:line:col. So the main thread never loads the detectors. Start
 * and reload are the same two phases: every worker compiles the generation (checking it has the
 * version the main thread computed from the sources), then the pool switches the generation it hands
 * out. A request carries its generation, so it runs under exactly one policy, and the stamps on its
 * outputs name that version.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULTS } from '../config/types.js';
import type { CompressionPlan, EncodingPlan } from '../export/encode-output.js';
import type { DecodeLimits } from '../otlp/codec.js';
import { DECODE_SLACK_BYTES, DECODED_BYTES_PER_BODY_BYTE } from '../otlp/limits.js';
import type { PolicySource } from '../policy/compile.js';
import type { CompileReport } from '../policy/compile-report.js';
import type { RawRequest } from '../receiver/types.js';
import type { StepOutcome, TakeCaps } from './policy-step.js';
import type { FromWorker, ToWorker, WorkerInit } from './policy-worker-protocol.js';
import type { WorkerGauges } from '../telemetry/metrics-types.js';
import type { SharedWordTable } from '../policy/detect/lexicon/word-table.js';
import type { PolicySwitch } from './policy-holder.js';
import { workerEntry } from './worker-entry.js';

/** Defaults of service.worker_queue (config/types.ts). */
export const MAX_WAITING_PER_WORKER = DEFAULTS.workerQueue.maxWaitingPerWorker;
export const MAX_WAIT_MS = DEFAULTS.workerQueue.maxWaitMs;
const MiB = 1024 * 1024;
/**
 * From this body size (decompressed) a request is huge for dispatch: about 50–100 ms of redact-all
 * scanning here, ten times a typical 100-span request, and far below the attack shapes of issue #13.
 */
export const HUGE_REQUEST_BYTES = 512 * 1024;
/**
 * A worker's old-generation heap per byte of the per-request decode limit: the decoded model (the
 * budget's estimate, itself on the high side), its redacted copy and the encoded bodies.
 */
export const WORKER_HEAP_PER_DECODED_BYTE = 3;
/** A worker's heap beyond the request: the compiled policy, detectors, code. */
export const WORKER_HEAP_BASE_BYTES = 64 * MiB;

/**
 * The young generation of each policy worker (Worker resourceLimits.maxYoungGenerationSizeMb), MiB.
 *
 * Why: a worker's young objects are one request's decoded model and its redacted copy (~1.5 MB
 * allocated per 100-span request), and V8 lets an isolate's young generation grow to 48 MiB (two 16 MiB
 * semi-spaces and as much for large objects), which it keeps once grown. 24 MiB (8 MiB semi-spaces) still holds several requests
 * between scavenges: side by side on bench:vs-collector's load, 1 worker, peak RSS 157–164 MiB against
 * 174–182 with V8's default at the same spans per CPU-second (±noise). Smaller falls off a cliff: at
 * 12 MiB and below a request's model outlives the scavenges, is promoted, and the worker did half the
 * spans per CPU-second with a higher peak (12,800 spans/CPU-s and 189–209 MiB at 12 MiB, 199 at 8).
 * A `--max-semi-space-size` flag in force when the worker starts overrides it (checked: with the main
 * thread's `=2` a worker got 4 MiB of new space), which is why serve resets that flag before the
 * workers start (gc-tuning.ts workersSizeTheirOwnYoungGeneration).
 */
export const WORKER_YOUNG_GENERATION_MB = 24;

/** The default for `service.workers`: one per CPU this process may use. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** The heap cap of one worker, in MiB (Worker resourceLimits.maxOldGenerationSizeMb). */
export function workerHeapLimitMb(maxDecodedBytes: number): number {
  return Math.ceil((WORKER_HEAP_PER_DECODED_BYTE * maxDecodedBytes + WORKER_HEAP_BASE_BYTES) / MiB);
}

export interface PolicyWorkerLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PolicyWorkerOptions {
  size: number;
  policy: { sources: PolicySource[]; version: string };
  env: Readonly<Record<string, string | undefined>>;
  limits: DecodeLimits;
  plan: EncodingPlan;
  /** The gzip formats the workers compress bodies in (the main thread then only moves bytes). */
  compress?: CompressionPlan;
  /** The largest decode budget a request gets (sizes each worker's heap). */
  maxDecodedBytes: number;
  logger: PolicyWorkerLogger;
  maxWaiting?: number;
  maxWaitMs?: number;
  /** Requests with at least this many body bytes are huge for dispatch (default HUGE_REQUEST_BYTES). */
  hugeRequestBytes?: number;
  /**
   * The PERSON word table every worker adopts (word-table-thread.ts builds it off this thread): one
   * table for the process, where each worker would otherwise hold its own (~3 MiB of cells, ~5 MiB of lexicon).
   */
  wordTable: SharedWordTable;
}

interface Job {
  request: RawRequest;
  takeCaps: TakeCaps;
  resolve: (o: StepOutcome) => void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  huge: boolean;
}

/** A worker that lived at least this long after 'ready' was no crash loop: its slot's pause resets. */
export const STABLE_WORKER_MS = 30_000;
/** The first pause of a crash loop, doubled per crash up to the last. */
export const FIRST_RESTART_DELAY_MS = 100;
export const MAX_RESTART_DELAY_MS = 5_000;

/**
 * How long to wait before refilling a slot, given how many of its workers in a row died within
 * STABLE_WORKER_MS of being ready before this one (0: this is the first): the first is replaced at
 * once, the next after FIRST_RESTART_DELAY_MS, then doubling up to MAX_RESTART_DELAY_MS.
 */
export function restartDelayMs(quickCrashesBefore: number): number {
  if (quickCrashesBefore <= 0) return 0;
  return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** Math.min(quickCrashesBefore - 1, 16));
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** When it was ready (performance.now()), to tell a crash loop from a worker that served a while. */
  readyAt: number;
  /** Workers of this slot in a row, before this one, that died soon after they were ready (restartDelayMs). */
  quickCrashes: number;
  loaded: Set<number>;
  job: { id: number; job: Job } | undefined;
  exited: boolean;
  /** Its thread still runs at the lower priority of huge requests (it could not raise it back). */
  lowered: boolean;
}

/** A FIFO of waiting jobs (settled ones, timed out meanwhile, are skipped when taken). */
class JobQueue {
  private items: (Job | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(job: Job): void {
    this.items.push(job);
  }

  /** The oldest job not settled yet, left in the queue; undefined when none. */
  peek(): Job | undefined {
    while (this.head < this.items.length) {
      const job = this.items[this.head]!;
      if (!job.settled) return job;
      this.drop();
    }
    return undefined;
  }

  /** Removes the job peek() returned. */
  drop(): void {
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
  }

  pendingCount(): number {
    let n = 0;
    for (let i = this.head; i < this.items.length; i++) if (!this.items[i]!.settled) n++;
    return n;
  }

  *pending(): Generator<Job> {
    for (let i = this.head; i < this.items.length; i++) if (!this.items[i]!.settled) yield this.items[i]!;
  }
}

const BUSY: StepOutcome = { ok: false, refused: { status: 'unavailable', retryAfterSeconds: 1, reason: 'busy' } };
const WORKER_FAILED: StepOutcome = { ok: false, refused: { status: 'unavailable', retryAfterSeconds: 1, reason: 'worker_failed' } };

type Compiled = Extract<CompileReport, { ok: true }>;
type CompileFailed = Extract<CompileReport, { ok: false }>;

type ReloadWait = { generation: number; version: string; compiled?: Compiled; resolve: (r: PolicySwitch) => void };

export class PolicyWorkers {
  private readonly slots: Slot[] = [];
  private readonly small = new JobQueue();
  private readonly huge = new JobQueue();
  /** Huge requests may run on this many workers at once: workers − 1, at least 1. */
  private readonly hugeSlots: number;
  private readonly hugeBytes: number;
  private nextId = 1;
  private generation = 0;
  /** Generations workers must hold: the current one and one being reloaded. */
  private readonly live = new Map<number, PolicySource[]>();
  private reloading: ReloadWait | undefined;
  /** How compiling generation 0 ended, once it has (ready()). */
  private started: PolicySwitch | undefined;
  private closed = false;
  private readonly maxWaiting: number;
  private readonly maxWaitMs: number;
  private readonly heapMb: number;
  /** Workers replaced after a crash (for tests and the shutdown summary). */
  crashes = 0;
  /** Workers that stopped before they were ready. */
  private diedStarting = 0;

  constructor(private readonly options: PolicyWorkerOptions) {
    if (!(Number.isInteger(options.size) && options.size > 0)) throw new Error(`a policy worker pool needs at least one worker, got ${options.size}`);
    this.maxWaiting = options.maxWaiting ?? MAX_WAITING_PER_WORKER * options.size;
    this.maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
    this.heapMb = workerHeapLimitMb(options.maxDecodedBytes);
    this.hugeSlots = Math.max(1, options.size - 1);
    this.hugeBytes = options.hugeRequestBytes ?? HUGE_REQUEST_BYTES;
    this.live.set(0, options.policy.sources);
    // Starting is switching to generation 0: it ends as a reload does (ready() reports how).
    this.reloading = { generation: 0, version: options.policy.version, resolve: (r) => (this.started = r) };
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** What the metrics endpoint shows of the pool (loopgate_policy_worker*). */
  gauges(): WorkerGauges {
    let busy = 0;
    for (const s of this.slots) if (s.job !== undefined) busy++;
    return { workers: this.slots.length, busy, waitingSmall: this.small.pendingCount(), waitingHuge: this.huge.pendingCount(), crashes: this.crashes };
  }

  /**
   * Resolves when every worker has compiled the policy, or as soon as one finds it invalid (start-up:
   * fail before listening); rejects when the workers cannot start.
   */
  async ready(): Promise<PolicySwitch> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.started) return this.started;
      if (this.closed) throw new Error('policy worker pool closed');
      if (this.diedStarting > 0) throw new Error('a policy worker stopped before it was ready (see the log)');
      if (Date.now() > deadline) throw new Error('policy workers did not start within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  run(request: RawRequest, takeCaps: TakeCaps): Promise<StepOutcome> {
    if (this.closed || this.small.length + this.huge.length >= this.maxWaiting) return Promise.resolve(BUSY);
    return new Promise((resolve) => {
      // A compressed body's size is known once a worker has inflated it ('inflated'): it waits as small.
      const job: Job = { request, takeCaps, resolve, timer: undefined, settled: false, huge: request.compressed === undefined && request.body.byteLength >= this.hugeBytes };
      job.timer = setTimeout(() => this.settle(job, BUSY), this.maxWaitMs);
      (job.huge ? this.huge : this.small).push(job);
      this.dispatch();
    });
  }

  /**
   * Has every worker compile `sources` (whose compiled version is `version`), then switches to it:
   * requests dispatched from then on run under it. Resolves once switched, or with the error when a
   * worker compiled something else (the files changed between two reads cannot happen: the sources are
   * sent, not re-read) or found the policy invalid (then with its issues).
   */
  reload(sources: PolicySource[], version: string): Promise<PolicySwitch> {
    if (this.reloading) this.reloading.resolve({ ok: false, error: 'superseded by a newer reload' });
    const generation = ++this.generation;
    this.live.set(generation, sources);
    return new Promise((resolve) => {
      this.reloading = { generation, version, resolve };
      for (const s of this.slots) if (s.ready) this.post(s, { t: 'policy', generation, sources });
      this.checkReload();
    });
  }

  /** Stops every worker; requests still waiting are answered 503 (the receivers are closed by then). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const q of [this.small, this.huge]) for (const job of q.pending()) this.settle(job, BUSY);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** The generation requests are handed now: the reload's until all workers hold it. */
  private current = 0;

  private spawn(quickCrashes = 0): Slot {
    const { entry, eval: isEval } = workerEntry(import.meta.url, 'policy-worker-entry');
    const init: WorkerInit = {
      env: this.options.env,
      limits: this.options.limits,
      plan: this.options.plan,
      compress: this.options.compress ?? {},
      policies: [...this.live].map(([generation, sources]) => ({ generation, sources })),
      wordTable: this.options.wordTable,
    };
    const worker = new Worker(entry, { eval: isEval, workerData: init, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, ready: false, readyAt: 0, quickCrashes, loaded: new Set(), job: undefined, exited: false, lowered: false };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (err) => {
      // A crash: the 'exit' that follows replaces the worker. The error's kind only, never payload.
      this.options.logger.error({ err: { name: err.name, message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'policy worker failed');
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.t) {
      case 'ready':
        slot.ready = true;
        slot.readyAt = performance.now();
        // A reload that began while this worker started: it compiled the live generations already.
        this.checkReload();
        this.dispatch();
        return;
      case 'policy': {
        const { report } = m;
        const awaited = this.reloading?.generation === m.generation ? this.reloading : undefined;
        if (!report.ok || (awaited && report.version !== awaited.version)) {
          if (report.ok) this.failReload(`a worker compiled version ${report.version}, the gateway ${awaited!.version}`);
          else if (awaited) this.failReload(`${report.errors.length} error(s) compiling the policy`, report);
          // A generation every worker compiled before, which a replacement cannot: nobody waits for it.
          else this.options.logger.error({ error: `${report.errors.length} error(s) compiling the policy` }, 'policy worker cannot compile the policy');
          return;
        }
        if (awaited) awaited.compiled ??= report;
        slot.loaded.add(m.generation);
        this.checkReload();
        return;
      }
      case 'caps': {
        const held = slot.job;
        if (held?.id !== m.id) return;
        held.job.takeCaps(m.requests).then(
          (verdicts) => this.post(slot, { t: 'verdicts', id: m.id, verdicts }),
          // The cap step does not throw (it answers for an unreachable store itself); if it did, the
          // request fails closed: the worker is replaced with it.
          () => void slot.worker.terminate(),
        );
        return;
      }
      case 'inflated':
        this.onInflated(slot, m.id, m.bytes);
        return;
      case 'returned': {
        const held = slot.job;
        if (held?.id !== m.id) return;
        slot.job = undefined;
        // The inflated body waits as a huge request (arrival order among them), for at most maxWaitMs again.
        const job = held.job;
        const { compressed: _, ...rest } = job.request;
        job.request = { ...rest, body: new Uint8Array(m.body) };
        if (!job.settled) {
          job.timer = setTimeout(() => this.settle(job, BUSY), this.maxWaitMs);
          this.huge.push(job);
        }
        this.dispatch();
        return;
      }
      case 'done': {
        const held = slot.job;
        if (held?.id !== m.id) return;
        slot.job = undefined;
        slot.lowered = m.lowered === true;
        this.settle(held.job, m.outcome);
        this.dispatch();
        return;
      }
    }
  }

  /**
   * A worker inflated a compressed body to `bytes`: take them from the in-flight pool (the receiver
   * holds them until it answers), then let the worker go on with its decode budget, or, when it is
   * huge and huge requests already hold every worker they may, have the body sent back to wait.
   */
  private onInflated(slot: Slot, id: number, bytes: number): void {
    const held = slot.job;
    if (held?.id !== id) return;
    const job = held.job;
    const busy = (): void => {
      slot.job = undefined;
      this.settle(job, BUSY);
      this.post(slot, { t: 'sized', id, answer: 'busy' });
      this.dispatch();
    };
    if (!job.request.compressed!.take(bytes)) return busy();
    if (bytes >= this.hugeBytes) {
      job.huge = true;
      let others = 0;
      for (const s of this.slots) if (s !== slot && s.job?.job.huge) others++;
      if (others >= this.hugeSlots) return this.post(slot, { t: 'sized', id, answer: 'return' });
    }
    const budget = this.reserve(job.request, bytes);
    if (budget === false) return busy();
    this.post(slot, { t: 'sized', id, answer: 'run', ...(budget && { budget }), ...(job.huge && this.slots.length > 1 && { lowPriority: true }) });
  }

  /**
   * Takes from the in-flight pool what a request of `bodyBytes` may decode to (charged, then given
   * back to its budget, not to the pool: the receiver returns them to the pool when it answers);
   * undefined without a budget, false when the pool has no room.
   */
  private reserve(request: RawRequest, bodyBytes: number): { limitBytes: number; reservedBytes: number } | undefined | false {
    const b = request.budget;
    if (!b) return undefined;
    const reservedBytes = Math.min(b.limitBytes, DECODED_BYTES_PER_BODY_BYTE * bodyBytes + DECODE_SLACK_BYTES);
    try {
      b.charge(reservedBytes);
      b.refund(reservedBytes);
    } catch {
      return false;
    }
    return { limitBytes: b.limitBytes, reservedBytes };
  }

  private onExit(slot: Slot, code: number): void {
    slot.exited = true;
    const held = slot.job;
    slot.job = undefined;
    if (held) this.settle(held.job, WORKER_FAILED);
    if (this.closed) return;
    this.crashes++;
    const i = this.slots.indexOf(slot);
    // A worker that cannot even start (it died before 'ready') is retried after a pause, not in a loop;
    // one that keeps dying soon after it started, after a doubling pause.
    if (!slot.ready) this.diedStarting++;
    const streak = slot.ready && performance.now() - slot.readyAt >= STABLE_WORKER_MS ? 0 : slot.quickCrashes;
    const delay = slot.ready ? restartDelayMs(streak) : 1000;
    this.options.logger.error(
      { exitCode: code, request: held !== undefined, restartInMs: delay },
      'policy worker stopped: replaced; the request it held was answered 503 (retry)',
    );
    setTimeout(() => {
      if (this.closed) return;
      this.slots[i] = this.spawn(slot.ready ? streak + 1 : slot.quickCrashes);
    }, delay).unref();
    this.checkReload();
  }

  private checkReload(): void {
    const r = this.reloading;
    if (!r) return;
    const alive = this.slots.filter((s) => !s.exited);
    if (alive.length < this.slots.length || !alive.every((s) => s.ready && s.loaded.has(r.generation))) return;
    this.reloading = undefined;
    this.current = r.generation;
    for (const g of [...this.live.keys()]) if (g < r.generation) this.live.delete(g);
    for (const s of this.slots) this.post(s, { t: 'retire', below: r.generation });
    r.resolve({ ok: true, compiled: r.compiled! });
  }

  private failReload(error: string, failed?: CompileFailed): void {
    const r = this.reloading!;
    this.reloading = undefined;
    this.live.delete(r.generation);
    r.resolve({ ok: false, error, ...(failed && { failed }) });
  }

  private post(slot: Slot, m: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!slot.exited) slot.worker.postMessage(m, transfer);
  }

  private settle(job: Job, outcome: StepOutcome): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    job.resolve(outcome);
  }

  /** The job a free worker takes next: the oldest small one, else the oldest huge one if one may run. */
  private nextWaiting(): Job | undefined {
    const small = this.small.peek();
    if (small) {
      this.small.drop();
      return small;
    }
    let running = 0;
    for (const s of this.slots) if (s.job?.job.huge) running++;
    if (running >= this.hugeSlots) return undefined;
    const huge = this.huge.peek();
    if (huge) this.huge.drop();
    return huge;
  }

  private dispatch(): void {
    for (;;) {
      const free = this.slots.filter((s) => !s.exited && s.ready && s.job === undefined && s.loaded.has(this.current));
      if (free.length === 0) return;
      const job = this.nextWaiting();
      if (!job) return;
      const m = this.message(job);
      if (!m) {
        // No room in the in-flight pool for this one; the next may be smaller.
        this.settle(job, BUSY);
        continue;
      }
      // A huge request goes to a worker already at the lower priority, a small one to one that is not.
      const slot = free.find((s) => s.lowered === job.huge) ?? free[0]!;
      clearTimeout(job.timer);
      const id = this.nextId++;
      slot.job = { id, job };
      m.message.id = id;
      if (job.huge && this.slots.length > 1) m.message.lowPriority = true;
      this.post(slot, m.message, [m.message.body]);
    }
  }



  /** The run message for a job, its body made transferable; undefined when the in-flight pool is empty. */
  private message(job: Job): { message: Extract<ToWorker, { t: 'run' }> } | undefined {
    const { request } = job;
    // A compressed body's budget is taken once its size is known ('inflated').
    const budget = request.compressed ? undefined : this.reserve(request, request.body.byteLength);
    if (budget === false) return undefined;
    let body = request.body;
    // Transfer moves the whole ArrayBuffer: a view into a larger one (a Node Buffer pool slab, a
    // socket chunk) is copied instead, so nothing else loses its bytes.
    if (body.byteOffset !== 0 || body.byteLength !== body.buffer.byteLength || !(body.buffer instanceof ArrayBuffer)) body = new Uint8Array(body);
    return {
      message: {
        t: 'run',
        id: 0,
        generation: this.current,
        signal: request.signal,
        encoding: request.encoding,
        body: body.buffer as ArrayBuffer,
        ctx: { ...request.ctx },
        ...(budget && { budget }),
        ...(request.compressed && { compressed: { coding: request.compressed.coding, limitBytes: request.compressed.limitBytes } }),
      },
    };
  }
}
