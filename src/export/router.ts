/**
 * Signal and class → exporters. The receiver hands the router one request's outputs; the router either
 * enqueues all of them for every exporter of their signal and class, or nothing at all.
 *
 * Bodies are made once: each output is encoded once per encoding (encode-output.ts: in the policy
 * worker, or in `route` when the policy ran in this thread) and compressed once per body format
 * (exporters with equal formats share the bytes), here at admission, never again per attempt.
 *
 * Atomic admission: once the bodies are made, the total per target queue is checked against its room
 * and reserved in one synchronous step, so no other request can slip in between check and reservation.
 * Persistent queues then write and fsync their records (concurrent requests share one fsync); only when
 * every write succeeded is anything made visible to the consumers. When any queue is full, or a write
 * fails (disk full, I/O error), the answer is `unavailable`: the receiver replies 503 with Retry-After,
 * the client resends the whole request, and records another queue had written already are marked done
 * (so they are not replayed). Nothing is lost; a duplicate is possible only when marking them failed too.
 *
 * A class with no route (not listed in `routes`, or listed with no exporters) is exported nowhere, as
 * design.md says; its records are counted as discarded with reason 'no_route' once the request is
 * accepted, so they are never silently lost. A signal with no routes at all is not served (`serves`):
 * the receivers refuse its requests instead of accepting what could only be dropped.
 */
import type { Signal } from '../otlp/signal.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import { noopLogger, type ExportLogger } from './options.js';
import type { ExportQueue, Staged } from './queue.js';
import { formatKey, makeBody, type MadeBody } from './request-body.js';
import { encodeOutputs, type CompressionPlan, type EncodedOutput, type EncodingPlan } from './encode-output.js';
import type { Encoding } from '../otlp/codec.js';
import type { BodyFormat, ClassRoutes, DrainReport, ExportRequest, RouteContext, RouteResult, SignalRoutes, SpanRouter } from './types.js';

export interface RouterDeps {
  metrics: GatewayMetrics;
  logger?: ExportLogger;
  /** Clock for shutdown's "no grace" deadline; Date.now by default. */
  nowMs?: () => number;
}

interface Planned {
  queue: ExportQueue;
  output: EncodedOutput;
  target: string;
  body: Promise<MadeBody>;
}

const UNKNOWN_POLICY = '';

/** Metrics have no class: their one list of exporters is kept under this key. */
const UNCLASSIFIED = 'metrics';
type RouteKey = ExportClass | typeof UNCLASSIFIED;

export class Router implements SpanRouter {
  private readonly routes = new Map<Signal, Map<RouteKey, readonly ExportQueue[]>>();
  private readonly metrics: GatewayMetrics;
  private readonly logger: ExportLogger;
  private readonly nowMs: () => number;
  private closed = false;
  private readonly plan: EncodingPlan;
  /** Admissions between their room check and their commit: a drain waits for them. */
  private admitting = 0;
  private admitted: (() => void)[] = [];

  constructor(
    private readonly queues: readonly ExportQueue[],
    routes: SignalRoutes,
    deps: RouterDeps,
  ) {
    this.metrics = deps.metrics;
    this.logger = deps.logger ?? noopLogger;
    this.nowMs = deps.nowMs ?? Date.now;
    const byId = new Map(queues.map((q) => [q.id, q]));
    const resolve = (key: string, ids: readonly string[] | undefined): ExportQueue[] => {
      const targets: ExportQueue[] = [];
      for (const id of ids ?? []) {
        const q = byId.get(id);
        if (!q) throw new Error(`${key}: unknown exporter '${id}' (defined: ${[...byId.keys()].join(', ') || 'none'})`);
        if (!targets.includes(q)) targets.push(q);
      }
      return targets;
    };
    const classified = (signal: 'traces' | 'logs', classRoutes: ClassRoutes | undefined): void => {
      if (classRoutes === undefined) return;
      const m = new Map<RouteKey, readonly ExportQueue[]>();
      for (const [cls, ids] of Object.entries(classRoutes) as [ExportClass, readonly string[] | undefined][]) {
        // Bare `routes:` is the traces routes, so their keys are named as they were written.
        const targets = resolve(signal === 'traces' ? `routes.${cls}` : `routes.${signal}.${cls}`, ids);
        if (targets.length > 0) m.set(cls, targets);
      }
      this.routes.set(signal, m);
    };
    classified('traces', routes.traces);
    classified('logs', routes.logs);
    if (routes.metrics !== undefined) this.routes.set('metrics', new Map([[UNCLASSIFIED, resolve('routes.metrics', routes.metrics)]]));
    this.plan = this.encodingPlan();
  }

