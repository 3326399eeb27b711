/**
 * What one request's processing counts: records received, rejected (with reasons) and discarded (with
 * reasons), and redactions per entity; and the ProcessResult made of them. Every record is counted
 * once: exported, discarded or rejected (principle 2).
 */
import type { RecordSignal } from './conditions.js';
import { rejectionMessage } from './decisions.js';
import type { EntityName } from './detect/types.js';
import type { RedactedPart } from './redacted-part.js';
import type { RedactionAccount } from './redact.js';
import type { ClassOutput, DiscardReason, ProcessResult, RejectReason } from './types.js';

export class RequestTally {
  received = 0;
  readonly #discarded: Partial<Record<DiscardReason, number>> = {};
  readonly #rejectedReasons: Partial<Record<RejectReason, number>> = {};
  #rejected = 0;
  readonly #byEntity: Record<EntityName, number> = {};

  discard(reason: DiscardReason, n = 1): void {
    this.#discarded[reason] = (this.#discarded[reason] ?? 0) + n;
  }

  reject(reason: RejectReason, n = 1): void {
    this.#rejected += n;
    this.#rejectedReasons[reason] = (this.#rejectedReasons[reason] ?? 0) + n;
  }

  /** A record's redactions (exported, or dropped by a drop_span action). */
  addEntities(acc: RedactionAccount): void {
    if (acc.byEntity) for (const [e, n] of acc.byEntity) this.#byEntity[e] = (this.#byEntity[e] ?? 0) + n;
  }

  /** A resource's or scope's findings count once, if it was redacted (deciding first: if exported). */
  addPart(part: RedactedPart<unknown>): void {
    const done = part.done;
    if (done !== undefined) this.addEntities(done.acc);
  }

  result(signal: RecordSignal, outputs: ClassOutput[]): ProcessResult {
    return {
      outputs,
      received: this.received,
      rejected: { count: this.#rejected, reasons: this.#rejectedReasons, message: this.#rejected === 0 ? '' : rejectionMessage(signal, this.#rejectedReasons) },
      discarded: this.#discarded,
      redactionsByEntity: this.#byEntity,
    };
  }
}
