/**
 * Conditions compiled once into closures. Evaluated against the original record (before redaction) so
 * rules can test what was really there; their results never leave the engine except as rule ids.
 *
 * A record is a span or a log record. `attribute`, `resource`, `tenant`, `contract`, `detected` and
 * `signal` read either; `name`, `event`, `status` and `kind` describe spans and hold on no log record;
 * `event_name` describes log records (their event_name field, or the `event.name` attribute older
 * instrumentations use) and `severity` their severity_number; both hold on no span; `signal_type` says which one the record is.
 * Which records a rule is evaluated for at all is decided at compile time (`mentionsSignalType`): see
 * docs/policy-reference.md, "Spans and log records".
 */
import { RE2JS } from 're2js';
import type { LogRecord } from '../otlp/logs-model.js';
import { getAttribute, getStringAttribute, StatusCode, SpanKind, type AnyValue, type KeyValue, type Span } from '../otlp/model.js';
import type { AttributePredicate, Condition, EventPredicate, SeverityPredicate, SignalPredicate, StringPredicate } from './schema.js';
import type { Signals } from './feedback-signals.js';
import type { Contract } from './tenant.js';

/** The signals whose records the policy classifies (metrics are forwarded, never classified). */
export type RecordSignal = 'traces' | 'logs';

export interface EvalContext {
  readonly signal: RecordSignal;
  /** The record's own attributes (the span's, or the log record's). */
  readonly attributes: readonly KeyValue[];
  /** Set when the record is a span. */
  readonly span: Span | undefined;
  /** Set when the record is a log record. */
  readonly log: LogRecord | undefined;
  readonly resource: readonly KeyValue[];
  readonly tenant: string | undefined;
  readonly contract: Contract;
  /** Entities found in the record, its scope and its resource. */
  readonly entities: ReadonlySet<string>;
  readonly signals: Signals;
}

/**
 * A log record's event name: the event_name field (logs.proto field 12), else the `event.name`
 * attribute that instrumentations written before the field existed set (the JS OpenAI one does).
 */
export function eventNameOf(log: LogRecord): string {
  return log.eventName !== '' ? log.eventName : (getStringAttribute(log.attributes, 'event.name') ?? '');
}

export type Predicate = (e: EvalContext) => boolean;

export interface CompiledCondition {
  readonly test: Predicate;
  /** Human text for explain, e.g. `status is error and signal.kind in [thumbs_down]`. */
  readonly text: string;
  /** True when it is (or reduces to) `always: true`. */
  readonly always: boolean;
  readonly usesSignals: boolean;
  /** True when `signal_type` appears anywhere in it: then it is evaluated for every kind of record. */
  readonly mentionsSignalType: boolean;
  /** True when it reads what the detectors found (`detected`): the record must be scanned first. */
  readonly usesFindings: boolean;
}

export interface ConditionIssue {
  path: PropertyKey[];
  message: string;
}

const STATUS: Record<string, number> = { unset: StatusCode.UNSET, ok: StatusCode.OK, error: StatusCode.ERROR };
const KIND: Record<string, number> = {
  unspecified: SpanKind.UNSPECIFIED,
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

function compileRegex(pattern: string, path: PropertyKey[], issues: ConditionIssue[]): RE2JS | undefined {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    issues.push({ path, message: `invalid RE2 regular expression: ${(e as Error).message}` });
    return undefined;
  }
}

function num(v: AnyValue): number | undefined {
  if (v.kind === 'int') return Number(v.value);
  if (v.kind === 'double') return v.value;
  return undefined;
}

function scalarEquals(v: AnyValue, want: string | number | boolean): boolean {
  if (typeof want === 'string') return v.kind === 'string' && v.value === want;
  if (typeof want === 'boolean') return v.kind === 'bool' && v.value === want;
  const n = num(v);
  return n !== undefined && n === want;
}

type ValueTest = (v: AnyValue | undefined) => boolean;

