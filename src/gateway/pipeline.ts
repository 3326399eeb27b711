/**
 * The gateway's pipeline for one request, whatever its transport: the receivers (HTTP and gRPC) hand it
 * the raw body; it decodes, runs the policy and routes.
 *
 *   { signal, encoding, body, ctx } → served? → policyStep (pure: decode + policy) → caps.admit (one
 *   atomic take) → router.route (atomic admission) → PipelineResult (receiver/types.ts), which each
 *   receiver maps to its protocol in one place
 *
 * `policyStep` is a pure function of (request, compiled policy, limits) returning a structured-clonable
 * value, so it can move into a worker thread; everything stateful (cap store, router, queues,
 * metrics) stays here, on the main thread.
 *
 * Rejections, discards and redactions are counted only once the router has admitted the request. A
 * request refused because a queue is full is resent by the client; counting its outcome now as well
 * would count the same records twice. Received records are counted on every attempt: that counter
 * measures traffic, and refusals show separately as loopgate_*_refused_queue_full.
 */
import type { DecodeLimits } from '../otlp/codec.js';
import { CODECS, countItems, decodeRequest, type Signal, type SignalRequest } from '../otlp/signal.js';
import type { SpanRouter } from '../export/types.js';
import type { PipelineResult, RawRequest } from '../receiver/types.js';
import type { CompiledPolicy, DiscardReason, ProcessResult, RejectReason, RequestContext } from '../policy/types.js';
import type { GatewayMetrics } from '../telemetry/metrics-types.js';
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
  /** Decoder limits (AnyValue depth, decoded size); the receivers have already bounded the body. */
  limits: DecodeLimits;
  /** The cap step (cap-admission.ts); by default one process's counters, in memory. */
  caps?: CapAdmission;
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

/** The pure step: bytes and context in, the policy's result (or why the bytes are refused) out. */
export type PolicyStep =
  /** `engineFailed`: the engine threw on the request as a whole, so every record was discarded. */
  | { ok: true; result: ProcessResult; engineFailed: boolean }
  /** The request was refused before the policy ran: undecodable, too large decoded, or no room. */
  | { ok: false; refused: Extract<PipelineResult, { status: 'invalid' | 'too_large' | 'unavailable' }> };

/**
 * Decodes a raw request, charging what it builds to its `budget` (the receiver's share of the
 * in-flight budget) when it has one. A refusal is the answer for the client: `invalid` (malformed),
 * `too_large` (decodes to more memory than one request may take) or `unavailable` (requests in flight
 * hold the budget: retry).
 */
export function decodeRaw(request: RawRequest, limits: DecodeLimits): { ok: true; value: SignalRequest } | Extract<PolicyStep, { ok: false }> {
  const decoded = decodeRequest(request.signal, request.body, request.encoding, limits, request.budget);
  if (decoded.ok) return decoded;
  if (decoded.refusal === 'busy') return { ok: false, refused: { status: 'unavailable', retryAfterSeconds: 1, reason: 'busy' } };
  const message = `cannot decode ${request.encoding} ${CODECS[request.signal].request}: ${decoded.error}`;
  return { ok: false, refused: { status: decoded.refusal === 'too_large' ? 'too_large' : 'invalid', message } };
}

export function policyStep(request: RawRequest, policy: CompiledPolicy, limits: DecodeLimits): PolicyStep {
  const decoded = decodeRaw(request, limits);
  if (!decoded.ok) return decoded;
  const received = countItems(decoded.value);
  try {
    return { ok: true, result: policy.processSignal(decoded.value, request.ctx), engineFailed: false };
  } catch {
    // The engine discards a record it fails on; if it fails on the whole request, fail closed the same
    // way: nothing is forwarded, every record is counted as discarded (principles 1 and 2).
    const result: ProcessResult = { outputs: [], received, rejected: { count: 0, reasons: {}, message: '' }, discarded: { engine_error: received }, redactionsByEntity: {} };
    return { ok: true, result, engineFailed: true };
  }
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { policy, router, metrics, logger, limits } = deps;
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

    const compiled = policy.current;
    const step = policyStep(request, compiled, limits);
    if (!step.ok) return step.refused;
    const received = step.result.received;
    metrics.spansReceived(received, signal);
    stats.spansReceived += received;
    if (step.engineFailed) {
      logger.error({ signal, policyVersion: compiled.version, records: received }, 'policy engine failed on a request; its records are discarded');
    }

    const settled = await caps.admit(step.result);
    const result = settled.result;
    const routed = await router.route(result.outputs, { policyVersion: compiled.version });
    if (routed.status === 'unavailable') {
      // The client will resend these records: caps count accepted records, not attempts.
      await caps.release(settled);
      stats.requestsRefused++;
      return { status: 'unavailable', retryAfterSeconds: routed.retryAfterSeconds, reason: 'queue_full' };
    }

    stats.requestsAdmitted++;
    caps.commit(settled);
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
