/**
 * Redaction of one string and the per-span accumulator that records what was done.
 *
 * The accumulator is the only object allocated per span; a string with no finding costs one scan and
 * returns the same string reference, so callers can tell "unchanged" by identity and share it.
 * Records only ever hold the placeholder written, never the value found (SpanDecision's promise).
 */
import { mergeFindings } from './detect/find.js';
import type { EntityName, Finding, ScanHints, Scanner } from './detect/types.js';
import { replacementFor, type CompiledAction } from './actions.js';
import type { Location, RedactionRecord } from './types.js';

export interface ActionTable {
  actionFor(entity: EntityName): CompiledAction;
}

/** What happened to one span (or one resource/scope) while it was redacted. */
export class RedactionAccount {
  count = 0;
  /** A detector's action asked for the whole span to be dropped. */
  dropSpan = false;
  /** Set while one attribute is redacted: its value asked for the attribute to be dropped. */
  dropAttribute = false;
  /** Client-sent `loopgate.*` attributes dropped (redact-record.ts); added to dropped_attributes_count. */
  strippedAttributes = 0;
  entities: Set<EntityName> | undefined;
  /** Per-entity counts; undefined until something is found. */
  byEntity: Map<EntityName, number> | undefined;
  /** Only collected for explain/test; never holds a detected value. */
  readonly records: RedactionRecord[] | undefined;
  /** What the span says about its own text (its model's name), passed to every scan. */
  hints: ScanHints | undefined;

  constructor(explain: boolean) {
    this.records = explain ? [] : undefined;
  }

  /**
   * A fresh account for a part whose redactions count only if the part turns out to be what it
   * looked like (a JSON document that proves well-formed): same explain mode and hints; `absorb` it
   * into this one to count it.
   */
  child(): RedactionAccount {
    const c = new RedactionAccount(this.records !== undefined);
    c.hints = this.hints;
    return c;
  }

  /** Adds everything `part` (made by `child`) counted, in order. */
  absorb(part: RedactionAccount): void {
    this.count += part.count;
    if (part.dropSpan) this.dropSpan = true;
    if (part.dropAttribute) this.dropAttribute = true;
    this.strippedAttributes += part.strippedAttributes;
    if (part.entities !== undefined) for (const e of part.entities) (this.entities ??= new Set()).add(e);
    if (part.byEntity !== undefined) {
      const m = (this.byEntity ??= new Map());
      for (const [e, n] of part.byEntity) m.set(e, (m.get(e) ?? 0) + n);
    }
    if (part.records !== undefined && this.records !== undefined) for (const r of part.records) this.records.push(r);
  }

  note(f: Finding, action: CompiledAction, location: Location, replacement: string): void {
    this.count++;
    (this.entities ??= new Set()).add(f.entity);
    const m = (this.byEntity ??= new Map());
    m.set(f.entity, (m.get(f.entity) ?? 0) + 1);
    if (this.records) {
      const r: RedactionRecord = { entity: f.entity, detector: f.detector, action: action.kind, location };
      // Only placeholders and keyed-hash tokens are recorded: a mask keeps some of the value's own
      // characters, and a record must never hold any part of a detected value.
      if (action.kind === 'replace' || action.kind === 'hash') r.replacement = replacement;
      this.records.push(r);
    }
  }
}

/**
 * Redacts plain strings with one policy's scanner and actions. Built once when the policy compiles and
 * shared by every span, so the hot path creates no per-string closure: the location of a value is
 * passed as plain strings and turned into a Location only when explain collects records.
 */
export class TextRedactor {
  constructor(
    readonly scanner: Scanner,
    readonly actions: ActionTable,
  ) {}

  /** Whether `text` holds anything this policy would redact. */
  finds(text: string): boolean {
    return text.length > 0 && this.scanner.scan(text).length > 0;
  }

