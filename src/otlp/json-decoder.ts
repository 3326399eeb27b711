/**
 * What the OTLP/JSON decoders of the three signals share (decode-json.ts for traces,
 * decode-logs-json.ts, decode-metrics-json.ts): the proto3 JSON mapping of scalars as the OTLP spec
 * narrows it (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding), the common/v1 and
 * resource/v1 messages, and the entry point.
 *
 * Lenient where the proto3 JSON mapping allows it:
 * - trace/span ids are hex strings (not base64), either case;
 * - 64-bit integers are accepted as decimal strings or JSON numbers. JSON.parse turns numbers into
 *   doubles, so a number above 2^53 has already lost precision before we see it: senders that need
 *   exact values send strings, as the mapping recommends (and as our encoders do);
 * - enums are integers, or their names;
 * - field names are lowerCamelCase, or the proto's snake_case; unknown fields are ignored; `null`
 *   means "not set";
 * - doubles are numbers, or the strings "NaN", "Infinity", "-Infinity" (or a numeric string);
 * - bytes values are base64 (standard or URL-safe alphabet).
 * The body is parsed with JSON.parse (iterative in V8, so deep nesting cannot overflow the stack) and
 * then walked; AnyValue nesting is bounded by `limits.maxDepth`, checked before descending.
 *
 * Memory is bounded before it is taken (limits.ts, DecodeBudget): one linear pass over the text
 * charges what JSON.parse's tree will hold (objects, arrays, members, strings) before JSON.parse runs,
 * and each model element is charged as it is built (strings are shared with the tree, not copied).
 */
import { Buffer } from 'node:buffer';
import type { DecodeLimits } from './codec.js';
import { DecodeFailure, failWithin } from './decode-failure.js';
import { canonicalHex, isHex } from './hex.js';
import { budgetFor, DECODED_COST, effectiveMaxDepth, nestingError, type DecodeBudget } from './limits.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from './model.js';
import type { Decoded } from './proto-decoder.js';

/**
 * Parses `body` as JSON and runs `run` over its root object; `request` names the message in the error
 * for a root that is not an object. `budget`: what the decoded model may cost (default: one of
 * `limits.maxDecodedBytes`). Exceptions never leave the codec.
 */
export function decodeJsonWith<T>(
  body: Uint8Array | string,
  limits: DecodeLimits,
  budget: DecodeBudget | undefined,
  request: string,
  run: (root: JsonObject, maxDepth: number, budget: DecodeBudget) => T,
): Decoded<T> {
  try {
    const b = budget ?? budgetFor(limits);
    let text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark is not JSON
    // the text (its length: its size as a one-byte string) and what JSON.parse will build of it:
    // when even the most the tree can cost per character fits (most requests: up to ~240 KB), that
    // is charged without reading the text; otherwise a pre-scan charges it as it reads, so a body of
    // `{}`s is refused a few hundred KB in
    const position = { at: text.length };
    b.track(() => position.at);
    let treeCost: number;
    if (b.fits(text.length * (1 + MAX_TREE_COST_PER_CHAR))) {
      treeCost = text.length * MAX_TREE_COST_PER_CHAR;
      b.charge(text.length + treeCost);
    } else {
      position.at = 0;
      treeCost = chargeParseTree(text, b, position);
    }
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the input; errors never carry payload text.
      return { ok: false, error: 'body is not valid JSON' };
    }
    if (!isObject(root)) return { ok: false, error: `body must be a JSON object (${request})` };
    const value = run(root, effectiveMaxDepth(limits), b);
    // the tree's structure is garbage now; its strings live on in the model (charged with the text)
    b.refund(treeCost);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof DecodeFailure) return e.refusal ? { ok: false, error: e.message, refusal: e.refusal } : { ok: false, error: e.message };
    if (e instanceof RangeError) return { ok: false, error: 'request too deeply nested' };
    return { ok: false, error: `malformed JSON request: ${e instanceof Error ? e.name : 'error'}` };
  }
}