/** One attribute predicate as a test of the value found under its key (undefined: not set). */
function compileValueTest(p: AttributePredicate, path: PropertyKey[], issues: ConditionIssue[]): ValueTest {
  const re = p.matches !== undefined ? compileRegex(p.matches, [...path, 'matches'], issues) : undefined;
  const tests: ValueTest[] = [];
  if (p.exists !== undefined) {
    const want = p.exists;
    tests.push((v) => (v !== undefined) === want);
  }
  if (p.equals !== undefined) {
    const want = p.equals;
    tests.push((v) => v !== undefined && scalarEquals(v, want));
  }
  if (p.in !== undefined) {
    const set = p.in;
    tests.push((v) => {
      if (v === undefined) return false;
      for (let i = 0; i < set.length; i++) if (scalarEquals(v, set[i]!)) return true;
      return false;
    });
  }
  if (re !== undefined) tests.push((v) => v?.kind === 'string' && re.test(v.value));
  if (p.gt !== undefined) {
    const gt = p.gt;
    tests.push((v) => {
      const n = v === undefined ? undefined : num(v);
      return n !== undefined && n > gt;
    });
  }
  if (p.lt !== undefined) {
    const lt = p.lt;
    tests.push((v) => {
      const n = v === undefined ? undefined : num(v);
      return n !== undefined && n < lt;
    });
  }
  if (tests.length === 0) return (v) => v !== undefined; // `{key: k}` alone reads as "k is set"
  if (tests.length === 1) return tests[0]!;
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
    return true;
  };
}

function compileAttribute(p: AttributePredicate, path: PropertyKey[], issues: ConditionIssue[], scope: 'record' | 'resource'): Predicate {
  const test = compileValueTest(p, path, issues);
  const key = p.key;
  return scope === 'record' ? (e) => test(getAttribute(e.attributes, key)) : (e) => test(getAttribute(e.resource, key));
}

function compileString(p: StringPredicate, path: PropertyKey[], issues: ConditionIssue[]): (s: string) => boolean {
  const re = p.matches !== undefined ? compileRegex(p.matches, [...path, 'matches'], issues) : undefined;
  const equals = p.equals;
  const among = p.in;
  return (n) => {
    if (equals !== undefined && n !== equals) return false;
    if (among !== undefined && !among.includes(n)) return false;
    if (re !== undefined && !re.test(n)) return false;
    return true;
  };
}

function compileName(p: StringPredicate, path: PropertyKey[], issues: ConditionIssue[]): Predicate {
  const test = compileString(p, path, issues);
  return (e) => e.span !== undefined && test(e.span.name);
}

function compileEventName(p: StringPredicate, path: PropertyKey[], issues: ConditionIssue[]): Predicate {
  const test = compileString(p, path, issues);
  return (e) => e.log !== undefined && test(eventNameOf(e.log));
}

/** logs.proto SeverityNumber: TRACE = 1, DEBUG = 5, INFO = 9, WARN = 13, ERROR = 17, FATAL = 21 (each range 4 wide). */
const SEVERITY: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };
const severityNumber = (level: string | number): number => (typeof level === 'number' ? level : SEVERITY[level]!);

/** A log record's severity_number against bounds; 0 (unspecified) says nothing about severity, so it never holds. */
function compileSeverity(p: SeverityPredicate): Predicate {
  const atLeast = p.at_least === undefined ? 1 : severityNumber(p.at_least);
  const below = p.below === undefined ? Infinity : severityNumber(p.below);
  return (e) => e.log !== undefined && e.log.severityNumber > 0 && e.log.severityNumber >= atLeast && e.log.severityNumber < below;
}

function severityText(p: SeverityPredicate): string {
  const parts: string[] = [];
  if (p.at_least !== undefined) parts.push(`at least ${p.at_least}`);
  if (p.below !== undefined) parts.push(`below ${p.below}`);
  return `severity ${parts.join(' and ')}`;
}

function stringText(p: StringPredicate): string {
  if (p.equals !== undefined) return ` is ${p.equals}`;
  if (p.in !== undefined) return ` in [${p.in.join(', ')}]`;
  return ' matches';
}

