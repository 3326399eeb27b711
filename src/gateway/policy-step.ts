/**
 * The policy step of one request: raw bytes in, ready-to-queue bodies out.
 *
 *   decode → policy (CompiledPolicy.processSignal) → cap verdicts (asked of the main thread) → settle
 *   → encode (export/encode-output.ts, per class × tenant × encoding the routes want; in a worker also
 *     compressed per gzip format the routes want, so the main thread only moves the bytes)
 *
 * It runs inside a policy worker (policy-workers.ts) or, with `service.workers: 0`, on the main thread;
 * the same function either way. Caps stay exact because only the main thread counts them: the step
 * hands its claims out through `takeCaps` (one call per request, one atomic take in the store) and
 * applies the verdicts before encoding, so a refused span is never in a body. Everything the step
 * returns is plain data and Uint8Arrays (structured-clonable, bodies transferable).
 */
import type { DecodeLimits } from '../otlp/codec.js';
import { DecodeBudget } from '../otlp/limits.js';
import { CODECS, countItems, decodeRequest, type SignalRequest } from '../otlp/signal.js';
import { encodeOutputs, type CompressionPlan, type EncodedOutput, type EncodingPlan } from '../export/encode-output.js';
import { settleCaps, type CapKey, type CapVerdict, type SettledCaps } from '../policy/caps.js';
import type { CapRequest, CompiledPolicy, DiscardReason, ProcessResult, RejectReason } from '../policy/types.js';
import type { PipelineResult, RawRequest } from '../receiver/types.js';
import { bodyTooLargeMessage, inflateBounded } from '../receiver/decompress.js';

/** What the step needs of a request: RawRequest without the main thread's budget object. */
export type StepRequest = Pick<RawRequest, 'signal' | 'encoding' | 'body' | 'ctx' | 'budget'>;

export type Refusal = Extract<PipelineResult, { status: 'invalid' | 'too_large' | 'unavailable' }>;

/** The pure step: bytes and context in, the policy's result (or why the bytes are refused) out. */
export type PolicyStep =
  /** `engineFailed`: the engine threw on the request as a whole, so every record was discarded. */
  | { ok: true; result: ProcessResult; engineFailed: boolean }
  /** The request was refused before the policy ran: undecodable, too large decoded, or no room. */
  | { ok: false; refused: Refusal };

/** A whole step's outcome: what the main thread admits, counts and answers with. */
export type StepOutcome =
  | { ok: false; refused: Refusal }
  | {
      ok: true;
      /** The version of the compiled policy that ran: the one the outputs' stamps carry. */
      policyVersion: string;
      engineFailed: boolean;
      received: number;
      outputs: EncodedOutput[];
      rejected: { count: number; reasons: Partial<Record<RejectReason, number>>; message: string };
      discarded: Partial<Record<DiscardReason, number>>;
      redactionsByEntity: ProcessResult['redactionsByEntity'];
      /** What the cap store counted for this request (to give back on a 503), and what caps refused. */
      taken: (readonly CapKey[])[];
      capped: SettledCaps['capped'];
    };

/** One atomic take for a request's claims, answered by whoever holds the cap store. */
export type TakeCaps = (requests: readonly CapRequest[]) => Promise<readonly CapVerdict[]>;

/**
 * Decodes a raw request, charging what it builds to its `budget` when it has one. A refusal is the
 * answer for the client: `invalid` (malformed), `too_large` (decodes to more memory than one request
 * may take) or `unavailable` (requests in flight hold the budget: retry).
 */
export function decodeRaw(request: StepRequest, limits: DecodeLimits): { ok: true; value: SignalRequest } | Extract<PolicyStep, { ok: false }> {
  const decoded = decodeRequest(request.signal, request.body, request.encoding, limits, request.budget);
  if (decoded.ok) return decoded;
  if (decoded.refusal === 'busy') return { ok: false, refused: { status: 'unavailable', retryAfterSeconds: 1, reason: 'busy' } };
  const message = `cannot decode ${request.encoding} ${CODECS[request.signal].request}: ${decoded.error}`;
  return { ok: false, refused: { status: decoded.refusal === 'too_large' ? 'too_large' : 'invalid', message } };
}

/**
 * Inflates a body the receiver left compressed (RawRequest.compressed), under its limit: past it the
 * answer is 413 as the receiver gives, bytes that are not valid gzip/deflate are 400.
 */
export function inflateStep(body: Uint8Array, compressed: { coding: 'gzip' | 'deflate'; limitBytes: number }): { ok: true; bytes: Uint8Array } | { ok: false; refused: Refusal } {
  const r = inflateBounded(body, compressed.coding, compressed.limitBytes);
  if (r.ok) return r;
  if (r.reason === 'too_large') return { ok: false, refused: { status: 'too_large', message: bodyTooLargeMessage(compressed.limitBytes) } };
  return { ok: false, refused: { status: 'invalid', message: r.message } };
}

export function policyStep(request: StepRequest, policy: CompiledPolicy, limits: DecodeLimits): PolicyStep {
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

const NOTHING_CAPPED: SettledCaps['capped'] = Object.freeze({ cap_exceeded: 0, cap_store_unavailable: 0, unchecked: 0 });

/** The whole step: policy, caps settled through `takeCaps`, then the outputs encoded per `plan`. */
export async function runStep(
  request: StepRequest,
  policy: CompiledPolicy,
  limits: DecodeLimits,
  plan: EncodingPlan,
  takeCaps: TakeCaps,
  /** In a worker: compress the bodies here too (the inline path leaves that to the router, off the loop). */
  compress?: CompressionPlan,
): Promise<StepOutcome> {
  const step = policyStep(request, policy, limits);
  if (!step.ok) return step;
  let settled: SettledCaps = { result: step.result, taken: [], capped: NOTHING_CAPPED };
  const claims = step.result.capRequests;
  if (claims !== undefined && claims.length > 0) settled = settleCaps(step.result, await takeCaps(claims));
  const r = settled.result;
  return {
    ok: true,
    policyVersion: policy.version,
    engineFailed: step.engineFailed,
    received: r.received,
    outputs: encodeOutputs(r.outputs, plan, compress),
    rejected: r.rejected,
    discarded: r.discarded,
    redactionsByEntity: r.redactionsByEntity,
    taken: settled.taken,
    capped: settled.capped,
  };
}

/**
 * The decode budget a worker's step gets: the main thread has taken `bytes` from the in-flight pool
 * for it (see policy-workers.ts), so the worker's budget draws on those bytes only, and running out of
 * them means the pool had no more (busy), as it would on the main thread.
 */
export function reservedBudget(limitBytes: number, reservedBytes: number): DecodeBudget {
  let left = reservedBytes;
  return new DecodeBudget(limitBytes, (n) => {
    if (n > left) return false;
    left -= n;
    return true;
  });
}
