/**
 * The encode step of admission, as a pure function: one request's outputs (per class × tenant, the
 * policy's redacted model) → the bytes of each output in every encoding an exporter of its route
 * wants, and, given a compression plan, each body compressed for every gzip format of its route (as
 * the router would at admission, request-body.ts). It runs where the policy runs: in a policy worker
 * (src/gateway/policy-workers.ts), so the main thread only takes caps, moves bytes and queues; or in
 * the thread that calls Router.route (which then compresses at admission).
 *
 * Everything here is plain data and Uint8Arrays, so a worker can transfer the result back without a
 * copy. Which encodings each class needs (`EncodingPlan`) is read from the routes once (Router).
 */
import type { Encoding } from '../otlp/codec.js';
import { CODECS, type Signal } from '../otlp/signal.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';
import { formatKey, makeBodySync, type MadeBody } from './request-body.js';
import type { BodyFormat } from './types.js';

/** signal → class (metrics: 'metrics') → the encodings its exporters want; absent = exported nowhere. */
export type EncodingPlan = Partial<Record<Signal, Partial<Record<ExportClass | 'metrics', readonly Encoding[]>>>>;

/** signal → class (metrics: 'metrics') → the compressed body formats its exporters want. */
export type CompressionPlan = Partial<Record<Signal, Partial<Record<ExportClass | 'metrics', readonly BodyFormat[]>>>>;

/** One output made into bytes: what the router admits. */
export interface EncodedOutput {
  signal: Signal;
  class: ExportClass | undefined;
  tenant: string | undefined;
  /** Spans, log records or data points in each body. */
  count: number;
  /** The output encoded, per encoding its route wants. */
  bodies: Partial<Record<Encoding, Uint8Array>>;
  /** Encodings that failed (the model would not serialise: our bug), with the error's name. */
  failed?: Partial<Record<Encoding, string>>;
  /** Bodies compressed already, by format (request-body.ts formatKey); the router compresses the rest. */
  made?: Record<string, MadeBody>;
}

export function encodingsOf(plan: EncodingPlan, signal: Signal, cls: ExportClass | undefined): readonly Encoding[] {
  return plan[signal]?.[cls ?? 'metrics'] ?? [];
}

/**
 * Encodes every output once per encoding its route wants (an output with no route is not encoded),
 * and compresses it for each format `compress` names.
 */
export function encodeOutputs(outputs: readonly ClassOutput[], plan: EncodingPlan, compress?: CompressionPlan): EncodedOutput[] {
  const encoded: EncodedOutput[] = [];
  for (const out of outputs) {
    if (out.count === 0) continue;
    const e: EncodedOutput = { signal: out.signal, class: out.class, tenant: out.tenant, count: out.count, bodies: {} };
    for (const encoding of encodingsOf(plan, out.signal, out.class)) {
      try {
        e.bodies[encoding] = CODECS[out.signal].encode(out.data as never, encoding);
      } catch (err) {
        (e.failed ??= {})[encoding] = err instanceof Error ? err.name : 'unknown';
      }
    }
    for (const format of compress?.[out.signal]?.[out.class ?? 'metrics'] ?? []) {
      const bytes = e.bodies[format.encoding];
      if (bytes === undefined) continue;
      try {
        (e.made ??= {})[formatKey(format)] = makeBodySync(bytes, format);
      } catch {
        // zlib failing on our own bytes: left to the router, which compresses again and counts a failure.
      }
    }
    encoded.push(e);
  }
  return encoded;
}

/**
 * Makes every body own its whole ArrayBuffer (copying one that is a view into a larger or pooled
 * buffer: transferring a Node Buffer pool slab would detach it under everyone else) and returns the
 * buffers, for a worker's transfer list.
 */
export function transferableBodies(outputs: readonly EncodedOutput[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const own = (b: Uint8Array): Uint8Array => {
    if (b.byteOffset !== 0 || b.byteLength !== b.buffer.byteLength || !(b.buffer instanceof ArrayBuffer) || buffers.includes(b.buffer)) b = new Uint8Array(b);
    buffers.push(b.buffer as ArrayBuffer);
    return b;
  };
  for (const o of outputs) {
    for (const enc of Object.keys(o.bodies) as Encoding[]) o.bodies[enc] = own(o.bodies[enc]!);
    for (const made of Object.values(o.made ?? {})) made.body = own(made.body);
  }
  return buffers;
}
