/**
 * Redaction of one string and the per-span accumulator that records what was done.
 *
 * The accumulator is the only object allocated per span; a string with no finding costs one scan and
 * returns the same string reference, so callers can tell "unchanged" by identity and share it.
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
      if (action.kind !== 'drop_attribute' && action.kind !== 'drop_span') r.replacement = replacement;
      this.records.push(r);
    }
  }
}

/**
 * Replaces every finding in `text`. Returns `text` itself when nothing was found. `where` builds the
 * location lazily, only when explain is on.
 */
export function redactText(
  text: string,
  scanner: Scanner,
  actions: ActionTable,
  acc: RedactionAccount,
  where: () => Location,
): string {
  if (text.length === 0) return text;
  const findings = scanner.scan(text);
  if (findings.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const f of findings) {
    if (f.start < pos) continue; // the scanner promises no overlaps; never emit a value twice if one slips
    const action = actions.actionFor(f.entity);
    const value = text.slice(f.start, f.end);
    const replacement = replacementFor(action, f.entity, value);
    if (action.kind === 'drop_span') acc.dropSpan = true;
    else if (action.kind === 'drop_attribute') acc.dropAttribute = true;
    acc.note(f, action, acc.records ? where() : NO_LOCATION, replacement);
    out += text.slice(pos, f.start) + replacement;
    pos = f.end;
  }
  return out + text.slice(pos);
}

const NO_LOCATION: Location = { field: '' };
