/**
 * Composition root of the export side: builds each exporter from its options, wraps it in retry and its
 * own bytes-bounded queue, and wires the router from `routes`. Everything that can be wrong in the options
 * throws here, at start-up, with the YAML key in the message; nothing throws after.
 */
import { FileExporter } from './file-exporter.js';
import { noopLogger, type CreateRouterOptions, type ExporterOptions } from './options.js';
import { OtlpHttpExporter } from './otlphttp-exporter.js';
import { ExportQueue, resolveQueueOptions } from './queue.js';
import { resolveRetryOptions } from './retry.js';
import { Router } from './router.js';
import type { Scheduler } from './scheduler.js';
import type { Exporter } from './types.js';

/** Test seams; production passes none. */
export interface FactoryDeps {
  scheduler?: Scheduler;
  random?: () => number;
}

export function createExporter(id: string, options: ExporterOptions): Exporter {
  const slash = id.indexOf('/');
  const idType = slash === -1 ? id : id.slice(0, slash);
  if (idType !== options.type) {
    throw new Error(`exporters.${id}: the id's type '${idType}' does not match the exporter type '${options.type}'`);
  }
  switch (options.type) {
    case 'otlphttp':
      return new OtlpHttpExporter(id, options);
    case 'file':
      return new FileExporter(id, options);
    default: {
      const unknown: { type?: unknown } = options;
      throw new Error(`exporters.${id}: unknown exporter type '${String(unknown.type)}' (expected otlphttp or file)`);
    }
  }
}

export function createQueue(id: string, options: ExporterOptions, deps: FactoryDeps & Pick<CreateRouterOptions, 'metrics' | 'logger'>): ExportQueue {
  const retry = wrap(id, () => resolveRetryOptions(options.retry));
  const queue = wrap(id, () => resolveQueueOptions(options.queue));
  return new ExportQueue(createExporter(id, options), { retry, queue }, deps);
}

export function createRouter(options: CreateRouterOptions, deps: FactoryDeps = {}): Router {
  const logger = options.logger ?? noopLogger;
  const queues: ExportQueue[] = [];
  try {
    for (const [id, exporterOptions] of Object.entries(options.exporters)) {
      queues.push(createQueue(id, exporterOptions, { ...deps, metrics: options.metrics, logger }));
    }
    const router = new Router(queues, options.routes, { metrics: options.metrics, logger, ...(deps.scheduler ? { nowMs: () => deps.scheduler!.nowMs() } : {}) });
    const { traces, logs, metrics } = options.routes;
    const routed = new Set([...Object.values(traces ?? {}), ...Object.values(logs ?? {}), metrics ?? []].flatMap((ids) => ids ?? []));
    for (const q of queues) {
      if (!routed.has(q.id)) logger.info({ exporter: q.id }, 'exporter defined but not used in any route');
    }
    return router;
  } catch (err) {
    // Release whatever was built before the bad option (keep-alive agents hold no sockets yet, but be tidy).
    for (const q of queues) void q.exporter.shutdown();
    throw err;
  }
}

/** Prefixes retry/queue option errors with the exporter, so the message names the full YAML key. */
function wrap<T>(id: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw new Error(`exporters.${id}.${err instanceof Error ? err.message : String(err)}`);
  }
}
