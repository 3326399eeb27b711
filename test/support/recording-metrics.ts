/**
 * A GatewayMetrics that records every call, so tests assert on counts ("nothing silently lost").
 */
import type { Signal } from '../../src/otlp/signal.js';
import type { ConnectionCloseReason, GatewayMetrics, StreamRefusal, QueueGauges, WorkerGauges } from '../../src/telemetry/metrics-types.js';

type Counter = Map<string, number>;

/** Keys of spans are as they always were; other signals' keys start `logs:` or `metrics:`. */
function add(c: Counter, key: string, n: number, signal: Signal = 'traces'): void {
  const k = signal === 'traces' ? key : `${signal}:${key}`;
  c.set(k, (c.get(k) ?? 0) + n);
}

export class RecordingMetrics implements GatewayMetrics {
  readonly routed: Counter = new Map();
  readonly refusedQueueFull: Counter = new Map();
  readonly exported: Counter = new Map();
  /** Keyed `exporter|reason`. */
  readonly exportFailed: Counter = new Map();
  readonly retries: Counter = new Map();
  readonly discarded: Counter = new Map();
  readonly queues = new Map<string, () => QueueGauges>();
  /** Keyed `exporter|corrupt` or `exporter|torn`. */
  readonly corrupt: Counter = new Map();
  /** Keyed `exporter|records`, `exporter|spans`, `exporter|duplicates`. */
  readonly replayed: Counter = new Map();
  readonly fsyncs: number[] = [];

  readonly received: Counter = new Map();
  readonly accepted: Counter = new Map();
  /** Keyed `reason`. */
  readonly rejected: Counter = new Map();

  /** Keyed `protocol|reason`. */
  readonly connectionsClosedBy: Counter = new Map();
  readonly grpcStreamsRefusedBy: Counter = new Map();

  requests(): void {}
  connectionsClosed(protocol: 'http' | 'grpc', reason: ConnectionCloseReason): void {
    add(this.connectionsClosedBy, `${protocol}|${reason}`, 1);
  }
  grpcStreamsRefused(reason: StreamRefusal): void {
    add(this.grpcStreamsRefusedBy, reason, 1);
  }
  spansReceived(n: number, signal?: Signal): void {
    add(this.received, 'all', n, signal);
  }
  spansAccepted(n: number, signal?: Signal): void {
    add(this.accepted, 'all', n, signal);
  }
  spansRejected(n: number, reason: string, signal?: Signal): void {
    add(this.rejected, reason, n, signal);
  }
  spansDiscarded(n: number, reason: string, signal?: Signal): void {
    add(this.discarded, reason, n, signal);
  }
  spansRouted(n: number, cls: string | undefined, exporter: string, signal?: Signal): void {
    add(this.routed, `${cls ?? '-'}|${exporter}`, n, signal);
  }
  spansRefusedQueueFull(n: number, exporter: string, signal?: Signal): void {
    add(this.refusedQueueFull, exporter, n, signal);
  }
  spansExported(n: number, exporter: string, signal?: Signal): void {
    add(this.exported, exporter, n, signal);
  }
  spansExportFailed(n: number, exporter: string, reason: string, signal?: Signal): void {
    add(this.exportFailed, `${exporter}|${reason}`, n, signal);
  }
  exportRetries(exporter: string): void {
    add(this.retries, exporter, 1);
  }
  redactions(): void {}
  workers: (() => WorkerGauges) | undefined;
  observeWorkers(read: () => WorkerGauges): void {
    this.workers = read;
  }
  observeQueue(exporter: string, read: () => QueueGauges): void {
    this.queues.set(exporter, read);
  }
  queueFsync(_exporter: string, seconds: number): void {
    this.fsyncs.push(seconds);
  }
  queueCorruptRecords(exporter: string, kind: string, n: number): void {
    add(this.corrupt, `${exporter}|${kind}`, n);
  }
  queueReplayed(exporter: string, records: number, spans: number, duplicates: number): void {
    add(this.replayed, `${exporter}|records`, records);
    add(this.replayed, `${exporter}|spans`, spans);
    add(this.replayed, `${exporter}|duplicates`, duplicates);
  }
  policyLoaded(): void {}
  capStoreCall(): void {}
  spansCapped(): void {}
  spansCapUnchecked(): void {}

  count(c: Counter, key: string): number {
    return c.get(key) ?? 0;
  }

  /** Sum over every key of a counter. */
  total(c: Counter): number {
    let n = 0;
    for (const v of c.values()) n += v;
    return n;
  }
}
