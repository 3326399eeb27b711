/** What the receiver needs from the rest of the gateway, and what it answers with. */
import type { TracesData } from '../otlp/model.js';
import type { RequestContext } from '../policy/types.js';

/** The pipeline's answer for one decoded request. */
export type HandleResult =
  | {
      status: 'accepted';
      /** Spans refused back to the client (partial_success); 0 when all were accepted. */
      rejected: { count: number; message: string };
    }
  /** Nothing was admitted: the client is told to retry (503 + Retry-After). */
  | { status: 'unavailable'; retryAfterSeconds: number };

/** The gateway's pipeline: policy, then router. */
export type HandleTraces = (data: TracesData, ctx: RequestContext) => HandleResult | Promise<HandleResult>;