/** Some event of the span has a matching name and, on that same event, a matching attribute. */
function compileEvent(p: EventPredicate, path: PropertyKey[], issues: ConditionIssue[]): Predicate {
  const nameTest = p.name !== undefined ? compileString(p.name, [...path, 'name'], issues) : undefined;
  const attrTest = p.attribute !== undefined ? compileValueTest(p.attribute, [...path, 'attribute'], issues) : undefined;
  const key = p.attribute?.key ?? '';
  return (e) => {
    if (e.span === undefined) return false;
    const events = e.span.events;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (nameTest !== undefined && !nameTest(ev.name)) continue;
      if (attrTest !== undefined && !attrTest(getAttribute(ev.attributes, key))) continue;
      return true;
    }
    return false;
  };
}

function eventText(p: EventPredicate): string {
  const parts: string[] = [];
  if (p.name?.equals !== undefined) parts.push(`named ${p.name.equals}`);
  else if (p.name?.in !== undefined) parts.push(`named one of [${p.name.in.join(', ')}]`);
  else if (p.name !== undefined) parts.push('with a matching name');
  if (p.attribute !== undefined) parts.push(`with attribute ${p.attribute.key}`);
  return `event ${parts.join(' ')}`;
}

function compileSignal(p: SignalPredicate): Predicate {
  const kinds = p.kind;
  const reasons = p.reason;
  const intent = p.intent ?? 'any';
  const minDiff = p.min_diff_size;
  return (e) => {
    const s = e.signals;
    const pool = intent === 'high' ? s.highIntentKinds : s.kinds;
    if (intent === 'low' && s.highIntentKinds.size > 0) return false;
    if (kinds !== undefined) {
      if (!anyIn(kinds, pool)) return false;
    } else if (pool.size === 0 && (intent !== 'any' || reasons === undefined)) return false;
    if (reasons !== undefined && !anyIn(reasons, s.reasons)) return false;
    if (minDiff !== undefined && s.diffSize < minDiff) return false;
    return true;
  };
}