export type JsonObject = Record<string, unknown>;

/**
 * Heap JSON.parse's tree holds, per token, from measurements on Node 20 (parse a million of each and
 * divide the heap growth): `{}` 64, `[]` 40, an array slot 8, a string 24 plus its characters (charged
 * with the text), an object member whose key is seen nowhere else about 100 (`{"k123":1}` is 184).
 * Safe for hostile shapes; real OTLP/JSON, whose keys repeat, is charged about 3× what it takes.
 */
const TREE_COST = { object: 64, array: 40, slot: 8, string: 24, member: 48 } as const;

/**
 * The most TREE_COST charges per character of well-formed JSON: an object is at least its two
 * braces (32 a character); every other token costs less per character it needs (a member `"":0`
 * with its separator is 80 for 5, nesting `{"":{}}` 200 for 7). Pinned by a property test.
 */
export const MAX_TREE_COST_PER_CHAR = TREE_COST.object / 2;

/** Whether the quote at `q` is escaped: an odd number of backslashes right before it. */
function escaped(text: string, q: number): boolean {
  let k = q - 1;
  while (k >= 0 && text.charCodeAt(k) === 0x5c) k--;
  return (q - 1 - k) % 2 === 1;
}

/** Characters the pre-scan reads between charges. */
const PRESCAN_STRIDE = 64 * 1024;

/**
 * Charges `budget` with the text and what JSON.parse will allocate for it, estimated in one pass
 * that tells strings from structure, a stride at a time with `position.at` at the stride's end.
 * Linear, no allocation; malformed text just gets an estimate, and JSON.parse refuses it afterwards.
 * Returns the tree's part of the charge (refunded once the tree is garbage).
 */
export function chargeParseTree(text: string, budget: DecodeBudget, position: { at: number }): number {
  let tree = 0;
  let cost = 0;
  let last = 0; // where the text was charged up to
  let next = PRESCAN_STRIDE;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (i >= next) {
      position.at = i;
      budget.charge(cost + (i - last));
      tree += cost;
      cost = 0;
      last = i;
      next = i + PRESCAN_STRIDE;
    }
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: jump to its closing quote (indexOf is much faster than a loop over the
      // characters, and strings are most of a GenAI request); a quote after an odd run of
      // backslashes is escaped
      cost += TREE_COST.string;
      let q = text.indexOf('"', i + 1);
      while (q > 0 && escaped(text, q)) q = text.indexOf('"', q + 1);
      i = q < 0 ? n : q;
    } else if (c === 0x7b) cost += TREE_COST.object;
    else if (c === 0x5b) cost += TREE_COST.array;
    else if (c === 0x2c) cost += TREE_COST.slot;
    else if (c === 0x3a) cost += TREE_COST.member;
  }
  position.at = n;
  budget.charge(cost + (n - last));
  return tree + cost;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- scalar fields: `null`/absent means the proto3 default ----

export function object(v: unknown, name: string): JsonObject | undefined {
  if (v === null || v === undefined) return undefined;
  if (!isObject(v)) throw new DecodeFailure(`${name}: object expected`);
  return v;
}

export function array(v: unknown, name: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new DecodeFailure(`${name}: array expected`);
  return v;
}

export function string(v: unknown, name: string): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  throw new DecodeFailure(`${name}: string expected`);
}

const UINT_RE = /^[0-9]+$/;
const INT_RE = /^-?[0-9]+$/;
const MAX_UINT32 = 0xffffffff;
const MAX_UINT64 = 0xffffffffffffffffn;
const MIN_INT64 = -0x8000000000000000n;
const MAX_INT64 = 0x7fffffffffffffffn;

/** uint32 (counts) and fixed32 (flags): a number or a decimal string in [0, 2^32). */
export function uint32(v: unknown, name: string): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'string' && UINT_RE.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_UINT32) return n;
  throw new DecodeFailure(`${name}: unsigned 32-bit integer expected`);
}

