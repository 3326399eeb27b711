/**
 * The export side's public API: what the gateway, the CLI and tests import.
 *
 *   router = createRouter({ exporters, routes, metrics, logger })   // options validated by src/config; only asserted here
 *   router.route(outputs)  → accepted | unavailable (503 + Retry-After)
 *   router.drain(deadline) → then router.shutdown()
 */
export { createExporter, createQueue, createRouter, type FactoryDeps } from './factory.js';
export { FileExporter } from './file-exporter.js';
export {
  DEFAULT_OTLP_GRPC,
  DEFAULT_OTLPHTTP,
  DEFAULT_QUEUE,
  DEFAULT_RETRY,
  type Compression,
  type CreateRouterOptions,
  type ExporterOptions,
  type ExportLogger,
  type FileExporterOptions,
  type OtlpGrpcExporterOptions,
  type OtlpHttpExporterOptions,
  type QueueOptions,
  type RetryOptions,
} from './options.js';
export { OtlpGrpcExporter } from './otlp-grpc-exporter.js';
export { OtlpHttpExporter } from './otlphttp-exporter.js';
export { ExportQueue, resolveQueueOptions, type QueueStats } from './queue.js';
export { ExponentialBackoff, resolveRetryOptions, RetryingSender, type DeliveryOutcome } from './retry.js';
export { isRetryableGrpcCode, isRetryableStatus, isSuccessStatus, parseRetryAfter } from './retryable-status.js';
export { Router } from './router.js';
export { systemScheduler, type Scheduler } from './scheduler.js';
export type { ExportItem, ExportResult, Exporter, RouteResult, SpanRouter } from './types.js';
