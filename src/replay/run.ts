/**
 * Runs both policies over one recorded request (spans or log records) and feeds the decisions to the
 * diff. Stamps from an earlier pass through Loopgate are stripped first, so every record is judged as if
 * fresh from its producer.
 */
import type { CompiledPolicy, RequestContext } from '../policy/types.js';
import { ReplayDiff, type ReplayOptions, type ReplayReport } from './diff.js';
import type { RecordedRequest } from './requests.js';
import { stripStamps } from './strip-stamps.js';

export interface ReplayPolicies {
  baseline: CompiledPolicy;
  candidate: CompiledPolicy;
  /** The request context recorded traffic is replayed under (e.g. the tenant its token stood for). */
  context?: RequestContext;
}

export function replayRequest(diff: ReplayDiff, recorded: RecordedRequest, p: ReplayPolicies): void {
  const request = stripStamps(recorded.request);
  const ctx = p.context ?? {};
  // The engine never mutates its input (principle 5), so both policies can read the same batch.
  const before = p.baseline.processSignal(request, ctx, { explain: true }).decisions ?? [];
  const after = p.candidate.processSignal(request, ctx, { explain: true }).decisions ?? [];
  diff.add(recorded.origin, before, after);
}

export function replayRequests(requests: Iterable<RecordedRequest>, p: ReplayPolicies, options: ReplayOptions = {}): ReplayReport {
  const diff = new ReplayDiff(p.baseline.version, p.candidate.version, options);
  for (const r of requests) replayRequest(diff, r, p);
  return diff.report();
}
