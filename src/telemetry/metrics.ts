/**
 * GatewayMetrics over the OpenTelemetry metrics SDK, read by a Prometheus exporter whose own HTTP
 * server is never started: the telemetry server (health.ts) serves its handler on /metrics next to
 * /healthz and /readyz, so there is one telemetry port, as the Collector has.
 *
 * Labels are classes, reasons, exporter ids, entity names and status codes only (principle 7).
 * Attribute objects are cached per label value so the hot path does not allocate one per increment;
 * the counters added to on every request are tallies (tally.ts), handed to the SDK at each scrape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Attributes, Counter } from '@opentelemetry/api';
import type { CapRefusal, GatewayMetrics, QueueGauges, WorkerGauges } from './metrics-types.js';
import { SIGNALS, type Signal } from '../otlp/signal.js';
import { Tallies, type Tally } from './tally.js';
import type { CapStoreFailure } from '../policy/caps.js';
import type { DiscardReason, ExportClass, RejectReason } from '../policy/types.js';

export interface GatewayTelemetry {
  readonly metrics: GatewayMetrics;
  /** Serves the Prometheus text exposition of every instrument. */
  handleMetricsRequest(req: IncomingMessage, res: ServerResponse): void;
  shutdown(): Promise<void>;
}

type QueueReader = () => QueueGauges;

/** Caches one attribute object per key so repeated increments reuse it. */
class AttributeCache {
  private readonly cache = new Map<string, Attributes>();
  get(key: string, build: () => Attributes): Attributes {
    let attrs = this.cache.get(key);
    if (attrs === undefined) {
      attrs = Object.freeze(build());
      this.cache.set(key, attrs);
    }
    return attrs;
  }
}

