/**
 * What the OTLP/HTTP receiver is built from, for both of its transports (app.ts, node-listener.ts).
 */
import { DECODED_BYTES_PER_BODY_BYTE } from '../otlp/index.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import { DEFAULTS, type AuthToken } from '../config/types.js';
import type { InflightBudget } from './inflight-budget.js';
import type { IntakeSwitch } from './intake.js';
import type { HandleRequest } from './types.js';

/** The subset of a pino logger the receiver uses. Given ids and counts only, never payload values. */
export interface ReceiverLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Default for receivers.otlp.protocols.http.max_inflight_body_size: the config's default, one constant. */
export const DEFAULT_MAX_INFLIGHT_BODY_BYTES = DEFAULTS.maxInflightBodyBytes;

export interface ReceiverDeps {
  limits: {
    /** Body limit in bytes, raw and after decompression. */
    maxRequestBodyBytes: number;
    /**
     * Memory all requests in flight may hold together: bodies while read, then the decoded model
     * (estimated); past it, 503 + Retry-After.
     */
    maxInflightBodyBytes?: number;
    /**
     * Estimated memory one decoded request may take; past it, 413. Default
     * min(16 × maxRequestBodyBytes, maxInflightBodyBytes / 2).
     */
    maxDecodedBytes?: number;
  };
  /** The receiver-wide budget, shared with the gRPC receiver; one is made from the limits when absent. */
  inflight?: InflightBudget;
  /** When present (even empty), every request needs a bearer token from this table. */
  auth?: { tokens: readonly AuthToken[] } | undefined;
  handle: HandleRequest;
  metrics: GatewayMetrics;
  logger: ReceiverLogger;
  /** Closed at shutdown: from then on every request is answered 503 + Retry-After at once. */
  intake?: IntakeSwitch;
  /**
   * Who decompresses gzip/deflate bodies: this receiver, as it reads them (default), or the policy
   * worker (`'worker'`, with `service.workers` > 0): then the raw bytes are handed over with the
   * coding and limit (RawRequest.compressed), and the main thread never inflates.
   */
  decompress?: 'receiver' | 'worker';
}

/**
 * 16 decoded bytes per body byte (otlp/limits.ts), and at most half the in-flight budget: a request
 * that could never be admitted is told so (413) instead of to retry (503), and one request never
 * holds the whole budget.
 */
export function defaultMaxDecodedBytes(maxRequestBodyBytes: number, maxInflightBytes: number): number {
  return Math.floor(Math.min(DECODED_BYTES_PER_BODY_BYTE * maxRequestBodyBytes, maxInflightBytes / 2));
}
