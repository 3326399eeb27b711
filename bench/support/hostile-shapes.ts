/**
 * The worst request shapes issue #13 found, built small on the wire (see bench/hostile.ts for what
 * each one is and what the gateway answers).
 */
import { gzipSync } from 'node:zlib';
import { encodeTracesProtobuf } from '../../src/otlp/encode-protobuf.js';
import { newSpan, type TracesData } from '../../src/otlp/model.js';
import { gzipBomb } from '../../test/support/gzip-bomb.js';


const IDS = Buffer.concat([Buffer.from([0x0a, 16]), Buffer.alloc(16, 1), Buffer.from([0x12, 8]), Buffer.alloc(8, 2)]);
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
const field = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), varint(body.length), body]);
/** resource_spans { scope_spans { spans... } } around span bodies already framed. */
const request = (framedSpans: Buffer): Buffer => field(0x0a, field(0x12, framedSpans));
const repeated = (unit: Buffer, total: number): Buffer => {
  const n = Math.floor(total / unit.length);
  const out = Buffer.alloc(n * unit.length);
  for (let i = 0; i < n; i++) unit.copy(out, i * unit.length);
  return out;
};
const MiB = 1024 * 1024;
const LIMIT = 20 * MiB - 4096; // just inside max_request_body_size

function oneSpanWithText(text: string): TracesData {
  const span = newSpan({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'chat', attributes: [{ key: 'gen_ai.prompt', value: { kind: 'string', value: text } }] });
  return { resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span] }] }] };
}
const textOf = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

export interface Shape {
  name: string;
  body: Buffer;
  type: 'application/x-protobuf' | 'application/json';
}

/** The attack bodies, gzipped (`only`: the names to keep). */
export async function attackShapes(only?: readonly string[]): Promise<Shape[]> {
  const pb = 'application/x-protobuf' as const;
  const prose = textOf('The customer Jane Doe (jane.doe@example.com, +44 20 7946 0958) asked why her card 4111 1111 1111 1111 was declined at checkout yesterday. ', 19 * MiB);
  const shapes: Shape[] = [
    { name: 'links', type: pb, body: request(field(0x12, Buffer.concat([IDS, repeated(Buffer.from([0x6a, 0]), LIMIT - 64)]))) },
    { name: 'attributes', type: pb, body: request(field(0x12, Buffer.concat([IDS, repeated(Buffer.from([0x4a, 0]), LIMIT - 64)]))) },
    { name: 'spans', type: pb, body: request(repeated(field(0x12, IDS), LIMIT - 64)) },
    {
      name: 'json-objects',
      type: 'application/json',
      body: Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","links":[${'{},'.repeat(Math.floor((LIMIT - 200) / 3))}{}]}]}]}]}`),
    },
    {
      name: 'json-deep',
      type: 'application/json',
      body: Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(100_000)}{}${']}}'.repeat(100_000)}}]}]}]}]}`),
    },
    { name: 'api-key', type: pb, body: Buffer.from(encodeTracesProtobuf(oneSpanWithText(textOf('api_key=AKIAIOSFODNN7EXAMPLE ', 2_000_000)))) },
    { name: 'url-userinfo', type: pb, body: Buffer.from(encodeTracesProtobuf(oneSpanWithText(textOf('http://user:pass@host.com ', 1_660_000)))) },
    { name: 'pem-headers', type: pb, body: Buffer.from(encodeTracesProtobuf(oneSpanWithText(textOf('-----BEGIN PRIVATE KEY-----', 1_000_000)))) },
    { name: 'prose-19MiB', type: pb, body: Buffer.from(encodeTracesProtobuf(oneSpanWithText(prose))) },
  ];
  const compressed: Shape[] = shapes.map((s) => ({ ...s, body: gzipSync(s.body, { level: 6 }) as Buffer }));
  compressed.push({ name: 'gzip-bomb', type: pb, body: Buffer.from(await gzipBomb()) });
  return compressed.filter((s) => only === undefined || only.includes(s.name));
}
