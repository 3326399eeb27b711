/**
 * Redaction of one string and the per-span accumulator that records what was done.
 *
 * The accumulator is the only object allocated per span; a string with no finding costs one scan and
 * returns the same string reference, so callers can tell "unchanged" by identity and share it.
 * Records only ever hold the placeholder written, never the value found (SpanDecision's promise).
 */
import type { EntityName, Finding, Scanner } from './detect/types.js';
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
  entities: Set<EntityName> | undefined;
  /** Per-entity counts; undefined until something is found. */
  byEntity: Map<EntityName, number> | undefined;
  /** Only collected for explain/test; never holds a detected value. */
  readonly records: RedactionRecord[] | undefined;

  constructor(explain: boolean) {
    this.records = explain ? [] : undefined;
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
    const findings = this.scanner.scan(text);
    if (findings.length === 0) return text;
    const location: Location = acc.records === undefined ? NO_LOCATION : jsonPath === undefined ? { field } : { field, jsonPath };
    let out = '';
    let pos = 0;
    for (const f of findings) {
      if (f.start < pos) continue; // the scanner promises no overlaps; never emit a value twice if one slips
      const action = this.actions.actionFor(f.entity);
      const replacement = replacementFor(action, f.entity, text.slice(f.start, f.end));
      if (action.kind === 'drop_span') acc.dropSpan = true;
      else if (action.kind === 'drop_attribute') acc.dropAttribute = true;
      acc.note(f, action, location, replacement);
      out += text.slice(pos, f.start) + replacement;
      pos = f.end;
    }
    return out + text.slice(pos);
  }
}

const NO_LOCATION: Location = Object.freeze({ field: '' });
