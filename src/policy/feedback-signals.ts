/**
 * Feedback signals: what a user did with a model's answer, read from span and event attributes.
 *
 * Vocabulary (kinds): user_edit (with the edit's size), retry, regenerate, thumbs_up, thumbs_down,
 * suggestion_accepted, suggestion_rejected, abandonment; reason codes: wrong, unsafe, missing_info,
 * formatting, other. Producers spell these many ways, so several conventions are understood:
 * - Loopgate's own: `loopgate.signal.kind`, `loopgate.signal.reason`, `loopgate.signal.diff_size`;
 * - common app conventions: `feedback.kind|type`, `user.feedback`, `feedback.reason`,
 *   `feedback.edit.diff_size`, `feedback.retry`, `retry.count`, `http.request.resend_count`;
 * - GenAI semantic conventions: `gen_ai.evaluation.result` events with `gen_ai.evaluation.name`,
 *   `gen_ai.evaluation.score.label` and `gen_ai.evaluation.score.value`.
 *
 * High intent means the user spent effort telling us the answer was wrong (edits, retries,
 * regenerations, thumbs down, rejected suggestions); such signals are what eval capture wants.
 */
import type { LogRecord } from '../otlp/logs-model.js';
import { getAttribute, type AnyValue, type KeyValue, type Span } from '../otlp/model.js';
import { SIGNAL_KINDS, type SignalKind, type SignalReason } from './signal-kinds.js';

export interface SignalConfig {
  readonly kindKeys: readonly string[];
  readonly reasonKeys: readonly string[];
  readonly aliases: ReadonlyMap<string, SignalKind>;
  readonly highIntent: ReadonlySet<SignalKind>;
  readonly minEditSize: number;
  /** Every attribute key readAttributes looks at: one set lookup per attribute finds them all. */
  readonly signalKeys: ReadonlySet<string>;
}

export interface Signals {
  readonly kinds: ReadonlySet<SignalKind>;
  readonly reasons: ReadonlySet<SignalReason>;
  /** Largest edit size seen (characters), -1 when no size was reported. */
  readonly diffSize: number;
  /** Kinds that count as high intent for this span (user_edit below min_edit_size does not). */
  readonly highIntentKinds: ReadonlySet<SignalKind>;
}

export const NO_SIGNALS: Signals = { kinds: new Set(), reasons: new Set(), diffSize: -1, highIntentKinds: new Set() };

const DEFAULT_KIND_KEYS = ['loopgate.signal.kind', 'feedback.kind', 'feedback.type', 'feedback', 'user.feedback', 'user_feedback', 'feedback.action'];
const DEFAULT_REASON_KEYS = ['loopgate.signal.reason', 'feedback.reason', 'feedback.reason_code', 'user.feedback.reason'];
const DIFF_KEYS = ['loopgate.signal.diff_size', 'feedback.edit.diff_size', 'feedback.diff_size', 'user_edit.diff_size'];
const RETRY_COUNT_KEYS = ['retry.count', 'http.request.resend_count', 'gen_ai.request.retry_count'];
const RETRY_FLAG_KEYS = ['feedback.retry', 'gen_ai.request.retry', 'loopgate.signal.retry'];
const REGENERATE_FLAG_KEYS = ['feedback.regenerate', 'loopgate.signal.regenerate'];
const EVAL_EVENT = 'gen_ai.evaluation.result';

const DEFAULT_ALIASES: Record<string, SignalKind> = {
  thumbs_up: 'thumbs_up', 'thumbs-up': 'thumbs_up', thumbsup: 'thumbs_up', up: 'thumbs_up', like: 'thumbs_up',
  positive: 'thumbs_up', good: 'thumbs_up', '+1': 'thumbs_up', '👍': 'thumbs_up',
  thumbs_down: 'thumbs_down', 'thumbs-down': 'thumbs_down', thumbsdown: 'thumbs_down', down: 'thumbs_down',
  dislike: 'thumbs_down', negative: 'thumbs_down', bad: 'thumbs_down', '-1': 'thumbs_down', '👎': 'thumbs_down',
  user_edit: 'user_edit', edit: 'user_edit', edited: 'user_edit', correction: 'user_edit',
  retry: 'retry', retried: 'retry',
  regenerate: 'regenerate', regenerated: 'regenerate', regen: 'regenerate', reroll: 'regenerate',
  suggestion_accepted: 'suggestion_accepted', accepted: 'suggestion_accepted', accept: 'suggestion_accepted',
  suggestion_rejected: 'suggestion_rejected', rejected: 'suggestion_rejected', reject: 'suggestion_rejected', dismissed: 'suggestion_rejected',
  abandonment: 'abandonment', abandoned: 'abandonment', abandon: 'abandonment',
};

