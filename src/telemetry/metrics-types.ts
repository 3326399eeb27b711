/**
 * What the gateway counts. Implemented over the OpenTelemetry metrics SDK with a Prometheus reader
 * (src/telemetry/metrics.ts); tests can pass a recording implementation. Never carries payloads:
 * labels are classes, reasons, exporter ids, entity names, status codes (principle 7).
 *
 * The record counters exist once per signal: `spans*` count spans, and the same methods with
 * `signal` 'logs' or 'metrics' count log records and metric data points (loopgate_log_records_*,
 * loopgate_metric_points_*). For each signal, accepted = routed-or-failed-to-encode + discarded.
 */
import type { Signal } from '../otlp/signal.js';
import type { CapStoreFailure } from '../policy/caps.js';
import type { DiscardReason, ExportClass, RejectReason } from '../policy/types.js';

/** Spans a cap refused, by why: its counter was full, or the shared store did not answer (fail closed). */
export type CapRefusal = 'cap_exceeded' | 'cap_store_unavailable';

export interface GatewayMetrics {
  /** `protocol` is the transport: 'http' or 'grpc'; `encoding` protobuf, json or unknown. */
  requests(status: number, encoding: string, protocol?: 'http' | 'grpc'): void;
  /** A client connection the receiver closed for a bound: one past max_connections, or a gRPC client pinging too often. */
  connectionsClosed(protocol: 'http' | 'grpc', reason: ConnectionCloseReason): void;
  /** A gRPC stream reset REFUSED_STREAM for a bound (the client retries it on a fresh stream). */
  grpcStreamsRefused(reason: StreamRefusal): void;
  spansReceived(n: number, signal?: Signal): void;
  /**
   * Records of admitted requests that were not refused back to the client: the gateway now answers for
   * them. Every one ends routed to exporters or discarded with a reason (accepted = routed + discarded).
   */
  spansAccepted(n: number, signal?: Signal): void;
  spansRejected(n: number, reason: RejectReason, signal?: Signal): void;
  spansDiscarded(n: number, reason: DiscardReason, signal?: Signal): void;
  /** Records enqueued for an exporter (per class; metrics have none). */
  spansRouted(n: number, cls: ExportClass | undefined, exporter: string, signal?: Signal): void;
  /** Records refused because a queue was full (client told to retry). */
  spansRefusedQueueFull(n: number, exporter: string, signal?: Signal): void;
  spansExported(n: number, exporter: string, signal?: Signal): void;
  spansExportFailed(n: number, exporter: string, reason: 'failure' | 'retries_exhausted' | 'shutdown', signal?: Signal): void;
  exportRetries(exporter: string): void;
  redactions(n: number, entity: string): void;
  /** Observed gauges are read from callbacks. `diskBytes` is present for a persistent queue. */
  observeQueue(exporter: string, read: () => QueueGauges): void;
  /** A persistent queue's fsync took this long. */
  queueFsync(exporter: string, seconds: number): void;
  /** Records a persistent queue found bad ('corrupt') or cut short ('torn') and skipped. */
  queueCorruptRecords(exporter: string, kind: 'corrupt' | 'torn', n: number): void;
  /**
   * On start, a persistent queue replays what the downstream had not acknowledged; `duplicateSpans` of
   * them had already been handed to the exporter, so the downstream may receive them twice.
   */
  queueReplayed(exporter: string, records: number, spans: number, duplicateSpans: number): void;
  policyLoaded(version: string, outcome: 'success' | 'failure'): void;
  /** One call to the cap store (one per request that claims caps), its latency and outcome. */
  capStoreCall(operation: 'take' | 'give', seconds: number, outcome: 'ok' | CapStoreFailure): void;
  /** Spans of admitted requests refused by a cap. Also counted in spansDiscarded with the same reason. */
  spansCapped(n: number, reason: CapRefusal): void;
  /** Spans admitted past their caps uncounted, because the store did not answer and on_unavailable is open. */
  spansCapUnchecked(n: number): void;
  /** The policy worker pool's state, read when scraped (gateway/policy-workers.ts). */
  observeWorkers(read: () => WorkerGauges): void;
}

export interface WorkerGauges {
  workers: number;
  /** Workers running a request now. */
  busy: number;
  /** Requests waiting for a worker, by size class (huge: ≥ 512 KiB decompressed). */
  waitingSmall: number;
  waitingHuge: number;
  /** Workers that died and were replaced since start. */
  crashes: number;
}

export interface QueueGauges {
  bytes: number;
  items: number;
  capacityBytes: number;
  diskBytes?: number;
}

export type ConnectionCloseReason = 'max_connections' | 'too_many_pings';
/** inflight_budget: the message bytes still arriving on all streams would pass max_inflight_body_size. */
export type StreamRefusal = 'inflight_budget';

export const noopMetrics: GatewayMetrics = {
  requests() {},
  connectionsClosed() {},
  grpcStreamsRefused() {},
  spansReceived() {},
  spansAccepted() {},
  spansRejected() {},
  spansDiscarded() {},
  spansRouted() {},
  spansRefusedQueueFull() {},
  spansExported() {},
  spansExportFailed() {},
  exportRetries() {},
  redactions() {},
  observeQueue() {},
  queueFsync() {},
  queueCorruptRecords() {},
  queueReplayed() {},
  policyLoaded() {},
  capStoreCall() {},
  spansCapped() {},
  spansCapUnchecked() {},
  observeWorkers() {},
};
