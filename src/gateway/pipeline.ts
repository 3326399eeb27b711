/**
 * The gateway's pipeline for one request, whatever its transport: the receivers (HTTP and gRPC) hand it
 * the raw body; it decodes, runs the policy and routes.
 *
 *   { signal, encoding, body, ctx } → served? → the policy step (policy-step.ts: decode, policy, cap
 *   verdicts from caps.take (one atomic take), encode; in a policy worker or in this thread) →
 *   router.admit (compression unless the worker did it, atomic admission) → PipelineResult (receiver/types.ts), which each
 *   receiver maps to its protocol in one place
 *
 * The step returns plain data and bodies; everything stateful (cap store, router, queues, metrics)
 * stays here, on the main thread.
 *
 * Rejections, discards and redactions are counted only once the router has admitted the request. A
 * request refused because a queue is full is resent by the client; counting its outcome now as well
 * would count the same records twice. Received records are counted on every attempt: that counter
 * measures traffic, and refusals show separately as loopgate_*_refused_queue_full.
 */
import type { DecodeLimits } from '../otlp/codec.js';
import type { Signal } from '../otlp/signal.js';
import type { SpanRouter } from '../export/types.js';
import type { PipelineResult, RawRequest } from '../receiver/types.js';
import type { CompiledPolicy, DiscardReason, RejectReason } from '../policy/types.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
import { InMemoryCapStore } from '../policy/caps.js';
import { createCapAdmission, type CapAdmission } from './cap-admission.js';
import { inflateStep, runStep, type StepOutcome, type TakeCaps } from './policy-step.js';

export { decodeRaw, policyStep, type PolicyStep } from './policy-step.js';

export interface PipelineLogger {
  error(obj: object, msg: string): void;
}

/** The policy the step runs under when it runs in this thread, read once per request (policy-holder.ts). */
export interface ActivePolicy {
  readonly current: CompiledPolicy;
}

export interface PipelineDeps {
  /** The policy, when the step runs in this thread (no `run`). */
  policy?: ActivePolicy;
  router: SpanRouter;
  metrics: GatewayMetrics;
  logger: PipelineLogger;
  /** Decoder limits (AnyValue depth, decoded size); the receivers have already bounded the body. */
  limits: DecodeLimits;
  /** The cap step (cap-admission.ts); by default one process's counters, in memory. */
  caps?: CapAdmission;
  /** Where the policy step runs; by default in this thread under `policy` (inlineRunner). */
  run?: StepRunner;
}

/** Running totals for the shutdown summary (records of every signal). */
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
   * Decode and policy are synchronous; it awaits the cap store's answer, then admission: the bodies'
   * compression and, with persistent queues, their write and fsync.
   */
  handle(request: RawRequest): Promise<PipelineResult>;
  readonly stats: Readonly<PipelineStats>;
}

/**
 * Runs a request's policy step (policy-step.ts): in a policy worker (policy-workers.ts) or, by
 * default, in this thread under the holder's current policy. `takeCaps` is this pipeline's cap store.
 */
export type StepRunner = (request: RawRequest, takeCaps: TakeCaps) => Promise<StepOutcome>;

export function inlineRunner(policy: ActivePolicy, router: Pick<SpanRouter, 'encodingPlan'>, limits: DecodeLimits): StepRunner {
  const plan = router.encodingPlan();
  return async (request, takeCaps) => {
    // The receivers inflate bodies themselves when the policy runs here; a compressed one is handled anyway.
    if (request.compressed !== undefined) {
      const inflated = inflateStep(request.body, request.compressed);
      if (!inflated.ok) return inflated;
      if (!request.compressed.take(inflated.bytes.byteLength)) return { ok: false, refused: { status: 'unavailable', retryAfterSeconds: 1, reason: 'busy' } };
      const { compressed: _, ...rest } = request;
      request = { ...rest, body: inflated.bytes };
    }
    return runStep(request, policy.current, limits, plan, takeCaps);
  };
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { policy, router, metrics, logger, limits } = deps;
  if (deps.run === undefined && policy === undefined) throw new Error('a pipeline needs the policy or a step runner (run)');
  const run = deps.run ?? inlineRunner(policy!, router, limits);
  const caps = deps.caps ?? createCapAdmission({ store: new InMemoryCapStore(), onUnavailable: 'closed', metrics, logger: { warn() {}, info() {} } });
  const stats: PipelineStats = {
    requestsAdmitted: 0,
    requestsRefused: 0,
    spansReceived: 0,
    spansRouted: 0,
    spansRejected: 0,
    spansDiscarded: 0,
  };
  const notServed = new Map<Signal, string>();

  const handle = async (request: RawRequest): Promise<PipelineResult> => {
    const { signal } = request;
    if (!router.serves(signal)) {
      let message = notServed.get(signal);
      if (message === undefined) notServed.set(signal, (message = `this gateway has no routes for ${signal}: add routes.${signal} to its config`));
      return { status: 'not_served', message };
    }

    const step = await run(request, caps.take);
    if (!step.ok) return step.refused;
    const { received } = step;
    metrics.spansReceived(received, signal);
    stats.spansReceived += received;
    if (step.engineFailed) {
      logger.error({ signal, policyVersion: step.policyVersion, records: received }, 'policy engine failed on a request; its records are discarded');
    }

    const result = step;
    const routed = await router.admit(step.outputs, { policyVersion: step.policyVersion });
    if (routed.status === 'unavailable') {
      // The client will resend these records: caps count accepted records, not attempts.
      await caps.release(step);
      stats.requestsRefused++;
      return { status: 'unavailable', retryAfterSeconds: routed.retryAfterSeconds, reason: 'queue_full' };
    }

    stats.requestsAdmitted++;
    caps.commit(step);
    metrics.spansAccepted(received - result.rejected.count, signal);
    stats.spansRouted += routed.routed;
    stats.spansDiscarded += routed.noRoute; // the router counts its 'no_route' metric itself
    for (const reason in result.rejected.reasons) {
      metrics.spansRejected(result.rejected.reasons[reason as RejectReason] ?? 0, reason as RejectReason, signal);
    }
    stats.spansRejected += result.rejected.count;
    for (const reason in result.discarded) {
      const n = result.discarded[reason as DiscardReason] ?? 0;
      metrics.spansDiscarded(n, reason as DiscardReason, signal);
      stats.spansDiscarded += n;
    }
    for (const entity in result.redactionsByEntity) metrics.redactions(result.redactionsByEntity[entity] ?? 0, entity);

    return { status: 'accepted', rejected: { count: result.rejected.count, message: result.rejected.message } };
  };

  return { handle, stats };
}

export type { PipelineResult, RawRequest };