/** Whether any of `wanted` is in `have`; a loop, so evaluating a condition allocates nothing. */
function anyIn<T>(wanted: readonly T[], have: ReadonlySet<T>): boolean {
  for (let i = 0; i < wanted.length; i++) if (have.has(wanted[i]!)) return true;
  return false;
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

export function compileCondition(c: Condition, path: PropertyKey[], issues: ConditionIssue[]): CompiledCondition {
  const parts: Predicate[] = [];
  const texts: string[] = [];
  let usesSignals = false;
  let mentionsSignalType = false;
  let usesFindings = false;
  let always = false;

  if (c.always) {
    always = true;
    texts.push('always');
  }
  if (c.all) {
    const subs = c.all.map((s, i) => compileCondition(s, [...path, 'all', i], issues));
    usesSignals ||= subs.some((s) => s.usesSignals);
    mentionsSignalType ||= subs.some((s) => s.mentionsSignalType);
    usesFindings ||= subs.some((s) => s.usesFindings);
    const tests = subs.map((s) => s.test);
    parts.push((e) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i]!(e)) return false;
      return true;
    });
    texts.push(`all(${subs.map((s) => s.text).join(', ')})`);
  }
  if (c.any) {
    const subs = c.any.map((s, i) => compileCondition(s, [...path, 'any', i], issues));
    usesSignals ||= subs.some((s) => s.usesSignals);
    mentionsSignalType ||= subs.some((s) => s.mentionsSignalType);
    usesFindings ||= subs.some((s) => s.usesFindings);
    const tests = subs.map((s) => s.test);
    parts.push((e) => {
      for (let i = 0; i < tests.length; i++) if (tests[i]!(e)) return true;
      return false;
    });
    texts.push(`any(${subs.map((s) => s.text).join(', ')})`);
  }
  if (c.not) {
    const sub = compileCondition(c.not, [...path, 'not'], issues);
    usesSignals ||= sub.usesSignals;
    mentionsSignalType ||= sub.mentionsSignalType;
    usesFindings ||= sub.usesFindings;
    const t = sub.test;
    parts.push((e) => !t(e));
    texts.push(`not(${sub.text})`);
  }
  if (c.attribute) {
    parts.push(compileAttribute(c.attribute, [...path, 'attribute'], issues, 'record'));
    texts.push(`attribute ${c.attribute.key}`);
  }
  if (c.resource) {
    parts.push(compileAttribute(c.resource, [...path, 'resource'], issues, 'resource'));
    texts.push(`resource ${c.resource.key}`);
  }
  if (c.name) {
    parts.push(compileName(c.name, [...path, 'name'], issues));
    texts.push('span name');
  }
  if (c.signal_type !== undefined) {
    mentionsSignalType = true;
    const types = new Set(list(c.signal_type));
    parts.push((e) => types.has(e.signal));
    texts.push(`signal_type is ${list(c.signal_type).join('|')}`);
  }
  if (c.event_name) {
    parts.push(compileEventName(c.event_name, [...path, 'event_name'], issues));
    texts.push(`event_name${stringText(c.event_name)}`);
  }
  if (c.severity) {
    parts.push(compileSeverity(c.severity));
    texts.push(severityText(c.severity));
  }
  if (c.event) {
    parts.push(compileEvent(c.event, [...path, 'event'], issues));
    texts.push(eventText(c.event));
  }
  if (c.status !== undefined) {
    const codes = new Set(list(c.status).map((s) => STATUS[s]!));
    parts.push((e) => e.span !== undefined && codes.has(e.span.status.code));
    texts.push(`status is ${list(c.status).join('|')}`);
  }
  if (c.kind !== undefined) {
    const kinds = new Set(list(c.kind).map((s) => KIND[s]!));
    parts.push((e) => e.span !== undefined && kinds.has(e.span.kind));
    texts.push(`kind is ${list(c.kind).join('|')}`);
  }
  if (c.tenant) {
    const t = c.tenant;
    parts.push((e) => (t.exists === undefined || (e.tenant !== undefined) === t.exists) && (t.in === undefined || (e.tenant !== undefined && t.in.includes(e.tenant))));
    texts.push(t.in ? `tenant in [${t.in.join(', ')}]` : `tenant ${t.exists === false ? 'unknown' : 'known'}`);
  }
  if (c.contract) {
    const k = c.contract;
    parts.push((e) => (k.broad_use === undefined || e.contract.broadUse === k.broad_use) && (k.eval === undefined || e.contract.eval === k.eval));
    texts.push(`contract ${Object.entries(k).map(([a, b]) => `${a}=${String(b)}`).join(' ')}`);
  }
  if (c.detected) {
    usesFindings = true;
    const d = c.detected;
    parts.push((e) => {
      if (d.any !== undefined && (e.entities.size > 0) !== d.any) return false;
      if (d.entities !== undefined && !anyIn(d.entities, e.entities)) return false;
      return true;
    });
    texts.push(d.entities ? `detected [${d.entities.join(', ')}]` : `detected ${d.any === false ? 'nothing' : 'anything'}`);
  }
  if (c.signal) {
    usesSignals = true;
    parts.push(compileSignal(c.signal));
    const s = c.signal;
    texts.push(`signal${s.kind ? ` kind in [${s.kind.join(', ')}]` : ''}${s.reason ? ` reason in [${s.reason.join(', ')}]` : ''}${s.intent ? ` intent ${s.intent}` : ''}`);
  }

  const onlyAlways = always && parts.length === 0;
  const test: Predicate =
    parts.length === 0
      ? () => true
      : parts.length === 1
        ? parts[0]!
        : (e) => {
            for (let i = 0; i < parts.length; i++) if (!parts[i]!(e)) return false;
            return true;
          };
  return { test, text: texts.join(' and '), always: onlyAlways, usesSignals, mentionsSignalType, usesFindings };
}
