/**
 * Exporter contract. Exporters return tagged results instead of throwing (design principle 6);
 * the retrying decorator and the queue decide what a result means.
 */
import type { Encoding } from '../otlp/codec.js';
import type { Signal, SignalRequest } from '../otlp/signal.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';

export type ExportResult =
  /**
   * Accepted. `rejectedSpans` > 0 when the downstream answered 200 with partial_success (OTLP spec:
   * such a request must not be retried); those spans are counted as failed, the rest as exported.
   */
  | { status: 'success'; rejectedSpans?: number }
  /** Worth another try: 429/502/503/504 or a network error. `retryAfterMs` honours Retry-After. */
  | { status: 'retryable'; error: string; retryAfterMs?: number }
  /** Will never succeed as sent (4xx, encoding error): counted and not retried. */
  | { status: 'failure'; error: string };

/**
 * One unit of work for an exporter: the records of one signal, class and tenant from one request (a
 * request's spans, log records or metric data points; `signal` and `data` together, as SignalRequest).
 */
export type ExportItem = SignalRequest & {
  /** The class of its spans or log records; metrics are not classified. */
  class: ExportClass | undefined;
  /** The tenant these records belong to, when known; expands `{tenant}` in endpoints. */
  tenant: string | undefined;
  /** Spans, log records or data points in `data` (the name predates logs and metrics). */
  spanCount: number;
};

/** Class → exporter ids, for one classified signal. A class not listed is exported nowhere. */
export type ClassRoutes = Partial<Record<ExportClass, readonly string[]>>;

/**
 * Which exporters each signal goes to. A signal that is absent is not served: its receivers answer
 * 404 (HTTP) / UNIMPLEMENTED (gRPC) rather than accept what they could only drop.
 */
export interface SignalRoutes {
  traces?: ClassRoutes;
  logs?: ClassRoutes;
  /** Metrics are not classified: one list of exporters. */
  metrics?: readonly string[];
}

export type { Signal };

export interface Exporter {
  /** `<type>/<name>`, as in the config. */
  readonly id: string;
  /** Sends one item. Must not throw; must resolve within its own timeout. */
  export(item: ExportItem, body: Uint8Array, signal?: AbortSignal): Promise<ExportResult>;
  /**
   * The OTLP encoding `encode` produces. Exporters that declare the same encoding receive the same
   * bytes from the router (one encode per request and encoding); absent means "encode for me alone".
   */
  readonly encoding?: Encoding;
  /** Serialises an item to the exact bytes `export` will send (also what the queue measures). */
  encode(item: ExportItem): Uint8Array;
  shutdown(): Promise<void>;
}

/**
 * What the router answers for one request's outputs. Admission is atomic: either every output was
 * enqueued for every exporter of its class (`accepted`), or nothing was enqueued anywhere
 * (`unavailable`: the receiver answers 503 with Retry-After and the client resends).
 */
export type RouteResult =
  | {
      status: 'accepted';
      /** Records enqueued for at least one exporter. */
      routed: number;
      /** Records of a class with no route: exported nowhere, counted as discarded ('no_route'). */
      noRoute: number;
    }
  | { status: 'unavailable'; retryAfterSeconds: number; exporter: string };

/** The receiver's view of the export side. */
export interface SpanRouter {
  /** Whether `routes` names this signal (otherwise its requests are refused as not served). */
  serves(signal: Signal): boolean;
  route(outputs: readonly ClassOutput[]): RouteResult;
  /**
   * Graceful shutdown: refuse new requests, let queued and in-flight exports finish until `deadlineMs`
   * (an absolute time in ms since the epoch, as Date.now()), then count what is left as failed
   * ('shutdown').
   */
  drain(deadlineMs: number): Promise<void>;
  /** Drains with no grace (if not drained already) and releases connections and files. */
  shutdown(): Promise<void>;
}