const REASON_ALIASES: Record<string, SignalReason> = {
  wrong: 'wrong', incorrect: 'wrong', inaccurate: 'wrong', hallucination: 'wrong', factual_error: 'wrong',
  unsafe: 'unsafe', harmful: 'unsafe', toxic: 'unsafe', offensive: 'unsafe',
  missing_info: 'missing_info', incomplete: 'missing_info', missing: 'missing_info', not_helpful: 'missing_info',
  formatting: 'formatting', format: 'formatting', bad_format: 'formatting',
  other: 'other',
};

export const DEFAULT_HIGH_INTENT: readonly SignalKind[] = ['user_edit', 'retry', 'regenerate', 'thumbs_down', 'suggestion_rejected'];

export function compileSignalConfig(spec: {
  kind_attributes?: string[] | undefined;
  reason_attributes?: string[] | undefined;
  aliases?: Record<string, SignalKind> | undefined;
  high_intent?: SignalKind[] | undefined;
  min_edit_size?: number | undefined;
} = {}): SignalConfig {
  const aliases = new Map<string, SignalKind>(Object.entries(DEFAULT_ALIASES));
  for (const [k, v] of Object.entries(spec.aliases ?? {})) aliases.set(k.toLowerCase(), v);
  const kindKeys = [...DEFAULT_KIND_KEYS, ...(spec.kind_attributes ?? [])];
  const reasonKeys = [...DEFAULT_REASON_KEYS, ...(spec.reason_attributes ?? [])];
  return {
    kindKeys,
    reasonKeys,
    aliases,
    highIntent: new Set(spec.high_intent ?? DEFAULT_HIGH_INTENT),
    minEditSize: spec.min_edit_size ?? 1,
    signalKeys: new Set([...kindKeys, ...reasonKeys, ...DIFF_KEYS, ...RETRY_COUNT_KEYS, ...RETRY_FLAG_KEYS, ...REGENERATE_FLAG_KEYS]),
  };
}

function asNumber(v: AnyValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v.kind === 'int') return Number(v.value);
  if (v.kind === 'double') return v.value;
  if (v.kind === 'string' && v.value.trim() !== '' && Number.isFinite(Number(v.value))) return Number(v.value);
  return undefined;
}

function isTrue(v: AnyValue | undefined): boolean {
  return (v?.kind === 'bool' && v.value) || (v?.kind === 'string' && v.value.toLowerCase() === 'true');
}

function normalise(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, '_');
}

/** Mutable accumulator; frozen into Signals at the end. */
interface Acc {
  kinds: Set<SignalKind> | undefined;
  reasons: Set<SignalReason> | undefined;
  diffSize: number;
}

function addKind(acc: Acc, k: SignalKind): void {
  (acc.kinds ??= new Set()).add(k);
}

function addReason(acc: Acc, value: string): void {
  const r = REASON_ALIASES[normalise(value)] ?? 'other';
  (acc.reasons ??= new Set()).add(r);
}

/**
 * One pass over the attributes picks out the signal keys (most spans carry none, and then nothing
 * else runs); the keys are then read in the order of their lists, the last occurrence of a repeated
 * key winning, as getAttribute would answer. Looking each of the ~20 keys up with getAttribute
 * compared every key with every attribute of every span.
 */
