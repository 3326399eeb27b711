/**
 * A KeyValue that still knows the protobuf bytes it was decoded from, so an encoder can copy them
 * instead of encoding the pair again ("encode only what changed", issue #10.4).
 *
 * Why it is safe to splice:
 * - The bytes are the body of a KeyValue message whose decoding is exactly this pair under standard
 *   protobuf semantics. The decoder keeps them only for a regular message (proto-decoder.ts,
 *   `irregular`): no unknown field, no field sent twice, at most one AnyValue oneof member, no string
 *   with invalid UTF-8 (which would travel as the raw bytes rather than as the U+FFFD that was
 *   scanned). Anything else is re-encoded from the model, which is what was scanned.
 * - The model is copy-on-write (policy/redact-record.ts): a redacted pair is a new plain object, never this
 *   one changed in place, so identity means "unchanged". `key` and `value` are read-only here.
 * - The source travels in private fields, which object spread does not copy: `{ ...kv, value }` is a
 *   plain KeyValue with no bytes, so a redacted copy can never be written with the original bytes.
 *
 * The bytes pin the request body they point into while the model lives (one request's processing).
 */
import type { AnyValue, KeyValue } from './model.js';

export class WireKeyValue implements KeyValue {
  readonly #buf: Uint8Array;
  readonly #start: number;
  readonly #end: number;

  constructor(
    readonly key: string,
    readonly value: AnyValue,
    buf: Uint8Array,
    start: number,
    end: number,
  ) {
    this.#buf = buf;
    this.#start = start;
    this.#end = end;
  }

  /** Length of the KeyValue message body. */
  get wireLength(): number {
    return this.#end - this.#start;
  }

  /** Copies the message body into `out` at `at`; returns the offset after it. */
  copyTo(out: Uint8Array, at: number): number {
    const buf = this.#buf;
    const start = this.#start;
    const n = this.#end - start;
    // a body transferred or detached since it was decoded must fail the encode, never write zeros
    if (this.#end > buf.length) throw new Error('the bytes an attribute was decoded from are gone');
    if (n < 48) {
      for (let i = 0; i < n; i++) out[at + i] = buf[start + i]!;
    } else out.set(buf.subarray(start, this.#end), at);
    return at + n;
  }
}