export function createTelemetry(): GatewayTelemetry {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const meter = provider.getMeter('loopgate');
  const attrs = new AttributeCache();

  const counter = (name: string, description: string): Counter =>
    meter.createCounter(name, { description, unit: '' });

  /** One family of record counters per signal: loopgate_spans_*, loopgate_log_records_*, loopgate_metric_points_*. */
  const recordCounters = (prefix: string, what: string) => ({
    received: counter(`loopgate_${prefix}_received`, `${what} in requests the receivers decoded`),
    accepted: counter(`loopgate_${prefix}_accepted`, `${what} the gateway accepted: each is routed to exporters or discarded with a reason`),
    rejected: counter(`loopgate_${prefix}_rejected`, `${what} refused back to the client (partial_success)`),
    discarded: counter(`loopgate_${prefix}_discarded`, `Accepted ${what.toLowerCase()} exported nowhere, by reason`),
    routed: counter(`loopgate_${prefix}_routed`, `${what} enqueued for an exporter${prefix === 'metric_points' ? '' : ', by class'}`),
    refused: counter(`loopgate_${prefix}_refused_queue_full`, `${what} refused because an export queue was full`),
    exported: counter(`loopgate_${prefix}_exported`, `${what} an exporter delivered`),
    exportFailed: counter(`loopgate_${prefix}_export_failed`, `${what} an exporter gave up on, by reason`),
  });
  const families: Record<Signal, ReturnType<typeof recordCounters>> = {
    traces: recordCounters('spans', 'Spans'),
    logs: recordCounters('log_records', 'Log records'),
    metrics: recordCounters('metric_points', 'Metric data points'),
  };
  const retries = counter('loopgate_export_retries', 'Export attempts retried');
  const redactions = counter('loopgate_redactions', 'Values redacted, by entity');
  const requests = counter('loopgate_http_requests', 'OTLP/HTTP requests answered, by status and encoding');
  const grpcRequests = counter('loopgate_grpc_requests', 'OTLP/gRPC requests answered, by status code and method');
  const connectionsClosed = counter('loopgate_connections_closed', 'Client connections the receivers closed for a bound, by protocol and reason (max_connections, too_many_pings)');
  const streamsRefused = counter('loopgate_grpc_streams_refused', 'OTLP/gRPC streams reset REFUSED_STREAM for a bound, by reason (inflight_budget); clients retry them');
  const reloads = counter('loopgate_policy_reloads', 'Policy loads and reloads, by outcome');
  const corrupt = counter('loopgate_queue_corrupt_records', 'Persistent queue: bad (corrupt) or cut-short (torn) records skipped');
  const replayedRecords = counter('loopgate_queue_replayed_records', 'Persistent queue: records replayed on start');
  const replayedSpans = counter('loopgate_queue_replayed_spans', 'Persistent queue: spans replayed on start');
  const duplicates = counter(
    'loopgate_queue_replayed_duplicate_spans',
    'Persistent queue: replayed spans that had been in flight before the restart (the downstream may get them twice)',
  );
  const fsyncSeconds = meter.createHistogram('loopgate_queue_fsync_duration_seconds', {
    description: 'Persistent queue: duration of each durable write (one per group of concurrent requests: the write and its fsync)',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] },
  });
  const capped = counter('loopgate_spans_capped', 'Spans of admitted requests refused by a cap, by reason (full, or the cap store did not answer)');
  const capUnchecked = counter('loopgate_spans_cap_unchecked', 'Spans admitted past their caps uncounted: the cap store did not answer and on_unavailable is open');
  const capStoreErrors = counter('loopgate_cap_store_errors', 'Cap store calls that failed, by operation and reason (unavailable, timeout, error)');
  const capStoreDuration = meter.createHistogram('loopgate_cap_store_duration_seconds', {
    description: 'Latency of cap store calls (one atomic take per request that claims caps), by operation and outcome',
    unit: 's',
    // Sub-millisecond on a LAN; the tail is where the configured timeout cuts in.
    advice: { explicitBucketBoundaries: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] },
  });

  // The counters every request adds to, as tallies flushed before each scrape (tally.ts).
  const tallies = new Tallies();
  const hot = Object.fromEntries(
    SIGNALS.map((signal) => {
      const f = families[signal];
      return [
        signal,
        {
          received: tallies.of(f.received),
          accepted: tallies.of(f.accepted),
          rejected: tallies.by(f.rejected, (reason: RejectReason) => ({ reason })),
          discarded: tallies.by(f.discarded, (reason: DiscardReason) => ({ reason })),
          routed: tallies.by2(f.routed, (cls: ExportClass | undefined, exporter: string) => (cls === undefined ? { exporter } : { class: cls, exporter })),
          refused: tallies.by(f.refused, (exporter: string) => ({ exporter })),
          exported: tallies.by(f.exported, (exporter: string) => ({ exporter })),
        },
      ];
    }),
  ) as Record<Signal, { received: Tally; accepted: Tally; rejected: (r: RejectReason) => Tally; discarded: (r: DiscardReason) => Tally; routed: (c: ExportClass | undefined, e: string) => Tally; refused: (e: string) => Tally; exported: (e: string) => Tally }>;
  const httpRequests = tallies.by2(requests, (status: number, encoding: string) => ({ status: String(status), encoding }));
  const redacted = tallies.by(redactions, (entity: string) => ({ entity }));

  const queues = new Map<string, QueueReader>();
  const queueBytes = meter.createObservableGauge('loopgate_queue_bytes', { description: 'Bytes waiting in an export queue' });
  const queueItems = meter.createObservableGauge('loopgate_queue_items', { description: 'Items waiting in an export queue' });
  const queueCapacity = meter.createObservableGauge('loopgate_queue_capacity_bytes', {
    description: 'Byte capacity of an export queue',
  });
  const queueDisk = meter.createObservableGauge('loopgate_queue_disk_bytes', {
    description: "Bytes of a persistent queue's files on disk",
  });
  meter.addBatchObservableCallback(
    (result) => {
      for (const [exporterId, read] of queues) {
        const q = read();
        const a = attrs.get(`exporter:${exporterId}`, () => ({ exporter: exporterId }));
        result.observe(queueBytes, q.bytes, a);
        result.observe(queueItems, q.items, a);
        result.observe(queueCapacity, q.capacityBytes, a);
        if (q.diskBytes !== undefined) result.observe(queueDisk, q.diskBytes, a);
      }
    },
    [queueBytes, queueItems, queueCapacity, queueDisk],
  );

  let readWorkers: (() => WorkerGauges) | undefined;
  const workerCount = meter.createObservableGauge('loopgate_policy_workers', { description: 'Policy worker threads, by state (busy: running a request; idle)' });
  const workerQueue = meter.createObservableGauge('loopgate_policy_worker_queue_requests', {
    description: 'Requests waiting for a policy worker, by size (huge: at least 512 KiB decompressed; they take at most workers - 1 workers)',
  });
  const workerCrashes = meter.createObservableCounter('loopgate_policy_worker_crashes', {
    description: 'Policy workers that died and were replaced (the request each held was answered 503 + Retry-After)',
  });
  meter.addBatchObservableCallback(
    (result) => {
      if (readWorkers === undefined) return;
      const w = readWorkers();
      result.observe(workerCount, w.busy, attrs.get('workers:busy', () => ({ state: 'busy' })));
      result.observe(workerCount, w.workers - w.busy, attrs.get('workers:idle', () => ({ state: 'idle' })));
      result.observe(workerQueue, w.waitingSmall, attrs.get('size:small', () => ({ size: 'small' })));
      result.observe(workerQueue, w.waitingHuge, attrs.get('size:huge', () => ({ size: 'huge' })));
      result.observe(workerCrashes, w.crashes);
    },
    [workerCount, workerQueue, workerCrashes],
  );

  // Info-style gauge: 1 for the active policy version, so dashboards can show which contract runs.
  let activeVersion: string | undefined;
  const policyInfo = meter.createObservableGauge('loopgate_policy_info', {
    description: 'The active policy version (value 1, version label)',
  });
  policyInfo.addCallback((result) => {
    if (activeVersion !== undefined) result.observe(1, attrs.get(`version:${activeVersion}`, () => ({ version: activeVersion! })));
  });

  const exporterAttrs = (id: string): Attributes => attrs.get(`exporter:${id}`, () => ({ exporter: id }));

  const metrics: GatewayMetrics = {
    requests(status: number, encoding: string, protocol: 'http' | 'grpc' = 'http') {
      if (protocol === 'grpc') grpcRequests.add(1, attrs.get(`grpc:${status}:${encoding}`, () => ({ code: String(status), method: encoding })));
      else httpRequests(status, encoding).add(1);
    },
    connectionsClosed(protocol, reason) {
      connectionsClosed.add(1, attrs.get(`conn:${protocol}:${reason}`, () => ({ protocol, reason })));
    },
    grpcStreamsRefused(reason) {
      streamsRefused.add(1, attrs.get(`refused:${reason}`, () => ({ reason })));
    },
    spansReceived(n: number, signal: Signal = 'traces') {
      if (n > 0) hot[signal].received.add(n);
    },
    spansAccepted(n: number, signal: Signal = 'traces') {
      if (n > 0) hot[signal].accepted.add(n);
    },
    spansRejected(n: number, reason: RejectReason, signal: Signal = 'traces') {
      if (n > 0) hot[signal].rejected(reason).add(n);
    },
    spansDiscarded(n: number, reason: DiscardReason, signal: Signal = 'traces') {
      if (n > 0) hot[signal].discarded(reason).add(n);
    },
    spansRouted(n: number, cls: ExportClass | undefined, exporterId: string, signal: Signal = 'traces') {
      hot[signal].routed(cls, exporterId).add(n);
    },
    spansRefusedQueueFull(n: number, exporterId: string, signal: Signal = 'traces') {
      hot[signal].refused(exporterId).add(n);
    },
    spansExported(n: number, exporterId: string, signal: Signal = 'traces') {
      hot[signal].exported(exporterId).add(n);
    },
    spansExportFailed(n: number, exporterId: string, reason: 'failure' | 'retries_exhausted' | 'shutdown', signal: Signal = 'traces') {
      families[signal].exportFailed.add(n, attrs.get(`fail:${exporterId}:${reason}`, () => ({ exporter: exporterId, reason })));
    },
    exportRetries(exporterId: string) {
      retries.add(1, exporterAttrs(exporterId));
    },
    redactions(n: number, entity: string) {
      if (n > 0) redacted(entity).add(n);
    },
    observeQueue(exporterId: string, read: QueueReader) {
      queues.set(exporterId, read);
    },
    observeWorkers(read: () => WorkerGauges) {
      readWorkers = read;
    },
    queueFsync(exporterId: string, seconds: number) {
      fsyncSeconds.record(seconds, exporterAttrs(exporterId));
    },
    queueCorruptRecords(exporterId: string, kind: 'corrupt' | 'torn', n: number) {
      if (n > 0) corrupt.add(n, attrs.get(`corrupt:${exporterId}:${kind}`, () => ({ exporter: exporterId, kind })));
    },
    queueReplayed(exporterId: string, records: number, spans: number, duplicateSpans: number) {
      const a = exporterAttrs(exporterId);
      replayedRecords.add(records, a);
      replayedSpans.add(spans, a);
      if (duplicateSpans > 0) duplicates.add(duplicateSpans, a);
    },
    policyLoaded(version: string, outcome: 'success' | 'failure') {
      reloads.add(1, attrs.get(`reload:${outcome}`, () => ({ outcome })));
      if (outcome === 'success') activeVersion = version;
    },
    capStoreCall(operation: 'take' | 'give', seconds: number, outcome: 'ok' | CapStoreFailure) {
      capStoreDuration.record(seconds, attrs.get(`capdur:${operation}:${outcome}`, () => ({ operation, outcome })));
      if (outcome !== 'ok') capStoreErrors.add(1, attrs.get(`caperr:${operation}:${outcome}`, () => ({ operation, reason: outcome })));
    },
    spansCapped(n: number, reason: CapRefusal) {
      if (n > 0) capped.add(n, attrs.get(`capped:${reason}`, () => ({ reason })));
    },
    spansCapUnchecked(n: number) {
      if (n > 0) capUnchecked.add(n);
    },
  };

  return {
    metrics,
    handleMetricsRequest: (req, res) => {
      tallies.flush();
      exporter.getMetricsRequestHandler(req, res);
    },
    shutdown: () => {
      tallies.flush();
      return provider.shutdown();
    },
  };
}
