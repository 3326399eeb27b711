/**
 * What the protobuf decoders of the three signals share (decode-protobuf.ts for traces,
 * decode-logs-protobuf.ts, decode-metrics-protobuf.ts): the messages of common/v1/common.proto and
 * resource/v1/resource.proto, the id and wire-type checks, and the entry point that turns a
 * `DecodeFailure` into `{ ok: false, error }`.
 *
 * The rules every signal's decoder follows (attacker-controlled input is the normal case):
 * - every read is bounds-checked, and errors name the field path
 *   (`resource_logs[0].scope_logs[1].log_records[3]: truncated length-delimited field`);
 * - a known field with the wrong wire type is an error; unknown fields are skipped by wire type;
 * - AnyValue nesting is bounded by `limits.maxDepth`, checked before descending, so the recursion depth
 *   is bounded by the limit and never by the input;
 * - every element built is charged to a DecodeBudget (limits.ts) before it is kept, so a small body
 *   cannot decode to unbounded memory (20 MiB of empty links is refused after the budget's worth);
 * - a message field that occurs twice is merged into the first, as protobuf parsers do.
 */
import type { DecodeLimits } from './codec.js';
import { bytesToHex } from './hex.js';
import { budgetFor, DECODED_COST, effectiveMaxDepth, nestingError, type DecodeBudget } from './limits.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model.js';
import { AnyValueField, KeyValueField, ListField, ResourceField, ScopeField, WireType } from './proto-fields.js';
import { DecodeFailure, failWithin, overrun, ProtoReader, wrongWireType } from './proto-reader.js';
import { WireKeyValue } from './wire-key-value.js';

/** `refusal` is set when the body was over a size budget rather than malformed (limits.ts). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string; refusal?: 'too_large' | 'busy' };

/**
 * Runs a decoder over `body`; exceptions never leave the codec (design principle 6). `budget`: what
 * the decoded model may cost (default: one of `limits.maxDecodedBytes`).
 */
export function decodeWith<T, D extends ProtoDecoder>(
  body: Uint8Array,
  limits: DecodeLimits,
  budget: DecodeBudget | undefined,
  make: (r: ProtoReader, maxDepth: number, budget: DecodeBudget) => D,
  run: (d: D) => T,
): Decoded<T> {
  try {
    const reader = new ProtoReader(body);
    const b = budget ?? budgetFor(limits);
    // the budget also weighs what was built against how far the body has been read (limits.ts)
    b.track(() => reader.pos);
    return { ok: true, value: run(make(reader, effectiveMaxDepth(limits), b)) };
  } catch (e) {
    if (e instanceof DecodeFailure) return e.refusal ? { ok: false, error: e.message, refusal: e.refusal } : { ok: false, error: e.message };
    // Not reachable by design; kept so a bug can never surface as an exception to the receiver.
    if (e instanceof RangeError) return { ok: false, error: 'request too deeply nested' };
    return { ok: false, error: `malformed protobuf: ${e instanceof Error ? e.name : 'error'}` };
  }
}

const EMPTY_VALUE: AnyValue = Object.freeze({ kind: 'empty' });

export class ProtoDecoder {
  /**
   * Counts what makes a message's bytes decode to something other than its model under standard
   * protobuf semantics (an unknown field, a field sent twice, two members of a oneof, a string with
   * invalid UTF-8): an attribute whose bytes saw none of these keeps them (wire-key-value.ts).
   */
  protected irregular = 0;

  constructor(
    protected readonly r: ProtoReader,
    protected readonly maxDepth: number,
    protected readonly budget: DecodeBudget,
  ) {}

  /**
   * A string field, charged once read: its size is its bytes on the wire (no amplification), and the
   * budget weighs it against a position past it.
   */
  protected str(end: number): string {
    const n = end - this.r.pos;
    const s = this.r.string(end);
    if (n > 0) {
      this.budget.charge(n + DECODED_COST.string);
      // U+FFFD: maybe a replaced invalid sequence (a one-byte string never holds it: no search then)
      if (s.indexOf('\uFFFD') !== -1) this.irregular++;
    }
    return s;
  }

  /** Checks the wire type of a known field (a mismatch is malformed input, not an unknown field). */
  protected expect(tag: number, wt: number, name: string): void {
    if ((tag & 7) !== wt) throw wrongWireType(name, tag & 7, wt);
  }

  protected end(end: number): void {
    if (this.r.pos !== end) throw overrun();
  }

  /**
   * Decodes one embedded message with `decode`; a failure inside it gets `name[index]` (or `name` when
   * index < 0) in its path, built only then.
   */
  protected within<T>(end: number, name: string, index: number, decode: (end: number) => T): T {
    try {
      return decode(end);
    } catch (err) {
      failWithin(err, index < 0 ? name : `${name}[${index}]`);
    }
  }

  /** Reads an id field of `size` bytes (or empty when `allowEmpty`) as lowercase hex. */
  protected id(end: number, name: string, size: number, allowEmpty: boolean): string {
    const r = this.r;
    const n = end - r.pos;
    if (n !== size && !(allowEmpty && n === 0)) {
      throw new DecodeFailure(`invalid ${name}: ${size} bytes expected, got ${n}`);
    }
    if (n > 0) this.budget.charge(2 * n + DECODED_COST.string);
    const hex = bytesToHex(r.buf, r.pos, end);
    r.pos = end;
    return hex;
  }

