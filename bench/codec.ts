/**
 * Codec throughput: 100-span batches shaped like the producer fixtures (their spans replicated with
 * fresh ids), decoded and encoded in protobuf and JSON. Prints MB/s (of the encoded body) and spans/s.
 * Run: node --import tsx bench/codec.ts
 */
import { decodeTracesJson } from '../src/otlp/decode-json.js';
import { decodeTracesProtobuf } from '../src/otlp/decode-protobuf.js';
import { encodeTracesJson } from '../src/otlp/encode-json.js';
import { encodeTracesProtobuf } from '../src/otlp/encode-protobuf.js';
import { PRODUCERS, batchOf, loadProducer } from './support/producer-batches.js';

const BATCH = 100;

function measure(fn: () => unknown, minMs = 600): number {
  for (let i = 0; i < 50; i++) fn(); // warm up the JIT
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    elapsed = performance.now() - t0;
  }
  return elapsed / n; // ms per op
}

interface Row {
  producer: string;
  op: string;
  bytes: number;
  msPerBatch: number;
}

const rows: Row[] = [];
for (const producer of PRODUCERS) {
  const batch = batchOf(loadProducer(producer), BATCH);
  const pb = encodeTracesProtobuf(batch);
  const json = encodeTracesJson(batch);
  const jsonBytes = Buffer.from(json);
  const check = decodeTracesProtobuf(pb);
  if (!check.ok) throw new Error(check.error);
  rows.push({ producer, op: 'decode protobuf', bytes: pb.length, msPerBatch: measure(() => decodeTracesProtobuf(pb)) });
  rows.push({ producer, op: 'encode protobuf', bytes: pb.length, msPerBatch: measure(() => encodeTracesProtobuf(batch)) });
  rows.push({ producer, op: 'decode json', bytes: jsonBytes.length, msPerBatch: measure(() => decodeTracesJson(jsonBytes)) });
  rows.push({ producer, op: 'encode json', bytes: jsonBytes.length, msPerBatch: measure(() => encodeTracesJson(batch)) });
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (v: number, n: number) => v.toFixed(v >= 100 ? 0 : 1).padStart(n);
console.log(`node ${process.version}, ${BATCH}-span batches`);
console.log(`${pad('producer', 15)}${pad('operation', 17)}${'body KB'.padStart(9)}${'µs/batch'.padStart(10)}${'MB/s'.padStart(8)}${'k spans/s'.padStart(11)}`);
for (const r of rows) {
  const mbs = r.bytes / 1e6 / (r.msPerBatch / 1000);
  const spans = BATCH / (r.msPerBatch / 1000) / 1000;
  console.log(`${pad(r.producer, 15)}${pad(r.op, 17)}${num(r.bytes / 1024, 9)}${num(r.msPerBatch * 1000, 10)}${num(mbs, 8)}${num(spans, 11)}`);
}