/** An enum: its integer (int32), or one of its names. */
export function enumValue(v: unknown, name: string, names: Readonly<Record<string, number>>): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') {
    const byName = names[v];
    if (byName !== undefined && Object.hasOwn(names, v)) return byName;
    if (!INT_RE.test(v)) throw new DecodeFailure(`${name}: unknown enum value`);
    v = Number(v);
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return v;
  throw new DecodeFailure(`${name}: enum integer expected`);
}

/** An int32 or sint32: a number or a decimal string in [-2^31, 2^31). */
export function int32(v: unknown, name: string): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'string' && INT_RE.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) return n;
  throw new DecodeFailure(`${name}: 32-bit integer expected`);
}

export function bool(v: unknown, name: string): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'boolean') throw new DecodeFailure(`${name}: boolean expected`);
  return v;
}

/** A 64-bit integer from a decimal string or a JSON number, range-checked. */
export function int64Of(v: unknown, name: string, signed: boolean): bigint {
  if (v === null || v === undefined) return 0n;
  let b: bigint;
  if (typeof v === 'string') {
    if (!(signed ? INT_RE : UINT_RE).test(v) || v.length > 21) throw new DecodeFailure(`${name}: integer string expected`);
    b = BigInt(v);
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    b = BigInt(v);
  } else throw new DecodeFailure(`${name}: integer expected (number or decimal string)`);
  if (signed ? b < MIN_INT64 || b > MAX_INT64 : b < 0n || b > MAX_UINT64) {
    throw new DecodeFailure(`${name}: out of range for ${signed ? 'int64' : 'uint64'}`);
  }
  return b;
}

export function double(v: unknown, name: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = v.trim() === '' ? NaN : Number(v);
    if (Number.isFinite(n)) return n;
  }
  throw new DecodeFailure(`${name}: number expected`);
}

