/**
 * The plain options the export factory takes. The config engineer maps the YAML (zod, src/config/) onto
 * these; every field with a default is optional here and the factory fills it from the DEFAULT_*
 * constants below, so defaults live in one place.
 *
 * Every rule on these options is checked once, by the config schema (src/config/schema.ts), which
 * reports a bad value at its file:line:col. The export side only asserts (`assertOption`): an option
 * out of range here is a programming error, not an operator's mistake.
 *
 * Names follow the OpenTelemetry Collector's exporterhelper (`retry_on_failure`, `sending_queue`,
 * `timeout`, `compression`, `headers`) so an operator reads the YAML without a manual; durations are
 * milliseconds here, whatever unit the YAML uses.
 */
import { AssertionError } from 'node:assert';
import type { Encoding } from '../otlp/codec.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import type { SignalRoutes } from './types.js';

/** Collector `retry_on_failure`. */
export interface RetryOptions {
  /** Default true. When false a retryable result is counted as failed at once. */
  enabled?: boolean;
  /** Delay before the first retry. Default 5 s. */
  initialIntervalMs?: number;
  /** Upper bound of the computed backoff (not of a server's Retry-After). Default 30 s. */
  maxIntervalMs?: number;
  /** Give up after this long since the first attempt; 0 = retry forever (until shutdown). Default 300 s. */
  maxElapsedTimeMs?: number;
  /** Growth factor of the backoff. Default 1.5. */
  multiplier?: number;
  /** Jitter: each delay is drawn from [d·(1−r), d·(1+r)]. Default 0.5. */
  randomizationFactor?: number;
}

/** Collector `sending_queue`, bounded in bytes of encoded payload instead of batches. */
export interface QueueOptions {
  /** Concurrent exports from this queue. Default 4. */
  numConsumers?: number;
  /** Capacity in encoded bytes; an item that does not fit is refused (client told to retry). Default 64 MiB. */
  maxBytes?: number;
  /**
   * Items already waiting for the same tenant are merged into one request of at most this many bytes
   * (0: never merge). No timer: a lone item is sent at once; merging happens only when items queue up,
   * which is when per-request round trips would otherwise limit throughput. Default 8 MiB.
   */
  maxBatchBytes?: number;
  /**
   * A folder for a persistent queue (`sending_queue.storage`). Unset: the queue lives in memory. Set:
   * each admitted request is written (and, with `fsync`, fsynced) under `<storage>/<exporter id>/`
   * before the client is answered, and what the downstream has not acknowledged is replayed on the next
   * start; `maxBytes` then bounds the bytes on disk.
   */
  storage?: string;
  /**
   * With `storage`: fsync before answering (default true). false answers once the write reached the
   * OS: survives a crash of the gateway, not of the machine (docs/durability.md says what it costs).
   */
  fsync?: boolean;
}

export type Compression = 'gzip' | 'none';

export interface OtlpHttpExporterOptions {
  type: 'otlphttp';
  /**
   * Base URL; spans are POSTed to `<endpoint>/v1/traces`, unless it already ends with `/v1/traces`
   * (then it is used as is, like the Collector's `traces_endpoint`). `{tenant}` is replaced with the
   * item's tenant, URL-encoded as one path segment.
   */
  endpoint: string;
  /** Default 'protobuf' (as the Collector's otlphttp exporter). */
  encoding?: Encoding;
  /** Extra request headers (e.g. authorization). Values are never logged. */
  headers?: Record<string, string>;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number;
  /** Default 'gzip', as the Collector's otlphttp exporter. */
  compression?: Compression;
  /**
   * gzip level, 1 (fastest) to 9 (smallest). Default 1: telemetry compresses well even at level 1,
   * and at level 6 compression alone cost more CPU than the whole policy engine in our load benchmark,
   * so the export queue fell behind intake on a 2-core machine.
   */
  compressionLevel?: number;
  retry?: RetryOptions;
  queue?: QueueOptions;
}

