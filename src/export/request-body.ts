/**
 * Export bodies as bytes: made once at admission (encoded, then compressed), merged later without
 * decoding or compressing again.
 *
 * Merging rests on two concatenation rules:
 * - Protobuf: concatenated serialised messages parse as their merge, and repeated fields append
 *   (protobuf encoding spec, "Concatenation and merging"), so ExportTraceServiceRequest bodies
 *   concatenate into one request holding every resource_spans (field 1).
 * - gzip: a gzip file is a series of members, and a decoder yields the concatenation of their
 *   contents (RFC 1952 §2.2); Go's gzip.Reader (the Collector), zlib, Python and Java read multi-member
 *   streams. So gzip(a) ‖ gzip(b) = gzip of a ‖ b, and compressed protobuf bodies concatenate too.
 *
 * Uncompressed bodies merge as otlp/merge.ts merges any encoded requests. Compressed JSON needs care:
 * `{"resourceSpans":[A]}` ‖ `{"resourceSpans":[B]}` is not JSON. A JSON body is made as three parts,
 * head `{"resourceSpans":[`, inner `A`, tail `]}`, each its own gzip member when compressed (together
 * still one valid gzip stream of the whole document). Merging keeps the first
 * head, joins the inners with a comma (a tiny gzip member of its own when compressed) and ends with the
 * tail. The head and tail lengths travel with the request; bodies whose heads or tails differ (another
 * signal, or bytes from another zlib build read back from disk) are simply not merged.
 */
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { mergeEncodedRequests } from '../otlp/merge.js';
import type { BodyFormat, ExportRequest } from './types.js';

const gzipAsync = promisify(gzip);
const utf8 = new TextEncoder();
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
/** `{"` + the longest OTLP key we know (`resourceMetrics`) + `":[` fits easily. */
const MAX_JSON_HEAD = 64;

export interface MadeBody {
  body: Uint8Array;
  jsonHead: number;
  jsonTail: number;
}

/** Small constant gzip members (heads, tails, the comma), made once per level. */
const constantMembers = new Map<string, Uint8Array>();

function gzipConstant(bytes: Uint8Array, level: number): Uint8Array {
  const key = `${level}:${Buffer.from(bytes).toString('latin1')}`;
  let member = constantMembers.get(key);
  if (member === undefined) {
    member = new Uint8Array(gzipSync(bytes, { level }));
    constantMembers.set(key, member);
  }
  return member;
}

/**
 * The length of `{"<key>":[` at the start of an OTLP/JSON body our encoders wrote, when the body also
 * ends with `]}`; 0 when it does not have that shape (then it is not split, and not merged).
 */
export function jsonHeadLength(encoded: Uint8Array): number {
  const n = encoded.byteLength;
  if (n < 6 || encoded[0] !== OPEN_BRACE || encoded[1] !== QUOTE) return 0;
  if (encoded[n - 2] !== CLOSE_BRACKET || encoded[n - 1] !== CLOSE_BRACE) return 0;
  const end = Math.min(n - 2, MAX_JSON_HEAD);
  for (let i = 2; i + 2 < end; i++) {
    const c = encoded[i]!;
    if (c === QUOTE) return encoded[i + 1] === COLON && encoded[i + 2] === OPEN_BRACKET ? i + 3 : 0;
    // A key of plain letters only: anything else is not a body we wrote.
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return 0;
  }
  return 0;
}

/**
 * What compressing a body takes: nothing (`ready`), or gzip of `bytes` at `level`, finished by
 * `finish`. Shared by makeBody (gzip on libuv's pool, main thread) and makeBodySync (a policy
 * worker), so both make byte-identical bodies.
 */
type BodyWork = { ready: MadeBody } | { bytes: Uint8Array; level: number; finish: (compressed: Uint8Array) => MadeBody };

function bodyWork(encoded: Uint8Array, format: BodyFormat): BodyWork {
  const head = format.encoding === 'json' ? jsonHeadLength(encoded) : 0;
  // An empty array has nothing to splice; it is sent as it is.
  const splittable = head > 0 && encoded.byteLength - head - 2 > 0;
  if (format.compression === 'none') {
    return { ready: splittable ? { body: encoded, jsonHead: head, jsonTail: 2 } : { body: encoded, jsonHead: 0, jsonTail: 0 } };
  }
  const level = format.compressionLevel;
  if (!splittable) return { bytes: encoded, level, finish: (body) => ({ body, jsonHead: 0, jsonTail: 0 }) };
  const headMember = gzipConstant(encoded.subarray(0, head), level);
  const tailMember = gzipConstant(encoded.subarray(encoded.byteLength - 2), level);
  return {
    bytes: encoded.subarray(head, encoded.byteLength - 2),
    level,
    finish: (inner) => ({ body: concat([headMember, inner, tailMember]), jsonHead: headMember.byteLength, jsonTail: tailMember.byteLength }),
  };
}