  /**
   * Replaces every finding in `text`; returns `text` itself when nothing was found, so callers tell
   * "unchanged" by identity. `field` and `jsonPath` are read only when `acc` collects records.
   */
  redact(text: string, acc: RedactionAccount, field: string, jsonPath: string | undefined): string {
    if (text.length === 0) return text;
    const findings = this.scanner.scan(text, acc.hints);
    if (findings.length === 0) return text;
    return this.apply(text, findings, acc, field, jsonPath);
  }

  /**
   * Like `redact`, for the string value of a JSON object member. The value is scanned on its own (so
   * anchored custom patterns such as `^[0-9]{6}$` still see just the value) and, when the key names the
   * kind of context detectors rely on (`"phone": "40.67.09.27"`, `"password": "…"`), also as
   * `key: value`, the way it would read in prose or in `key=value` config. Only what lies in the value
   * is redacted (the key is redacted on its own).
   */
  redactMember(key: string, text: string, acc: RedactionAccount, field: string, jsonPath: string | undefined): string {
    if (!isContextKey(key)) return this.redact(text, acc, field, jsonPath);
    if (text.length === 0) return text;
    const alone = this.scanner.scan(text, acc.hints);
    const offset = key.length + 2;
    const withKey: Finding[] = [];
    for (const f of this.scanner.scan(`${key}: ${text}`, acc.hints)) {
      if (f.end > offset) withKey.push({ ...f, start: Math.max(0, f.start - offset), end: f.end - offset });
    }
    if (withKey.length === 0) return alone.length === 0 ? text : this.apply(text, alone, acc, field, jsonPath);
    return this.apply(text, mergeFindings([...alone, ...withKey]), acc, field, jsonPath);
  }

  /** Replaces sorted, non-overlapping findings. */
  private apply(text: string, findings: readonly Finding[], acc: RedactionAccount, field: string, jsonPath: string | undefined): string {
    const location: Location = acc.records === undefined ? NO_LOCATION : jsonPath === undefined ? { field } : { field, jsonPath };
    let out = '';
    let pos = 0;
    for (const f of findings) {
      const { start, end } = f;
      if (start < pos) continue; // the scanner promises no overlaps; never emit a value twice if one slips
      const action = this.actions.actionFor(f.entity);
      const replacement = replacementFor(action, f.entity, text.slice(start, end));
      if (action.kind === 'drop_span') acc.dropSpan = true;
      else if (action.kind === 'drop_attribute') acc.dropAttribute = true;
      acc.note(f, action, location, replacement);
      out += text.slice(pos, start) + replacement;
      pos = end;
    }
    return out + text.slice(pos);
  }
}

/** Longer keys are not data labels but data: their value is scanned without them. */
const MAX_CONTEXT_KEY = 64;

/**
 * Keys naming the context detectors read before a value: phone words, secret and credential words,
 * SSN and account words. Any other key adds nothing a detector would use, so it costs no second scan.
 */
const CONTEXT_KEY =
  /phone|tel|mobile|cell|fax|contact|number|pass|pwd|secret|token|key|credential|auth|ssn|social|iban|account|card|name|author|customer|assignee|reporter|patient|recipient|sender|attendee|organi[sz]er|signed|owner|^(?:from|to|cc|user)$|birth|dob|passport|licen[cs]e|routing|address|street|ship|bill/i;

/**
 * Whether `key` names context, remembered per key: JSON documents repeat the same few member names
 * (role, content, type) on every span. Bounded (emptied when full).
 */
const contextKeys = new Map<string, boolean>();
const MAX_CONTEXT_KEYS = 1024;
function isContextKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_CONTEXT_KEY) return false;
  let known = contextKeys.get(key);
  if (known === undefined) {
    known = CONTEXT_KEY.test(key);
    if (contextKeys.size >= MAX_CONTEXT_KEYS) contextKeys.clear();
    contextKeys.set(key, known);
  }
  return known;
}

const NO_LOCATION: Location = Object.freeze({ field: '' });
