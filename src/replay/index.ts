/** Replay: run a baseline and a candidate policy over recorded traffic (spans and log records) and report what would change. */
export { parseRequests, type ParseRequestsResult, type RecordedRequest } from './requests.js';
export { stripStamps } from './strip-stamps.js';
export {
  deciderOf,
  isExported,
  outcomeOf,
  OUTCOMES,
  ReplayDiff,
  type ChangeGroup,
  type ClassCell,
  type EntityDelta,
  type Outcome,
  type ReasonDelta,
  type ReplayOptions,
  type ReplayReport,
  type RuleMove,
  type SpanChange,
} from './diff.js';
export { formatReplayText } from './format-text.js';
export { replayRequest, replayRequests, type ReplayPolicies } from './run.js';
