/** Explain: per-span accounts of what a policy detected, redacted and decided, safe to share. */
export { describeReplacement, explainDecision, type ExplainedRedaction, type ExplainedSpan, type Outcome } from './explain.js';
export { formatExplainJson, formatExplainText, formatSpanText, type ExplainHeader } from './format-text.js';
export { mixedNoun, noRecords, recordNoun, recordsInWords, type RecordCounts } from './record-words.js';
export { builtinScrubber, scrubberFor, type Scrub } from './scrub.js';