/** Compresses an encoded body as `format` says, in the split shape when it is mergeable JSON. */
export async function makeBody(encoded: Uint8Array, format: BodyFormat): Promise<MadeBody> {
  const work = bodyWork(encoded, format);
  if ('ready' in work) return work.ready;
  return work.finish(new Uint8Array(await gzipAsync(work.bytes, { level: work.level })));
}

/** makeBody, compressing in this thread: for a policy worker, whose thread is there to do this work. */
export function makeBodySync(encoded: Uint8Array, format: BodyFormat): MadeBody {
  const work = bodyWork(encoded, format);
  if ('ready' in work) return work.ready;
  const gz = gzipSync(work.bytes, { level: work.level });
  // gzipSync may hand back a view of a larger buffer; a body owns its bytes (it is transferred).
  return work.finish(gz.byteOffset === 0 && gz.byteLength === gz.buffer.byteLength ? new Uint8Array(gz.buffer, 0, gz.byteLength) : new Uint8Array(gz));
}

/** Bodies made for one format are the same bytes: the key exporters with equal formats share them under. */
export function formatKey(f: BodyFormat): string {
  return f.compression === 'none' ? `${f.encoding}|none` : `${f.encoding}|${f.compression}|${f.compressionLevel}`;
}

/**
 * One body holding every request's records, in order; undefined when they cannot be merged (then each
 * is sent alone). The requests must share encoding and compression (the queue only batches such).
 */
export function mergeBodies(requests: readonly ExportRequest[]): Uint8Array | undefined {
  const first = requests[0];
  if (first === undefined) return undefined;
  if (requests.length === 1) return first.body;
  for (const r of requests) if (r.encoding !== first.encoding || r.compression !== first.compression || r.signal !== first.signal) return undefined;
  // Uncompressed bodies merge as any encoded requests do (otlp/merge.ts).
  if (first.compression === 'none') return mergeEncodedRequests(requests.map((r) => r.body), first.encoding, first.signal);
  if (first.encoding === 'protobuf') return concat(requests.map((r) => r.body));
  return mergeGzipJson(requests);
}

/** gzip'd JSON made in three members (head, inner, tail): the first head, the inners joined by a comma member, the tail. */
function mergeGzipJson(requests: readonly ExportRequest[]): Uint8Array | undefined {
  const first = requests[0]!;
  if (first.jsonHead === 0 || first.jsonTail === 0) return undefined;
  const head = first.body.subarray(0, first.jsonHead);
  const tail = first.body.subarray(first.body.byteLength - first.jsonTail);
  const parts: Uint8Array[] = [head];
  const comma = gzipComma(first);
  if (comma === undefined) return undefined;
  for (const [i, r] of requests.entries()) {
    const end = r.body.byteLength - r.jsonTail;
    if (r.jsonHead !== first.jsonHead || r.jsonTail !== first.jsonTail || end <= r.jsonHead) return undefined;
    if (!sameBytes(r.body, 0, head) || !sameBytes(r.body, end, tail)) return undefined;
    if (i > 0) parts.push(comma);
    parts.push(r.body.subarray(r.jsonHead, end));
  }
  parts.push(tail);
  return concat(parts);
}

const COMMA = utf8.encode(',');

/**
 * The comma member at the level the bodies were made with. The level is not stored, but the tail
 * member (`]}`) is: the comma is made at the level whose tail member matches, so a level that
 * changed since the bodies were written (replay after a config change) just leaves them unmerged.
 */
function gzipComma(first: ExportRequest): Uint8Array | undefined {
  const tail = first.body.subarray(first.body.byteLength - first.jsonTail);
  for (let level = 1; level <= 9; level++) {
    if (bytesEqual(gzipConstant(JSON_TAIL, level), tail)) return gzipConstant(COMMA, level);
  }
  return undefined;
}

const JSON_TAIL = utf8.encode(']}');

function sameBytes(body: Uint8Array, at: number, part: Uint8Array): boolean {
  if (at < 0 || at + part.byteLength > body.byteLength) return false;
  for (let i = 0; i < part.byteLength; i++) if (body[at + i] !== part[i]) return false;
  return true;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && sameBytes(a, 0, b);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