  protected resource(end: number, into: Resource): void {
    const r = this.r;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ResourceField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), into.attributes);
          break;
        case ResourceField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          into.droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
  }

  protected scope(end: number, into: InstrumentationScope): void {
    const r = this.r;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case ScopeField.NAME:
          this.expect(tag, WireType.LEN, 'name');
          into.name = this.str(r.lengthEnd(end));
          break;
        case ScopeField.VERSION:
          this.expect(tag, WireType.LEN, 'version');
          into.version = this.str(r.lengthEnd(end));
          break;
        case ScopeField.ATTRIBUTES:
          this.expect(tag, WireType.LEN, 'attributes');
          this.attribute(r.lengthEnd(end), into.attributes);
          break;
        case ScopeField.DROPPED_ATTRIBUTES_COUNT:
          this.expect(tag, WireType.VARINT, 'dropped_attributes_count');
          into.droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
  }

  /**
   * Decodes one KeyValue of an attribute list and appends it; failures name the attribute index. A
   * regular one keeps its bytes, for encoders to copy while it is unchanged (wire-key-value.ts).
   */
  protected attribute(end: number, into: KeyValue[], name = 'attributes'): void {
    const start = this.r.pos;
    const before = this.irregular;
    try {
      this.keyValueFields(end, 0);
    } catch (err) {
      failWithin(err, `${name}[${into.length}]`);
    }
    into.push(this.irregular === before ? new WireKeyValue(this.kvKey, this.kvValue, this.r.buf, start, end) : { key: this.kvKey, value: this.kvValue });
  }

  /** Set by keyValueFields: the pair just read. */
  private kvKey = '';
  private kvValue: AnyValue = EMPTY_VALUE;

  /** `depth` counts the arrays/kvlists enclosing this KeyValue. */
  protected keyValue(end: number, depth: number): KeyValue {
    this.keyValueFields(end, depth);
    return { key: this.kvKey, value: this.kvValue };
  }

  private keyValueFields(end: number, depth: number): void {
    const r = this.r;
    this.budget.charge(DECODED_COST.keyValue);
    let key = '';
    let value: AnyValue | undefined;
    let seen = 0;
    while (r.pos < end) {
      const tag = r.tag();
      switch (tag >>> 3) {
        case KeyValueField.KEY:
          this.expect(tag, WireType.LEN, 'key');
          if ((seen & 1) !== 0) this.irregular++;
          seen |= 1;
          key = this.str(r.lengthEnd(end));
          break;
        case KeyValueField.VALUE:
          this.expect(tag, WireType.LEN, 'value');
          // a second value message would be merged into the first by a standard parser
          if ((seen & 2) !== 0) this.irregular++;
          seen |= 2;
          value = this.anyValue(r.lengthEnd(end), depth);
          break;
        default:
          this.irregular++;
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    this.kvKey = key;
    this.kvValue = value ?? { kind: 'empty' };
  }

  /**
   * `depth` counts the arrays/kvlists enclosing this value. Entering one more checks the limit first,
   * so this recursion (anyValue → list → anyValue) is at most maxDepth levels deep.
   */
  protected anyValue(end: number, depth: number): AnyValue {
    const r = this.r;
    this.budget.charge(DECODED_COST.anyValue);
    // The oneof's last field on the wire wins (protobuf encoding spec, "Oneofs").
    let v: AnyValue = { kind: 'empty' };
    let members = 0;
    while (r.pos < end) {
      const tag = r.tag();
      if (++members === 2) this.irregular++;
      switch (tag >>> 3) {
        case AnyValueField.STRING:
          this.expect(tag, WireType.LEN, 'string_value');
          v = { kind: 'string', value: this.str(r.lengthEnd(end)) };
          break;
        case AnyValueField.BOOL:
          this.expect(tag, WireType.VARINT, 'bool_value');
          v = { kind: 'bool', value: r.bool() };
          break;
        case AnyValueField.INT:
          this.expect(tag, WireType.VARINT, 'int_value');
          v = { kind: 'int', value: r.int64() };
          break;
        case AnyValueField.DOUBLE:
          this.expect(tag, WireType.I64, 'double_value');
          v = { kind: 'double', value: r.double() };
          break;
        case AnyValueField.ARRAY: {
          this.expect(tag, WireType.LEN, 'array_value');
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          v = { kind: 'array', values: this.arrayValues(r.lengthEnd(end), depth + 1) };
          break;
        }
        case AnyValueField.KVLIST: {
          this.expect(tag, WireType.LEN, 'kvlist_value');
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          v = { kind: 'kvlist', values: this.kvlistValues(r.lengthEnd(end), depth + 1) };
          break;
        }
        case AnyValueField.BYTES: {
          this.expect(tag, WireType.LEN, 'bytes_value');
          const e = r.lengthEnd(end);
          const n = e - r.pos;
          v = { kind: 'bytes', value: r.bytes(e) };
          this.budget.charge(n + DECODED_COST.bytes);
          break;
        }
        default:
          this.irregular++;
          r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return v;
  }

  private arrayValues(end: number, depth: number): AnyValue[] {
    const r = this.r;
    const values: AnyValue[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag >>> 3 === ListField.VALUES) {
        this.expect(tag, WireType.LEN, 'values');
        values.push(this.anyValue(r.lengthEnd(end), depth));
      } else {
        this.irregular++;
        r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return values;
  }

  private kvlistValues(end: number, depth: number): KeyValue[] {
    const r = this.r;
    const values: KeyValue[] = [];
    while (r.pos < end) {
      const tag = r.tag();
      if (tag >>> 3 === ListField.VALUES) {
        this.expect(tag, WireType.LEN, 'values');
        values.push(this.keyValue(r.lengthEnd(end), depth));
      } else {
        this.irregular++;
        r.skip(tag & 7, end);
      }
    }
    this.end(end);
    return values;
  }
}
