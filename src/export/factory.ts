/**
 * Composition root of the export side: builds each exporter from its options, wraps it in retry and its
 * own bytes-bounded queue, and wires the router from `routes`. The options come validated by the config
 * schema (src/config/schema.ts), which reports every mistake at its file:line:col; what is built here only
 * asserts them, so a config that validates always starts.
 */
import { FileExporter } from './file-exporter.js';
import { assertOption, DEFAULT_OTLP_GRPC, noopLogger, type CreateRouterOptions, type ExporterOptions } from './options.js';
import { OtlpGrpcExporter } from './otlp-grpc-exporter.js';
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
  assertOption((slash === -1 ? id : id.slice(0, slash)) === options.type, `exporters.${id} (its id's type)`);
  switch (options.type) {
    case 'otlphttp':
      return new OtlpHttpExporter(id, options);
    case 'otlp':
      return new OtlpGrpcExporter(id, options);
    case 'file':
      return new FileExporter(id, options);
    default:
      return assertNever(options, `exporters.${id}.type`);
  }
}

export function createQueue(id: string, options: ExporterOptions, deps: FactoryDeps & Pick<CreateRouterOptions, 'metrics' | 'logger'>): ExportQueue {
  const queue = options.type === 'otlp' ? { maxBatchBytes: DEFAULT_OTLP_GRPC.maxBatchBytes[options.compression ?? DEFAULT_OTLP_GRPC.compression], ...options.queue } : options.queue;
  return new ExportQueue(createExporter(id, options), { retry: resolveRetryOptions(options.retry), queue: resolveQueueOptions(queue) }, deps);
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

function assertNever(_: never, option: string): never {
  assertOption(false, option);
}
