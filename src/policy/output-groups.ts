/**
 * Collects the records of one output (class × tenant) in the resource → scope structure they came in:
 * records arrive in input order, so "same resource/scope group as the last one" is all the grouping
 * needed, and each output names every resource and scope once.
 */
import type { InstrumentationScope, Resource } from '../otlp/model.js';
import type { ExportClass } from './types.js';

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
  ) {}

  /**
   * `inResource` and `inScope` are the input groups (identity decides "same group"); `resource` and
   * `scope` are what to write for them (their redacted copies).
   */
  add(inResource: ResourceGroup<unknown>, resource: Resource, inScope: ScopeGroup<unknown>, scope: InstrumentationScope, record: R): void {
    if (this.#lastRsKey !== inResource) {
      this.#lastRs = { resource, schemaUrl: inResource.schemaUrl, scopes: [] };
      this.groups.push(this.#lastRs);
      this.#lastRsKey = inResource;
      this.#lastSsKey = undefined;
    }
    if (this.#lastSsKey !== inScope) {
      this.#lastSs = { scope, schemaUrl: inScope.schemaUrl, records: [] };
      this.#lastRs!.scopes.push(this.#lastSs);
      this.#lastSsKey = inScope;
    }
    this.#lastSs!.records.push(record);
    this.count++;
  }
}
