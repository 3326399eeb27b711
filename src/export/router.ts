/**
 * Signal and class → exporters. The receiver hands the router one request's outputs; the router either
 * enqueues all of them for every exporter of their signal and class, or nothing at all.
 *
 * Atomic admission: outputs are encoded once per encoding (exporters declaring the same encoding share
 * the bytes), the total per target queue is checked against its room, and only when every queue has
 * room is anything enqueued. All of it happens in one synchronous step, so no other request can slip in
 * between check and enqueue. When any queue is full the answer is `unavailable`: the receiver replies
 * 503 with Retry-After and the client resends the whole request; nothing is duplicated downstream and
 * nothing is lost.
 *
 * A class with no route (not listed in `routes`, or listed with no exporters) is exported nowhere, as
 * design.md says; its records are counted as discarded with reason 'no_route' once the request is
 * accepted, so they are never silently lost. A signal with no routes at all is not served (`serves`):
 * the receivers refuse its requests instead of accepting what could only be dropped.
 */
import type { Encoding } from '../otlp/codec.js';
import type { Signal } from '../otlp/signal.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import { noopLogger, type ExportLogger } from './options.js';
import type { ExportQueue } from './queue.js';
import type { ClassRoutes, ExportItem, RouteResult, SignalRoutes, SpanRouter } from './types.js';

export interface RouterDeps {
  metrics: GatewayMetrics;
  logger?: ExportLogger;
  /** Clock for shutdown's "no grace" deadline; Date.now by default. */
  nowMs?: () => number;
}

interface Planned {
  queue: ExportQueue;
  item: ExportItem;
  body: Uint8Array;
}

/** Metrics have no class: their one list of exporters is kept under this key. */
const UNCLASSIFIED = 'metrics';
type RouteKey = ExportClass | typeof UNCLASSIFIED;

export class Router implements SpanRouter {
  private readonly routes = new Map<Signal, Map<RouteKey, readonly ExportQueue[]>>();
  private readonly metrics: GatewayMetrics;
  private readonly logger: ExportLogger;
  private readonly nowMs: () => number;
  private closed = false;

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
  }

  serves(signal: Signal): boolean {
    return this.routes.has(signal);
  }

  /** The exporter ids a class of a signal goes to ([] = exported nowhere); metrics take no class. */
  targetsOf(cls: ExportClass | undefined, signal: Signal = 'traces'): string[] {
    return (this.routes.get(signal)?.get(cls ?? UNCLASSIFIED) ?? []).map((q) => q.id);
  }

  route(outputs: readonly ClassOutput[]): RouteResult {
    const plan: Planned[] = [];
    const need = new Map<ExportQueue, { bytes: number; spans: number; signal: Signal }>();
    let routed = 0;
    const noRoute = new Map<Signal, number>();

    for (const out of outputs) {
      if (out.count === 0) continue;
      const targets = this.routes.get(out.signal)?.get(out.class ?? UNCLASSIFIED);
      if (!targets) {
        noRoute.set(out.signal, (noRoute.get(out.signal) ?? 0) + out.count);
        continue;
      }
      const item = { signal: out.signal, data: out.data, class: out.class, tenant: out.tenant, spanCount: out.count } as ExportItem;
      let shared: Map<Encoding, Uint8Array> | undefined;
      let planned = false;
      for (const queue of targets) {
        const body = this.encode(queue, item, (shared ??= new Map()));
        if (!body) continue;
        plan.push({ queue, item, body });
        planned = true;
        const n = need.get(queue);
        if (n) {
          n.bytes += body.byteLength;
          n.spans += item.spanCount;
        } else need.set(queue, { bytes: body.byteLength, spans: item.spanCount, signal: item.signal });
      }
      if (planned) routed += out.count;
    }

    let refused: ExportQueue | undefined;
    for (const [queue, n] of need) {
      if (this.closed || !queue.hasRoom(n.bytes)) {
        // A request holds one signal, so the queue's need is all of that signal.
        this.metrics.spansRefusedQueueFull(n.spans, queue.id, n.signal);
        refused ??= queue;
      }
    }
    if (refused) {
      this.logger.debug({ exporter: refused.id, closed: this.closed }, 'queue full: request refused, client asked to retry');
      return { status: 'unavailable', retryAfterSeconds: retryAfterSeconds(refused), exporter: refused.id };
    }

    for (const p of plan) {
      p.queue.admit(p.item, p.body);
      this.metrics.spansRouted(p.item.spanCount, p.item.class, p.queue.id, p.item.signal);
    }
    let unrouted = 0;
    for (const [signal, n] of noRoute) {
      this.metrics.spansDiscarded(n, 'no_route', signal);
      unrouted += n;
    }
    return { status: 'accepted', routed, noRoute: unrouted };
  }

  async drain(deadlineMs: number): Promise<void> {
    this.closed = true;
    await Promise.all(this.queues.map((q) => q.drain(deadlineMs)));
  }

  async shutdown(): Promise<void> {
    await this.drain(this.nowMs());
    await Promise.all(this.queues.map((q) => q.shutdown()));
  }

  /** One encode per encoding per output; an exporter with no declared encoding encodes for itself. */
  private encode(queue: ExportQueue, item: ExportItem, shared: Map<Encoding, Uint8Array>): Uint8Array | undefined {
    const enc = queue.exporter.encoding;
    const cached = enc ? shared.get(enc) : undefined;
    if (cached) return cached;
    try {
      const body = queue.exporter.encode(item);
      if (enc) shared.set(enc, body);
      return body;
    } catch (err) {
      // Our own model failed to serialise: retrying the request cannot help, so count it and move on.
      this.metrics.spansExportFailed(item.spanCount, queue.id, 'failure', item.signal);
      this.logger.error(
        { exporter: queue.id, signal: item.signal, class: item.class, records: item.spanCount, error: err instanceof Error ? err.name : 'unknown' },
        'could not encode records for export',
      );
      return undefined;
    }
  }
}

/** Ask the client to come back after about one first-retry interval of the full exporter, at least 1 s. */
function retryAfterSeconds(queue: ExportQueue): number {
  return Math.max(1, Math.ceil(queue.options.retry.initialIntervalMs / 1000));
}
