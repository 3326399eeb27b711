/**
 * The memory sizing rule (README, "Durability and sizing memory"), as one function, so the README,
 * the Kubernetes manifests' limits and their test all use the same arithmetic:
 *
 *   peak RSS ≈ base + (32 MiB + max_request_body_size) per policy worker + 3 × max_inflight_body_size
 *              (+ 1 × more with gRPC) + Σ max_bytes (memory queues) + 8 MiB per persistent queue
 *              + working overhead
 *
 * With gRPC served, messages still arriving sit in grpc-js's buffers before the budget sees them (it
 * hands a message over only whole); receiver/grpc/connections.ts holds them, on every stream together,
 * to max_inflight_body_size of raw bytes. Without that bound the term would be max_connections ×
 * max_concurrent_streams × max_request_body_size (4096 × 100 × 20 MiB with the defaults).
 *
 * A policy worker's own share is its isolate with the compiled policy (measured idle from dist/: 115 MiB
 * with `workers: 0`, 159 MiB with 1, 183 MiB with 2; 98, 135 and 164 MiB run with the Dockerfile's
 * `--max-semi-space-size=2`, which sizes the main thread's young generation only; the workers share one
 * PERSON word table (3 MiB of cells) built on a short-lived thread (gateway/word-table-thread.ts), so
 * no worker builds one: 32 MiB per worker is kept as a margin), plus the one compressed body it may be inflating: the
 * inflated bytes are charged to the in-flight budget only once their size is known, so until then a
 * worker holds up to max_request_body_size outside it (receiver/decompress.ts stops there). What
 * requests decode to stays in the in-flight term: the budget bounds it across all workers
 * (gateway/policy-workers.ts).
 *
 * The factors were measured under overload (test/faults/overload.test.ts asserts them with a margin):
 * the in-flight budget holds bodies and the decoder's estimate of their models, and beside the model a
 * request holds its redacted copy and encoded bodies, so RSS grows 2.3–2.8× the budget in use.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_QUEUE } from '../export/options.js';
import { HOT_BODY_BYTES } from '../export/queue.js';
import type { GatewayConfig } from './types.js';

const MiB = 1024 * 1024;

/** The idle process from dist/. */
export const BASE_RSS_BYTES = 115 * MiB;
/** V8's heap between collections, zlib and socket buffers at full load. */
export const WORKING_OVERHEAD_BYTES = 200 * MiB;
/** RSS per byte of the in-flight budget in use. */
export const INFLIGHT_RSS_FACTOR = 3;
/** gRPC messages still arriving, per byte of the in-flight budget: raw bytes in Buffers, held once. */
export const GRPC_ARRIVING_RSS_FACTOR = 1;
/** RSS one policy worker adds, idle (its isolate, code and compiled policy). */
export const WORKER_RSS_BYTES = 32 * MiB;
/** What a persistent queue keeps in memory: its newest bodies and a small index entry per record. */
export const PERSISTENT_QUEUE_RSS_BYTES = HOT_BODY_BYTES;

export interface SizingEstimate {
  /** The rule's terms, in bytes, for a readable breakdown. */
  base: number;
  workers: number;
  inflight: number;
  /** gRPC messages still arriving (0 when gRPC is not served). */
  grpcArriving: number;
  memoryQueues: number;
  persistentQueues: number;
  overhead: number;
  total: number;
}

/** The rule applied to a loaded config: the peak RSS to plan for when clients fill every bound. */
export function peakRssEstimate(config: Pick<GatewayConfig, 'receiver' | 'exporters'> & { service?: Pick<GatewayConfig['service'], 'workers'> }): SizingEstimate {
  let memoryQueues = 0;
  let persistentQueues = 0;
  for (const e of Object.values(config.exporters)) {
    const q = e.queue;
    if (q?.storage) persistentQueues += PERSISTENT_QUEUE_RSS_BYTES;
    else memoryQueues += q?.maxBytes ?? DEFAULT_QUEUE.maxBytes;
  }
  const inflight = INFLIGHT_RSS_FACTOR * config.receiver.maxInflightBodyBytes;
  const grpcArriving = config.receiver.grpc ? GRPC_ARRIVING_RSS_FACTOR * config.receiver.maxInflightBodyBytes : 0;
  const workers = (WORKER_RSS_BYTES + config.receiver.maxRequestBodyBytes) * (config.service?.workers ?? availableParallelism());
  const total = BASE_RSS_BYTES + workers + inflight + grpcArriving + memoryQueues + persistentQueues + WORKING_OVERHEAD_BYTES;
  return { base: BASE_RSS_BYTES, workers, inflight, grpcArriving, memoryQueues, persistentQueues, overhead: WORKING_OVERHEAD_BYTES, total };
}