function readAttributes(attrs: readonly KeyValue[], cfg: SignalConfig, acc: Acc): void {
  let found: Map<string, AnyValue> | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const kv = attrs[i]!;
    if (cfg.signalKeys.has(kv.key)) (found ??= new Map()).set(kv.key, kv.value);
  }
  if (found === undefined) return;
  for (const key of cfg.kindKeys) {
    const v = found.get(key);
    if (v?.kind === 'string') {
      const k = cfg.aliases.get(normalise(v.value)) ?? (SIGNAL_KINDS as readonly string[]).find((x) => x === normalise(v.value));
      if (k !== undefined) addKind(acc, k as SignalKind);
    }
  }
  for (const key of cfg.reasonKeys) {
    const v = found.get(key);
    if (v?.kind === 'string' && v.value !== '') addReason(acc, v.value);
  }
  for (const key of DIFF_KEYS) {
    const n = asNumber(found.get(key));
    if (n !== undefined) {
      addKind(acc, 'user_edit');
      if (n > acc.diffSize) acc.diffSize = n;
    }
  }
  for (const key of RETRY_COUNT_KEYS) {
    const n = asNumber(found.get(key));
    if (n !== undefined && n > 0) addKind(acc, 'retry');
  }
  for (const key of RETRY_FLAG_KEYS) if (isTrue(found.get(key))) addKind(acc, 'retry');
  for (const key of REGENERATE_FLAG_KEYS) if (isTrue(found.get(key))) addKind(acc, 'regenerate');
}

/**
 * A `gen_ai.evaluation.result` event: the label is mapped through the aliases; with no usable label, an
 * evaluation whose name mentions feedback or thumbs is read from its score (≥ 0.5 up, < 0.5 down).
 */
function readEvaluation(attrs: readonly KeyValue[], cfg: SignalConfig, acc: Acc): void {
  const label = getAttribute(attrs, 'gen_ai.evaluation.score.label');
  if (label?.kind === 'string') {
    const k = cfg.aliases.get(normalise(label.value));
    if (k !== undefined) {
      addKind(acc, k);
      return;
    }
  }
  const name = getAttribute(attrs, 'gen_ai.evaluation.name');
  const score = asNumber(getAttribute(attrs, 'gen_ai.evaluation.score.value'));
  if (name?.kind === 'string' && score !== undefined && /feedback|thumb|rating/i.test(name.value)) {
    addKind(acc, score >= 0.5 ? 'thumbs_up' : 'thumbs_down');
  }
  const explanation = getAttribute(attrs, 'gen_ai.evaluation.explanation');
  if (explanation?.kind === 'string' && REASON_ALIASES[normalise(explanation.value)] !== undefined) addReason(acc, explanation.value);
}

/** Reads a named event (a span event, or a log record as the event it is) into the accumulator. */
function readEvent(name: string, attrs: readonly KeyValue[], cfg: SignalConfig, acc: Acc): void {
  if (name === EVAL_EVENT) readEvaluation(attrs, cfg, acc);
  else {
    const byName = cfg.aliases.get(normalise(name));
    if (byName !== undefined) addKind(acc, byName);
  }
}

export function extractSignals(span: Span, cfg: SignalConfig): Signals {
  const acc: Acc = { kinds: undefined, reasons: undefined, diffSize: -1 };
  readAttributes(span.attributes, cfg, acc);
  for (const ev of span.events) {
    readEvent(ev.name, ev.attributes, cfg, acc);
    readAttributes(ev.attributes, cfg, acc);
  }
  return finish(acc, cfg);
}

/**
 * A log record's signals: its attributes, and the record itself read as the event it names (a
 * `gen_ai.evaluation.result` event, or an event named like a signal kind, as span events are).
 * `eventName` is the record's event name (conditions.ts eventNameOf).
 */
export function extractLogSignals(log: LogRecord, eventName: string, cfg: SignalConfig): Signals {
  const acc: Acc = { kinds: undefined, reasons: undefined, diffSize: -1 };
  if (eventName !== '') readEvent(eventName, log.attributes, cfg, acc);
  readAttributes(log.attributes, cfg, acc);
  return finish(acc, cfg);
}

function finish(acc: Acc, cfg: SignalConfig): Signals {
  if (acc.kinds === undefined && acc.reasons === undefined) return NO_SIGNALS;
  const kinds = acc.kinds ?? new Set<SignalKind>();
  const high = new Set<SignalKind>();
  for (const k of kinds) {
    if (!cfg.highIntent.has(k)) continue;
    // An edit too small to matter (a typo fix) is not strong evidence; unknown size counts as high.
    if (k === 'user_edit' && acc.diffSize >= 0 && acc.diffSize < cfg.minEditSize) continue;
    high.add(k);
  }
  return { kinds, reasons: acc.reasons ?? new Set(), diffSize: acc.diffSize, highIntentKinds: high };
}
