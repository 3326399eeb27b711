/**
 * Exporter contract. Exporters return tagged results instead of throwing (design principle 6);
 * the retrying decorator and the queue decide what a result means.
 *
 * What travels from admission to the wire is an ExportRequest: bytes plus the metadata needed to send
 * them. It is made once at admission (encoded, then compressed) and never holds the decoded model, so
 * the queue's byte bound counts what it really holds, a persistent queue can store it as it is, and a
 * replay sends exactly what was accepted (redacted under the policy of that moment).
 */
import type { Encoding } from '../otlp/codec.js';
import type { Signal, SignalRequest } from '../otlp/signal.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';
import type { Compression } from './options.js';
import type { EncodedOutput, EncodingPlan } from './encode-output.js';

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

/** How an exporter wants its bodies made: the router makes one body per distinct format per request. */
export interface BodyFormat {
  encoding: Encoding;
  compression: Compression;
  /** gzip level 1–9; ignored for 'none'. */
  compressionLevel: number;
}

/**
 * What a queue holds and an exporter sends: opaque encoded bytes and what is needed to send them.
 * Nothing here looks inside the body; `signal` says what it holds and where it goes.
 */
export interface ExportRequest {
  signal: Signal;
  /** The class of its spans or log records; metrics are not classified. */
  class: ExportClass | undefined;
  tenant: string | undefined;
  /**
   * Where the body goes, resolved for `tenant` when it was admitted (a URL or a file path). Stored with
   * the body, so a replay can refuse to send a tenant's data anywhere else.
   */
  target: string;
  encoding: Encoding;
  compression: Compression;
  /** Spans, log records or data points in the body. */
  records: number;
  /** The policy version the content was redacted under (for logs; the spans carry it as a stamp). */
  policyVersion: string;
  /** As sent on the wire: encoded, then compressed. */
  body: Uint8Array;
  /**
   * For a JSON body made mergeable: the byte lengths of its head (`{"resourceSpans":[`, `{"resourceLogs":[`…) and tail (`]}`)
   * as stored (compressed separately when gzip), so several bodies merge by splicing bytes; 0 and 0 when
   * the body cannot be merged (see request-body.ts).
   */
  jsonHead: number;
  jsonTail: number;
}

export type TargetResult = { ok: true; value: string } | { ok: false; error: string };

export interface Exporter {
  /** `<type>/<name>`, as in the config. */
  readonly id: string;
  /**
   * The format of the bodies `export` sends. Exporters with equal formats share the same bytes (one
   * encode per encoding and one compression per format and request).
   */
  readonly format: BodyFormat;
  /** Serialises an item in `format.encoding`, uncompressed; the router compresses. */
  encode(item: ExportItem): Uint8Array;
  /** Where a tenant's requests of `signal` go (URL or file path); an error when the tenant cannot be placed. */
  target(signal: Signal, tenant: string | undefined): TargetResult;
  /**
   * Sends one request, as it is (its body is already compressed as `request.compression` says). Must not
   * throw; must resolve within its own timeout. A request whose `target` is not where this exporter now
   * sends its tenant is refused as a failure, never sent elsewhere.
   */
  export(request: ExportRequest, signal?: AbortSignal): Promise<ExportResult>;
  shutdown(): Promise<void>;
}

/** What the pipeline tells the router about the request it routes. */
export interface RouteContext {
  policyVersion: string;
}

/**
 * What the router answers for one request's outputs. Admission is atomic: either every output was
 * enqueued (and, with storage, written and fsynced) for every exporter of its class (`accepted`), or
 * nothing was enqueued anywhere (`unavailable`: the receiver answers 503 with Retry-After and the
 * client resends).
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
  /** Admits one request's outputs (all of one signal); awaits compression and, with storage, the write. */
  route(outputs: readonly ClassOutput[], ctx?: RouteContext): Promise<RouteResult>;
  /** The same for outputs already encoded (encode-output.ts: by a policy worker, per `encodingPlan`). */
  admit(outputs: readonly EncodedOutput[], ctx?: RouteContext): Promise<RouteResult>;
  /** Which encodings each signal and class needs: what a policy worker encodes. */
  encodingPlan(): EncodingPlan;
  /**
   * Graceful shutdown: refuse new requests, let queued and in-flight exports finish until `deadlineMs`
   * (an absolute time in ms since the epoch, as Date.now()). Memory queues count what is left as failed
   * ('shutdown'); persistent queues leave it on disk for the next start.
   */
  drain(deadlineMs: number): Promise<DrainReport>;
  /** Drains with no grace (if not drained already) and releases connections and files. */
  shutdown(): Promise<void>;
}

/** What a drain left behind, per exporter: what the exit code and the shutdown log report. */
export interface DrainReport {
  /** Records (spans, log records, data points) counted lost ('shutdown'): memory queues only. */
  lostSpans: number;
  /** Records left on disk for the next start: persistent queues only. */
  keptSpans: number;
}
