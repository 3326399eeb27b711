/**
 * Exporter contract. Exporters return tagged results instead of throwing (design principle 6);
 * the retrying decorator and the queue decide what a result means.
 */
import type { TracesData } from '../otlp/model.js';
import type { ExportClass } from '../policy/types.js';

export type ExportResult =
  | { status: 'success' }
  /** Worth another try: 429/502/503/504 or a network error. `retryAfterMs` honours Retry-After. */
  | { status: 'retryable'; error: string; retryAfterMs?: number }
  /** Will never succeed as sent (4xx, encoding error): counted and not retried. */
  | { status: 'failure'; error: string };

/** One unit of work for an exporter: the spans of one class for one tenant from one request. */
export interface ExportItem {
  class: ExportClass;
  /** The tenant these spans belong to, when known; expands `{tenant}` in endpoints. */
  tenant: string | undefined;
  data: TracesData;
  spanCount: number;
}

export interface Exporter {
  /** `<type>/<name>`, as in the config. */
  readonly id: string;
  /** Sends one item. Must not throw; must resolve within its own timeout. */
  export(item: ExportItem, body: Uint8Array, signal?: AbortSignal): Promise<ExportResult>;
  /** Serialises an item to the exact bytes `export` will send (also what the queue measures). */
  encode(item: ExportItem): Uint8Array;
  shutdown(): Promise<void>;
}
