/**
 * Custody stamps (design.md, "What every exported span carries"). Custody is ours to state, a producer
 * must not be able to forge it: the scanner drops a client's `loopgate.*` attributes at every level
 * (redact-record.ts), and any left on the span are removed here once more before the stamps are added.
 *
 * The stamps of one class, rule, policy version and retention are the same on every record, so they
 * are made and encoded once (Stamps caches them, per compiled policy) and copied into each export
 * body as bytes (otlp/wire-key-value.ts); so is the redaction count for the small counts most records
 * have.
 */
import { int, str, type AnyValue, type KeyValue } from '../otlp/model.js';
import { preEncodedKeyValue } from '../otlp/proto-encode.js';
import { STAMP, type ExportClass } from './types.js';

export const RETENTION_KEY = 'loopgate.retention';

/** Distinct (class, rule, retention) stamp sets kept before the cache is emptied. */
const MAX_STAMP_SETS = 1024;
/** Redaction counts below this are pre-encoded; larger ones are encoded with their record. */
const ENCODED_COUNTS = 256;

export class Stamps {
  readonly #sets = new Map<string, { head: readonly KeyValue[]; tail: readonly KeyValue[] }>();
  readonly #counts: KeyValue[] = [];

  constructor(private readonly version: string) {}

  /** `attrs` without any `loopgate.*` attribute, then the stamps. */
  stamp(attrs: readonly KeyValue[], cls: ExportClass, rule: string, redactions: number, retention: string | undefined): KeyValue[] {
    const key = retention === undefined ? `${cls}\u0000${rule}` : `${cls}\u0000${rule}\u0000${retention}`;
    let set = this.#sets.get(key);
    if (set === undefined) {
      if (this.#sets.size >= MAX_STAMP_SETS) this.#sets.clear();
      const kv = (k: string, v: AnyValue): KeyValue => preEncodedKeyValue(k, v);
      set = {
        head: [kv(STAMP.class, str(cls)), kv(STAMP.rule, str(rule)), kv(STAMP.policyVersion, str(this.version))],
        tail: retention === undefined ? [] : [kv(RETENTION_KEY, str(retention))],
      };
      this.#sets.set(key, set);
    }
    const out: KeyValue[] = [];
    for (const kv of attrs) if (!kv.key.startsWith('loopgate.')) out.push(kv);
    for (const kv of set.head) out.push(kv);
    out.push(this.#count(redactions));
    for (const kv of set.tail) out.push(kv);
    return out;
  }

  #count(n: number): KeyValue {
    if (n >= ENCODED_COUNTS) return { key: STAMP.redactions, value: int(n) };
    return (this.#counts[n] ??= preEncodedKeyValue(STAMP.redactions, int(n)));
  }
}
