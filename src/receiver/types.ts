/**
 * What the receivers (HTTP and gRPC) hand the rest of the gateway, and what it answers with. Receivers
 * do transport only (auth → tenant, size limits, decompression, the in-flight budget) and hand over
 * the raw body; decoding, policy and routing are the pipeline's (src/gateway/pipeline.ts). Each receiver
 * maps the answer to its protocol in one place.
 */
import type { Encoding } from '../otlp/codec.js';
import type { DecodeBudget } from '../otlp/limits.js';
import type { Signal } from '../otlp/signal.js';
import type { RequestContext } from '../policy/types.js';

/** One request, transport done, nothing decoded. */
export interface RawRequest {
  signal: Signal;
  encoding: Encoding;
  /**
   * The request body after decompression, within the receiver's size limit; or, when `compressed` is
   * set, the raw bytes as read (the policy worker decompresses them).
   */
  body: Uint8Array;
  /**
   * Set when the receiver left decompression to the policy worker (HTTP with `service.workers` > 0):
   * the body's content coding, the limit its decompressed size must keep (413 past it), and how to
   * take the decompressed bytes from the in-flight budget the receiver holds for the request (false:
   * no room, 503). Main-thread state: the worker gets the coding and limit only.
   */
  compressed?: { coding: 'gzip' | 'deflate'; limitBytes: number; take: (bytes: number) => boolean };
  ctx: RequestContext;
  /**
   * What decoding may take of the receiver's in-flight budget (otlp/limits.ts): the receiver holds it
   * until the request is answered. Absent: the decoder's own limit (limits.maxDecodedBytes). A budget
   * drawing from a pool is main-thread state; a policy step in a worker gets a byte count instead,
   * taken from the pool when the worker takes the request (gateway/policy-workers.ts).
   */
  budget?: DecodeBudget;
}

/** The pipeline's answer. */
export type PipelineResult =
  /** Admitted. `rejected.count` records were refused back to the client (partial_success). */
  | { status: 'accepted'; rejected: { count: number; message: string } }
  /** The body does not decode (or nests too deep): the client must not resend it. */
  | { status: 'invalid'; message: string }
  /** The body decodes to more memory than one request may take: resending it cannot help. */
  | { status: 'too_large'; message: string }
  /**
   * Nothing was admitted: the client is told to retry. `reason`: an export queue is full, requests in
   * flight hold the memory budget or wait for a policy worker too long (gRPC tells these apart:
   * UNAVAILABLE, RESOURCE_EXHAUSTED), or the policy worker holding the request crashed (UNAVAILABLE).
   */
  | { status: 'unavailable'; retryAfterSeconds: number; reason: 'queue_full' | 'busy' | 'worker_failed' }
  /** No route is configured for this signal: refused rather than accepted and dropped. */
  | { status: 'not_served'; message: string };

/** The gateway's pipeline as the receivers see it. */
export type HandleRequest = (request: RawRequest) => PipelineResult | Promise<PipelineResult>;
