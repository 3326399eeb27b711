/**
 * Redaction orchestration for what records share: a resource (or scope) and its schema URL are
 * redacted at most once per request, however many records under it are exported, and, when the
 * engine decides before scanning, only once the first of them is to be exported. A part that fails to
 * redact fails its records (fail closed), never forwards them unredacted.
 */
import type { InstrumentationScope, Resource } from '../otlp/model.js';
import type { RecordRedactor } from './redact-record.js';
import { RedactionAccount } from './redact.js';

export interface Redacted<T> {
  value: T;
  schemaUrl: string;
  acc: RedactionAccount;
}

/** A resource or scope with its schema URL, redacted at most once, when first asked for. */
export class RedactedPart<T> {
  #state: 'pending' | 'done' | 'failed' = 'pending';
  #done: Redacted<T> | undefined;

  constructor(private readonly redact: () => Redacted<T>) {}

  /** The redacted part; undefined when redacting it threw (its records fail closed). */
  get(): Redacted<T> | undefined {
    if (this.#state === 'pending') {
      try {
        this.#done = this.redact();
        this.#state = 'done';
      } catch {
        this.#state = 'failed';
      }
    }
    return this.#done;
  }

  /** The redacted part if it was asked for and succeeded, without redacting it now. */
  get done(): Redacted<T> | undefined {
    return this.#done;
  }
}

export function redactedResource(redactor: RecordRedactor, resource: Resource, schemaUrl: string, explain: boolean): RedactedPart<Resource> {
  return new RedactedPart(() => {
    const acc = new RedactionAccount(explain);
    const value = redactor.resource(resource, acc);
    return { value, schemaUrl: redactor.field(schemaUrl, 'resource.schema_url', acc), acc };
  });
}

export function redactedScope(redactor: RecordRedactor, scope: InstrumentationScope, schemaUrl: string, explain: boolean): RedactedPart<InstrumentationScope> {
  return new RedactedPart(() => {
    const acc = new RedactionAccount(explain);
    const value = redactor.scope(scope, acc);
    return { value, schemaUrl: redactor.field(schemaUrl, 'scope.schema_url', acc), acc };
  });
}

/** No entity found (shared; never modified). */
export const NO_ENTITIES: ReadonlySet<string> = new Set();

/** The entities found in a record with those of its resource and scope (what `detected` conditions read). */
export function entitiesOf(record: RedactionAccount, resource: RedactionAccount, scope: RedactionAccount): ReadonlySet<string> {
  const own = record.entities ?? NO_ENTITIES;
  if (resource.entities === undefined && scope.entities === undefined) return own;
  return new Set([...own, ...(resource.entities ?? []), ...(scope.entities ?? [])]);
}
