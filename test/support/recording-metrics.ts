/**
 * A GatewayMetrics that records every call, so tests assert on counts ("nothing silently lost").
 */
import type { GatewayMetrics, QueueGauges } from '../../src/telemetry/metrics-types.js';

type Counter = Map<string, number>;

function add(c: Counter, key: string, n: number): void {
  c.set(key, (c.get(key) ?? 0) + n);
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

  requests(): void {}
  spansReceived(): void {}
  spansAccepted(): void {}
  spansRejected(): void {}
  spansDiscarded(n: number, reason: string): void {
    add(this.discarded, reason, n);
  }
  spansRouted(n: number, cls: string, exporter: string): void {
    add(this.routed, `${cls}|${exporter}`, n);
  }
  spansRefusedQueueFull(n: number, exporter: string): void {
    add(this.refusedQueueFull, exporter, n);
  }
  spansExported(n: number, exporter: string): void {
    add(this.exported, exporter, n);
  }
  spansExportFailed(n: number, exporter: string, reason: string): void {
    add(this.exportFailed, `${exporter}|${reason}`, n);
  }
  exportRetries(exporter: string): void {
    add(this.retries, exporter, 1);
  }
  redactions(): void {}
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
