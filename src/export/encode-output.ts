/**
 * The encode step of admission, as a pure function: one request's outputs (per class × tenant, the
 * policy's redacted model) → the bytes of each output in every encoding an exporter of its route
 * wants. It runs where the policy runs: in a policy worker (src/gateway/policy-workers.ts), so the
 * main thread only takes caps, compresses and queues; or in the thread that calls Router.route.
 *
 * Everything here is plain data and Uint8Arrays, so a worker can transfer the result back without a
 * copy. Which encodings each class needs (`EncodingPlan`) is read from the routes once (Router).
 */
import type { Encoding } from '../otlp/codec.js';
import { CODECS, type Signal } from '../otlp/signal.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';

/** signal → class (metrics: 'metrics') → the encodings its exporters want; absent = exported nowhere. */
export type EncodingPlan = Partial<Record<Signal, Partial<Record<ExportClass | 'metrics', readonly Encoding[]>>>>;

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
}

export function encodingsOf(plan: EncodingPlan, signal: Signal, cls: ExportClass | undefined): readonly Encoding[] {
  return plan[signal]?.[cls ?? 'metrics'] ?? [];
}

/** Encodes every output once per encoding its route wants; an output with no route is not encoded. */
export function encodeOutputs(outputs: readonly ClassOutput[], plan: EncodingPlan): EncodedOutput[] {
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
  for (const o of outputs) {
    for (const enc of Object.keys(o.bodies) as Encoding[]) {
      let b = o.bodies[enc]!;
      if (b.byteOffset !== 0 || b.byteLength !== b.buffer.byteLength || !(b.buffer instanceof ArrayBuffer) || buffers.includes(b.buffer)) {
        b = new Uint8Array(b);
        o.bodies[enc] = b;
      }
      buffers.push(b.buffer as ArrayBuffer);
    }
  }
  return buffers;
}