export interface FileExporterOptions {
  type: 'file';
  /** File to append to (parent folders are created). `{tenant}` is replaced with the item's tenant. */
  path: string;
  retry?: RetryOptions;
  queue?: QueueOptions;
}

/** The Collector's `otlp` exporter: OTLP/gRPC to a downstream Collector, Tempo or Loki gateway. */
export interface OtlpGrpcExporterOptions {
  type: 'otlp';
  /** `host:port` (TLS unless tls.insecure), `https://host[:port]` or `http://host[:port]` (otlp-grpc-endpoint.ts). */
  endpoint: string;
  tls?: {
    /** Plaintext for a `host:port` endpoint. Default false: TLS, as the Collector. */
    insecure?: boolean;
    /** PEM files (absolute paths): the CA to trust instead of the system's, and a client certificate for mTLS. */
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    /** The name to check the server's certificate against, when it is not the endpoint's host. */
    serverNameOverride?: string;
  };
  /** Metadata on every call (e.g. authorization); a value may hold `{tenant}`. Values are never logged. */
  headers?: Record<string, string>;
  /** Per-attempt deadline. Default 10 s. */
  timeoutMs?: number;
  /** Default 'gzip', as the Collector's otlp exporter; compressed once, when the request is queued. */
  compression?: Compression;
  /** gzip level, 1 (fastest, default) to 9. */
  compressionLevel?: number;
  retry?: RetryOptions;
  queue?: QueueOptions;
}

export type ExporterOptions = OtlpHttpExporterOptions | OtlpGrpcExporterOptions | FileExporterOptions;

/** The subset of a pino logger the export path uses. Never given payload values (principle 7). */
export interface ExportLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface CreateRouterOptions {
  /** Keyed by exporter id, `<type>/<name>` as in the config. */
  exporters: Record<string, ExporterOptions>;
  /**
   * Per signal, class → exporter ids (metrics: one list). A class not listed (or listed with []) is
   * exported nowhere; a signal not listed is not served.
   */
  routes: SignalRoutes;
  metrics: GatewayMetrics;
  logger?: ExportLogger;
}

export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = {
  enabled: true,
  initialIntervalMs: 5_000,
  maxIntervalMs: 30_000,
  maxElapsedTimeMs: 300_000,
  multiplier: 1.5,
  randomizationFactor: 0.5,
};

export const DEFAULT_QUEUE: Readonly<Required<QueueOptions>> = {
  numConsumers: 4,
  maxBytes: 64 * 1024 * 1024,
  maxBatchBytes: 8 * 1024 * 1024,
  storage: '',
  fsync: true,
};

export const DEFAULT_OTLPHTTP = {
  encoding: 'protobuf' as Encoding,
  timeoutMs: 10_000,
  compression: 'gzip' as Compression,
  compressionLevel: 1,
} as const;

export const DEFAULT_OTLP_GRPC = {
  timeoutMs: 10_000,
  compression: 'gzip' as Compression,
  compressionLevel: 1,
  /**
   * Its sending_queue.max_batch_bytes default, by compression: queued requests are merged into
   * messages of at most this many bytes as queued. A Collector's gRPC receiver takes 4 MiB per message
   * by default, measured after decompression, and answers a larger one RESOURCE_EXHAUSTED without
   * RetryInfo, a permanent failure. Uncompressed: 3 MiB. gzip: 128 KiB, since telemetry inflates 5–20×
   * (the replicated producer fixtures 19× at level 1).
   */
  maxBatchBytes: { gzip: 128 * 1024, none: 3 * 1024 * 1024 },
} as const;

export const noopLogger: ExportLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Asserts an export option the config schema has already validated. Throws an AssertionError (a bug:
 * the caller bypassed or diverged from the schema), naming the option, never its value.
 */
export function assertOption(ok: boolean, option: string): asserts ok {
  if (!ok) {
    throw new AssertionError({ message: `export option ${option} is out of range: options must come validated by the config schema (src/config/schema.ts)` });
  }
}
