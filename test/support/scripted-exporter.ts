/**
 * An Exporter whose answers a test scripts, for retry, queue and router tests that do not need a socket
 * (the OTLP/HTTP exporter itself is tested against the real sink in test/support/otlp-sink.ts).
 */
import type { Encoding } from '../../src/otlp/codec.js';
import type { Compression } from '../../src/export/options.js';
import { makeBody } from '../../src/export/request-body.js';
import type { BodyFormat, ExportItem, ExportRequest, ExportResult, Exporter, Signal, TargetResult } from '../../src/export/types.js';

export type Script = ExportResult | ((call: number, request: ExportRequest, signal?: AbortSignal) => Promise<ExportResult> | ExportResult);

export class ScriptedExporter implements Exporter {
  readonly calls: ExportRequest[] = [];
  readonly delivered: ExportRequest[] = [];
  encodeCalls = 0;
  shutdownCalled = false;
  readonly format: BodyFormat;

  constructor(
    readonly id: string,
    private script: Script = { status: 'success' },
    encoding: Encoding = 'json',
    private readonly bytesPerSpan = 100,
    compression: Compression = 'none',
  ) {
    this.format = { encoding, compression, compressionLevel: 1 };
  }

  setScript(script: Script): void {
    this.script = script;
  }

  encode(item: ExportItem): Uint8Array {
    this.encodeCalls++;
    return new Uint8Array(item.spanCount * this.bytesPerSpan);
  }

  target(signal: Signal, tenant: string | undefined): TargetResult {
    return { ok: true, value: `scripted://${tenant ?? ''}${signal === 'traces' ? '' : `/${signal}`}` };
  }

  async export(request: ExportRequest, signal?: AbortSignal): Promise<ExportResult> {
    this.calls.push(request);
    const s = this.script;
    const result = typeof s === 'function' ? await s(this.calls.length, request, signal) : s;
    if (result.status === 'success') this.delivered.push(request);
    return result;
  }

  async shutdown(): Promise<void> {
    this.shutdownCalled = true;
  }
}

/** A result that never comes until the signal aborts: a hung downstream. */
export function hang(_call: number, _request: ExportRequest, signal?: AbortSignal): Promise<ExportResult> {
  return new Promise((resolve) => {
    const done = (): void => resolve({ status: 'retryable', error: 'aborted' });
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A request as the router would make it, for queue tests: `records` spans in `body`. */
export function request(records: number, body: Uint8Array, fields: Partial<ExportRequest> = {}): ExportRequest {
  const tenant = 'tenant' in fields ? fields.tenant : 'acme';
  return {
    signal: 'traces',
    class: 'tenant-only',
    tenant,
    target: `scripted://${tenant ?? ''}`,
    encoding: 'json',
    compression: 'none',
    records,
    policyVersion: 'v1',
    body,
    jsonHead: 0,
    jsonTail: 0,
    ...fields,
  };
}

/** The request the router would make of `item` for `exporter`: encoded, compressed, target resolved. */
export async function requestFor(exporter: Exporter, item: ExportItem, policyVersion = 'v1'): Promise<ExportRequest> {
  const made = await makeBody(exporter.encode(item), exporter.format);
  const target = exporter.target(item.signal, item.tenant);
  return {
    signal: item.signal,
    class: item.class,
    tenant: item.tenant,
    // A tenant the destination cannot take still makes a request, so the exporter's refusal is tested.
    target: target.ok ? target.value : '',
    encoding: exporter.format.encoding,
    compression: exporter.format.compression,
    records: item.spanCount,
    policyVersion,
    ...made,
  };
}