// Standard or URL-safe alphabet, optional padding. Linear: no nested quantifiers.
const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function bytes(v: unknown, name: string): Uint8Array {
  if (typeof v !== 'string' || !BASE64_RE.test(v) || v.length % 4 === 1) throw new DecodeFailure(`${name}: base64 string expected`);
  const b = Buffer.from(v, 'base64');
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

/** A hex id of `size` bytes, or '' when `allowEmpty` and absent/empty. */
export function id(v: unknown, name: string, size: number, allowEmpty: boolean): string {
  if (v === null || v === undefined) v = '';
  if (typeof v !== 'string') throw new DecodeFailure(`invalid ${name}: hex string expected`);
  if (v === '' && allowEmpty) return '';
  if (v.length !== size * 2) throw new DecodeFailure(`invalid ${name}: ${size * 2} hex digits expected, got ${v.length}`);
  if (!isHex(v)) throw new DecodeFailure(`invalid ${name}: not hex`);
  return canonicalHex(v);
}

/**
 * The common messages; each signal's decoder extends this. Members are looked up by both their
 * lowerCamelCase and snake_case names; a repeated member given twice keeps the last one.
 */
export class JsonDecoder {
  constructor(
    protected readonly maxDepth: number,
    protected readonly budget: DecodeBudget,
  ) {}

  /**
   * Decodes each entry of a repeated message member with `entry`, charging `cost` for each first;
   * failures name `name[i]`.
   */
  protected list<T>(v: unknown, name: string, cost: number, entry: (item: unknown) => T): T[] {
    const items = array(v, name);
    const out: T[] = [];
    for (let i = 0; i < items.length; i++) {
      try {
        this.budget.charge(cost);
        out.push(entry(items[i]));
      } catch (e) {
        failWithin(e, `${name}[${i}]`);
      }
    }
    return out;
  }

  /** A singular message member, decoded with `decode` when present; failures name `name`. */
  protected message<T>(v: unknown, name: string, decode: (o: JsonObject) => T): T | undefined {
    const o = object(v, name);
    if (o === undefined) return undefined;
    try {
      return decode(o);
    } catch (e) {
      failWithin(e, name);
    }
  }

  protected resource(o: JsonObject): Resource {
    const r: Resource = { attributes: [], droppedAttributesCount: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'attributes':
          r.attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          r.droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
      }
    }
    return r;
  }

  protected scope(o: JsonObject): InstrumentationScope {
    const s: InstrumentationScope = { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
    for (const k in o) {
      const val = o[k];
      switch (k) {
        case 'name':
          s.name = string(val, 'name');
          break;
        case 'version':
          s.version = string(val, 'version');
          break;
        case 'attributes':
          s.attributes = this.attributes(val);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          s.droppedAttributesCount = uint32(val, 'droppedAttributesCount');
          break;
      }
    }
    return s;
  }

  /** A top-level attribute list; failures name the attribute index. */
  protected attributes(v: unknown): KeyValue[] {
    const list = array(v, 'attributes');
    const out: KeyValue[] = [];
    for (let i = 0; i < list.length; i++) {
      try {
        out.push(this.keyValue(list[i], 0));
      } catch (e) {
        failWithin(e, `attributes[${i}]`);
      }
    }
    return out;
  }

  /** `depth` counts the arrays/kvlists enclosing this KeyValue. */
  protected keyValue(v: unknown, depth: number): KeyValue {
    this.budget.charge(DECODED_COST.keyValue);
    const o = object(v, 'key/value') ?? {};
    let key = '';
    let value: AnyValue = { kind: 'empty' };
    for (const k in o) {
      if (k === 'key') key = string(o[k], 'key');
      else if (k === 'value') {
        const av = object(o[k], 'value');
        if (av) value = this.anyValue(av, depth);
      }
    }
    return { key, value };
  }

  /**
   * `depth` counts the arrays/kvlists enclosing this value; entering one more checks the limit first,
   * so this recursion is at most maxDepth levels deep whatever the input.
   * Several oneof members set at once is malformed; as in protobuf, the last one wins.
   */
  protected anyValue(o: JsonObject, depth: number): AnyValue {
    this.budget.charge(DECODED_COST.anyValue);
    let v: AnyValue = { kind: 'empty' };
    for (const k in o) {
      const val = o[k];
      if (val === null || val === undefined) continue;
      switch (k) {
        case 'stringValue':
        case 'string_value':
          v = { kind: 'string', value: string(val, 'stringValue') };
          break;
        case 'boolValue':
        case 'bool_value':
          if (typeof val !== 'boolean') throw new DecodeFailure('boolValue: boolean expected');
          v = { kind: 'bool', value: val };
          break;
        case 'intValue':
        case 'int_value':
          v = { kind: 'int', value: int64Of(val, 'intValue', true) };
          break;
        case 'doubleValue':
        case 'double_value':
          v = { kind: 'double', value: double(val, 'doubleValue') };
          break;
        case 'bytesValue':
        case 'bytes_value':
          if (typeof val === 'string') this.budget.charge(Math.ceil((val.length * 3) / 4) + DECODED_COST.bytes);
          v = { kind: 'bytes', value: bytes(val, 'bytesValue') };
          break;
        case 'arrayValue':
        case 'array_value': {
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          const list = array(object(val, 'arrayValue')?.['values'], 'arrayValue.values');
          const values: AnyValue[] = [];
          for (let i = 0; i < list.length; i++) {
            const item = object(list[i], 'arrayValue.values[]');
            if (item) values.push(this.anyValue(item, depth + 1));
            else {
              this.budget.charge(DECODED_COST.anyValue);
              values.push({ kind: 'empty' });
            }
          }
          v = { kind: 'array', values };
          break;
        }
        case 'kvlistValue':
        case 'kvlist_value': {
          if (depth >= this.maxDepth) throw nestingError(this.maxDepth);
          const list = array(object(val, 'kvlistValue')?.['values'], 'kvlistValue.values');
          const values: KeyValue[] = [];
          for (let i = 0; i < list.length; i++) values.push(this.keyValue(list[i], depth + 1));
          v = { kind: 'kvlist', values };
          break;
        }
      }
    }
    return v;
  }}
