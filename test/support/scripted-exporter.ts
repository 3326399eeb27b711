/**
 * An Exporter whose answers a test scripts, for retry, queue and router tests that do not need a socket
 * (the OTLP/HTTP exporter itself is tested against the real sink in test/support/otlp-sink.ts).
 */
import type { Encoding } from '../../src/otlp/codec.js';
import type { ExportItem, ExportResult, Exporter } from '../../src/export/types.js';

export type Script = ExportResult | ((call: number, item: ExportItem, signal?: AbortSignal) => Promise<ExportResult> | ExportResult);

export class ScriptedExporter implements Exporter {
  readonly calls: { item: ExportItem; body: Uint8Array }[] = [];
  readonly delivered: ExportItem[] = [];
  encodeCalls = 0;
  shutdownCalled = false;
  readonly encoding: Encoding | undefined;

  /** `encoding: 'none'` declares no encoding (the router then encodes for this exporter alone). */
  constructor(
    readonly id: string,
    private script: Script = { status: 'success' },
    encoding: Encoding | 'none' = 'json',
    private readonly bytesPerSpan = 100,
  ) {
    this.encoding = encoding === 'none' ? undefined : encoding;
  }

  setScript(script: Script): void {
    this.script = script;
  }

  encode(item: ExportItem): Uint8Array {
    this.encodeCalls++;
    return new Uint8Array(item.spanCount * this.bytesPerSpan);
  }

  async export(item: ExportItem, body: Uint8Array, signal?: AbortSignal): Promise<ExportResult> {
    this.calls.push({ item, body });
    const s = this.script;
    const result = typeof s === 'function' ? await s(this.calls.length, item, signal) : s;
    if (result.status === 'success') this.delivered.push(item);
    return result;
  }

  async shutdown(): Promise<void> {
    this.shutdownCalled = true;
  }
}

/** A result that never comes until the signal aborts: a hung downstream. */
export function hang(_call: number, _item: ExportItem, signal?: AbortSignal): Promise<ExportResult> {
  return new Promise((resolve) => {
    const done = (): void => resolve({ status: 'retryable', error: 'aborted' });
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
  });
}
