/**
 * The feedback signal kinds and reason codes a policy may name. Their own module so that the engine
 * (feedback-signals.ts), which runs in every policy worker, reads them without loading the policy
 * schema and zod with it: the schema validates files on the thread that loads them, never a request.
 */
export const SIGNAL_KINDS = [
  'user_edit',
  'retry',
  'regenerate',
  'thumbs_up',
  'thumbs_down',
  'suggestion_accepted',
  'suggestion_rejected',
  'abandonment',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export const SIGNAL_REASONS = ['wrong', 'unsafe', 'missing_info', 'formatting', 'other'] as const;
export type SignalReason = (typeof SIGNAL_REASONS)[number];