  serves(signal: Signal): boolean {
    return this.routes.has(signal);
  }

  /** The exporter ids a class of a signal goes to ([] = exported nowhere); metrics take no class. */
  targetsOf(cls: ExportClass | undefined, signal: Signal = 'traces'): string[] {
    return (this.routes.get(signal)?.get(cls ?? UNCLASSIFIED) ?? []).map((q) => q.id);
  }

  /**
   * Opens persistent queues (replaying what a previous run left) before the receiver listens. Throws
   * naming the exporter when a storage folder cannot be used.
   */
  async start(): Promise<void> {
    for (const q of this.queues) {
      try {
        await q.open();
      } catch (err) {
        throw new Error(`exporters.${q.id}.sending_queue.storage: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Which encodings each signal and class needs (its exporters' formats), for encodeOutputs. */
  encodingPlan(): EncodingPlan {
    const plan: EncodingPlan = {};
    for (const [signal, byClass] of this.routes) {
      const m: Partial<Record<RouteKey, Encoding[]>> = {};
      for (const [cls, queues] of byClass) m[cls] = [...new Set(queues.map((q) => q.exporter.format.encoding))];
      plan[signal] = m;
    }
    return plan;
  }

  /**
   * The compressed formats each signal and class needs, for a policy worker to compress in its thread
   * (encodeOutputs): then the main thread only moves the bytes (issue #10, scaling).
   */
  compressionPlan(): CompressionPlan {
    const plan: CompressionPlan = {};
    for (const [signal, byClass] of this.routes) {
      const m: Partial<Record<RouteKey, BodyFormat[]>> = {};
      for (const [cls, queues] of byClass) {
        const formats = new Map<string, BodyFormat>();
        for (const q of queues) if (q.exporter.format.compression !== 'none') formats.set(formatKey(q.exporter.format), q.exporter.format);
        if (formats.size > 0) m[cls] = [...formats.values()];
      }
      plan[signal] = m;
    }
    return plan;
  }

  /** Encodes here (encode-output.ts), then admits: for callers that run the policy in this thread. */
  async route(outputs: readonly ClassOutput[], ctx?: RouteContext): Promise<RouteResult> {
    // A full queue refuses before any encoding or compression is spent on the request.
    for (const out of outputs) {
      const full = out.count > 0 ? this.routes.get(out.signal)?.get(out.class ?? UNCLASSIFIED)?.find((q) => q.isFull()) : undefined;
      if (full) return this.refuse(full, outputs);
    }
    return this.admit(encodeOutputs(outputs, this.plan), ctx);
  }

  async admit(outputs: readonly EncodedOutput[], ctx?: RouteContext): Promise<RouteResult> {
    const plan: Planned[] = [];
    let routed = 0;
    const noRoute = new Map<Signal, number>();
    for (const out of outputs) {
      if (out.count === 0) continue;
      const targets = this.routes.get(out.signal)?.get(out.class ?? UNCLASSIFIED);
      if (!targets) {
        noRoute.set(out.signal, (noRoute.get(out.signal) ?? 0) + out.count);
        continue;
      }
      // A full queue refuses before any compression is spent on the request.
      const full = targets.find((q) => q.isFull());
      if (full) return this.refuse(full, outputs);
      let planned = false;
      const made = new Map<string, Promise<MadeBody>>();
      for (const queue of targets) {
        const target = queue.exporter.target(out.signal, out.tenant);
        if (!target.ok) {
          this.failed(queue, out, 'destination', target.error);
          continue;
        }
        const format = queue.exporter.format;
        const bytes = out.bodies[format.encoding];
        if (!bytes) {
          // The encode failed (the model would not serialise): our bug, not the client's; counted.
          this.failed(queue, out, 'encoding', out.failed?.[format.encoding] ?? 'missing');
          continue;
        }
        const key = formatKey(format);
        let body = made.get(key);
        if (!body) {
          // Compressed by the policy worker already (encode-output.ts, per compressionPlan), or here.
          const ready = out.made?.[key];
          body = ready ? Promise.resolve(ready) : makeBody(bytes, format);
          made.set(key, body);
        }
        plan.push({ queue, output: out, target: target.value, body });
        planned = true;
      }
      if (planned) routed += out.count;
    }

    let bodies: MadeBody[];
    try {
      bodies = await Promise.all(plan.map((p) => p.body));
    } catch (err) {
      // zlib failing on bytes we made is a bug, not the client's: count the spans and answer for them.
      for (const p of plan) this.failed(p.queue, p.output, 'compression', err instanceof Error ? err.name : 'unknown');
      bodies = [];
      plan.length = 0;
    }

    // One synchronous step: check every queue's room, then reserve in all of them.
    const perQueue = new Map<ExportQueue, { requests: ExportRequest[]; bytes: number; spans: number }>();
    plan.forEach((p, i) => {
      const b = bodies[i]!;
      const request: ExportRequest = {
        signal: p.output.signal,
        class: p.output.class,
        tenant: p.output.tenant,
        target: p.target,
        encoding: p.queue.exporter.format.encoding,
        compression: p.queue.exporter.format.compression,
        records: p.output.count,
        policyVersion: ctx?.policyVersion ?? UNKNOWN_POLICY,
        body: b.body,
        jsonHead: b.jsonHead,
        jsonTail: b.jsonTail,
      };
      const q = perQueue.get(p.queue);
      if (q) {
        q.requests.push(request);
        q.bytes += b.body.byteLength;
        q.spans += request.records;
      } else perQueue.set(p.queue, { requests: [request], bytes: b.body.byteLength, spans: request.records });
    });
    for (const [queue, n] of perQueue) {
      if (this.closed || !queue.hasRoom(n.bytes, n.requests.length)) return this.refuse(queue, outputs);
    }
    const staged: Staged[] = [...perQueue].map(([queue, n]) => queue.stage(n.requests));

    this.admitting++;
    try {
      const writes = await Promise.allSettled(staged.map((s) => s.queue.persist(s)));
      const failedAt = writes.findIndex((w) => w.status === 'rejected');
      if (failedAt !== -1) {
        for (const s of staged) s.queue.abort(s);
        const queue = staged[failedAt]!.queue;
        const reason = (writes[failedAt] as PromiseRejectedResult).reason as { code?: string };
        this.logger.error({ exporter: queue.id, error: reason?.code ?? 'unknown' }, 'persistent queue write failed: request refused, client asked to retry');
        return this.refuse(queue, outputs);
      }
      for (const s of staged) s.queue.commit(s);
    } finally {
      this.admitting--;
      if (this.admitting === 0) for (const w of this.admitted.splice(0)) w();
    }
    for (const [queue, n] of perQueue) {
      for (const r of n.requests) this.metrics.spansRouted(r.records, r.class, queue.id, r.signal);
    }
    let unrouted = 0;
    for (const [signal, n] of noRoute) {
      this.metrics.spansDiscarded(n, 'no_route', signal);
      unrouted += n;
    }
    return { status: 'accepted', routed, noRoute: unrouted };
  }

  async drain(deadlineMs: number): Promise<DrainReport> {
    this.closed = true;
    // Requests already past their room check finish their admission first: they will be answered 200.
    if (this.admitting > 0) await new Promise<void>((r) => this.admitted.push(r));
    const reports = await Promise.all(this.queues.map((q) => q.drain(deadlineMs)));
    return reports.reduce((a, r) => ({ lostSpans: a.lostSpans + r.lostSpans, keptSpans: a.keptSpans + r.keptSpans }), { lostSpans: 0, keptSpans: 0 });
  }

  async shutdown(): Promise<void> {
    await this.drain(this.nowMs());
    await Promise.all(this.queues.map((q) => q.shutdown()));
  }

  private refuse(queue: ExportQueue, outputs: readonly { signal: Signal; class: ExportClass | undefined; count: number }[]): RouteResult {
    let records = 0;
    for (const out of outputs) if (this.routes.get(out.signal)?.get(out.class ?? UNCLASSIFIED)?.includes(queue)) records += out.count;
    // A request holds one signal, so what the queue refused is all of that signal.
    const signal = outputs[0]?.signal ?? 'traces';
    this.metrics.spansRefusedQueueFull(records, queue.id, signal);
    this.logger.debug({ exporter: queue.id, closed: this.closed }, 'queue full: request refused, client asked to retry');
    return { status: 'unavailable', retryAfterSeconds: retryAfterSeconds(queue), exporter: queue.id };
  }

  /** Records that cannot be made into a request for this exporter: retrying cannot help, so count them. */
  private failed(queue: ExportQueue, out: EncodedOutput, step: string, error: string): void {
    this.metrics.spansExportFailed(out.count, queue.id, 'failure', out.signal);
    this.logger.error({ exporter: queue.id, signal: out.signal, class: out.class, tenant: out.tenant, records: out.count, step, error }, 'could not make an export request');
  }
}

/** Ask the client to come back after about one first-retry interval of the full exporter, at least 1 s. */
function retryAfterSeconds(queue: ExportQueue): number {
  return Math.max(1, Math.ceil(queue.options.retry.initialIntervalMs / 1000));
}
