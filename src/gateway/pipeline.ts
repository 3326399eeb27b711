/**
 * The gateway's pipeline for one decoded request: policy, caps, then router.
 *
 *   spansReceived → policy.process (pure) → caps.admit (one atomic take) → router.route (atomic admission) → answer
 *
 * Rejections, discards and redactions are counted only once the router has admitted the request. A
 * request refused because a queue is full is resent by the client; counting its outcome now as well
 * would count the same spans twice. Received spans are counted on every attempt: that counter measures
 * traffic, and refusals show separately as loopgate_spans_refused_queue_full.
 */
import { countSpans, type TracesData } from '../otlp/model.js';
import type { SpanRouter } from '../export/types.js';
import type { CompiledPolicy, DiscardReason, ProcessResult, RejectReason, RequestContext } from '../policy/types.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import type { HandleResult } from '../receiver/types.js';
import { InMemoryCapStore } from '../policy/caps.js';
import { createCapAdmission, type CapAdmission } from './cap-admission.js';
import type { PolicyHolder } from './policy-holder.js';

export interface PipelineLogger {
  error(obj: object, msg: string): void;
}

export interface PipelineDeps {
  policy: PolicyHolder;
  router: SpanRouter;
  metrics: GatewayMetrics;
  logger: PipelineLogger;
  /** The cap step (cap-admission.ts); by default one process's counters, in memory. */
  caps?: CapAdmission;
}

/** Running totals for the shutdown summary. */
export interface PipelineStats {
  requestsAdmitted: number;
  requestsRefused: number;
  spansReceived: number;
  spansRouted: number;
  spansRejected: number;
  spansDiscarded: number;
}

export interface Pipeline {
  /**
   * The policy runs synchronously; the caps are taken in one call to the cap store; admission awaits the
   * bodies' compression and, with persistent queues, the write and fsync. Assignable to the receiver's
   * HandleTraces.
   */
  handle: (data: TracesData, ctx: RequestContext) => Promise<HandleResult>;
  readonly stats: Readonly<PipelineStats>;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { policy, router, metrics, logger } = deps;
  const caps = deps.caps ?? createCapAdmission({ store: new InMemoryCapStore(), onUnavailable: 'closed', metrics, logger: { warn() {}, info() {} } });
  const stats: PipelineStats = {
    requestsAdmitted: 0,
    requestsRefused: 0,
    spansReceived: 0,
    spansRouted: 0,
    spansRejected: 0,
    spansDiscarded: 0,
  };

  function process(compiled: CompiledPolicy, data: TracesData, ctx: RequestContext, received: number): ProcessResult {
    try {
      return compiled.process(data, ctx);
    } catch (err) {
      // The engine discards a span it fails on; if it fails on the whole request, fail closed the same
      // way: nothing is forwarded, every span is counted as discarded (principles 1 and 2).
      logger.error({ policyVersion: compiled.version, spans: received, error: err instanceof Error ? err.name : 'unknown' }, 'policy engine failed on a request; its spans are discarded');
      return {
        outputs: [],
        received,
        rejected: { count: 0, reasons: {}, message: '' },
        discarded: { engine_error: received },
        redactionsByEntity: {},
      };
    }
  }

  const handle = async (data: TracesData, ctx: RequestContext): Promise<HandleResult> => {
    const received = countSpans(data);
    metrics.spansReceived(received);
    stats.spansReceived += received;

    const compiled = policy.current;
    const settled = await caps.admit(process(compiled, data, ctx, received));
    const result = settled.result;
    const routed = await router.route(result.outputs, { policyVersion: compiled.version, signal: 'traces' });
    if (routed.status === 'unavailable') {
      // The client will resend these spans: caps count accepted spans, not attempts.
      await caps.release(settled);
      stats.requestsRefused++;
      return { status: 'unavailable', retryAfterSeconds: routed.retryAfterSeconds };
    }

    stats.requestsAdmitted++;
    caps.commit(settled);
    metrics.spansAccepted(received - result.rejected.count);
    stats.spansRouted += routed.routed;
    stats.spansDiscarded += routed.noRoute; // the router counts its 'no_route' metric itself
    for (const reason in result.rejected.reasons) {
      const n = result.rejected.reasons[reason as RejectReason] ?? 0;
      metrics.spansRejected(n, reason as RejectReason);
    }
    stats.spansRejected += result.rejected.count;
    for (const reason in result.discarded) {
      const n = result.discarded[reason as DiscardReason] ?? 0;
      metrics.spansDiscarded(n, reason as DiscardReason);
      stats.spansDiscarded += n;
    }
    for (const entity in result.redactionsByEntity) metrics.redactions(result.redactionsByEntity[entity] ?? 0, entity);

    return { status: 'accepted', rejected: { count: result.rejected.count, message: result.rejected.message } };
  };

  return { handle, stats };
}
