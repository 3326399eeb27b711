/**
 * Collects the records of one output (class × tenant) in the resource → scope structure they came in:
 * records arrive in input order, so "same resource/scope group as the last one" is all the grouping
 * needed, and each output names every resource and scope once.
 */
import type { InstrumentationScope, Resource } from '../otlp/model.js';
import type { CapRequest, ExportClass } from './types.js';

export interface ScopeGroup<R> {
  scope: InstrumentationScope;
  schemaUrl: string;
  records: R[];
}

export interface ResourceGroup<R> {
  resource: Resource;
  schemaUrl: string;
  scopes: ScopeGroup<R>[];
}

export class OutputBuilder<R, C extends ExportClass | undefined = ExportClass> {
  readonly groups: ResourceGroup<R>[] = [];
  count = 0;
  #lastRsKey: unknown;
  #lastRs: ResourceGroup<R> | undefined;
  #lastSsKey: unknown;
  #lastSs: ScopeGroup<R> | undefined;

  constructor(
    readonly cls: C,
    readonly tenant: string | undefined,
    /** Its index in the result's outputs. */
    readonly index: number,
  ) {}

  /**
   * `inResource` and `inScope` are the input groups (identity decides "same group"); `resource`,
   * `scope` and the schema URLs are what to write for them (their redacted copies).
   */
  add(inResource: ResourceGroup<unknown>, resource: Resource, rsSchemaUrl: string, inScope: ScopeGroup<unknown>, scope: InstrumentationScope, ssSchemaUrl: string, record: R): void {
    if (this.#lastRsKey !== inResource) {
      this.#lastRs = { resource, schemaUrl: rsSchemaUrl, scopes: [] };
      this.groups.push(this.#lastRs);
      this.#lastRsKey = inResource;
      this.#lastSsKey = undefined;
    }
    if (this.#lastSsKey !== inScope) {
      this.#lastSs = { scope, schemaUrl: ssSchemaUrl, records: [] };
      this.#lastRs!.scopes.push(this.#lastSs);
      this.#lastSsKey = inScope;
    }
    this.#lastSs!.records.push(record);
    this.count++;
  }

  /** Where the record added last sits (for its CapRequest). */
  lastAdded(): CapRequest['at'] {
    return {
      output: this.index,
      resource: this.groups.length - 1,
      scope: this.#lastRs!.scopes.length - 1,
      span: this.#lastSs!.records.length - 1,
    };
  }
}

/** A request's outputs, one per (class, tenant), in the order their first record arrived. */
export class OutputGroups<R> {
  readonly #byKey = new Map<string, OutputBuilder<R>>();

  for(cls: ExportClass, tenant: string | undefined): OutputBuilder<R> {
    const key = tenant === undefined ? cls : `${cls}\u0000${tenant}`;
    let out = this.#byKey.get(key);
    if (out === undefined) {
      out = new OutputBuilder<R>(cls, tenant, this.#byKey.size);
      this.#byKey.set(key, out);
    }
    return out;
  }

  builders(): OutputBuilder<R>[] {
    return [...this.#byKey.values()];
  }
}
