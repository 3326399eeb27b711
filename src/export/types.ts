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
import type { TracesData } from '../otlp/model.js';
import type { ClassOutput, ExportClass } from '../policy/types.js';
import type { Compression } from './options.js';

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
 * The OTLP signal a request carries. It travels with the bytes (and is stored with them), picks the
 * path a request is sent to (`/v1/traces`, `/v1/logs`, `/v1/metrics`), and keeps a queue from merging
 * bodies of different signals.
 */
export type Signal = 'traces' | 'logs' | 'metrics';
export const SIGNALS: readonly Signal[] = ['traces', 'logs', 'metrics'];

/** One unit of work the router encodes: the spans of one class for one tenant from one request. */
export interface ExportItem {
  signal: Signal;
  class: ExportClass;
  /** The tenant these spans belong to, when known; expands `{tenant}` in endpoints. */
  tenant: string | undefined;
  data: TracesData;
  spanCount: number;
}

/** How an exporter wants its bodies made: the router makes one body per distinct format per request. */
export interface BodyFormat {
  encoding: Encoding;
  compression: Compression;
  /** gzip level 1–9; ignored for 'none'. */
  compressionLevel: number;
}

/**
 * What a queue holds and an exporter sends: opaque encoded bytes and what is needed to send them.
 * Signal-agnostic: nothing here looks inside the body.
 */
export interface ExportRequest {
  signal: Signal;
  class: ExportClass;
  tenant: string | undefined;
  /**
   * Where the body goes, resolved for `tenant` when it was admitted (a URL or a file path). Stored with
   * the body, so a replay can refuse to send a tenant's data anywhere else.
   */
  target: string;
  encoding: Encoding;
  compression: Compression;
  /** Spans (later: log records, data points) in the body. */
  records: number;
  /** The policy version the content was redacted under (for logs; the spans carry it as a stamp). */
  policyVersion: string;
  /** As sent on the wire: encoded, then compressed. */
  body: Uint8Array;
  /**
   * For a JSON body made mergeable: the byte lengths of its head (`{"resourceSpans":[`) and tail (`]}`)
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
  /** The signal of the request the outputs came from; traces when not given. */
  signal?: Signal;
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
      /** Spans enqueued for at least one exporter. */
      routed: number;
      /** Spans of a class with no route: exported nowhere, counted as discarded ('no_route'). */
      noRoute: number;
    }
  | { status: 'unavailable'; retryAfterSeconds: number; exporter: string };

/** The receiver's view of the export side. */
export interface SpanRouter {
  route(outputs: readonly ClassOutput[], ctx?: RouteContext): Promise<RouteResult>;
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
  /** Spans counted lost ('shutdown'): memory queues only. */
  lostSpans: number;
  /** Spans left on disk for the next start: persistent queues only. */
  keptSpans: number;
}
