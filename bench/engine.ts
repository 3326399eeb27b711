/**
 * The pure policy engine alone (no codec, no HTTP): `CompiledPolicy.process` over 100-span batches
 * built from the producer fixtures (their spans replicated with fresh ids, one trace per 5 spans), under
 * the redact-all and default policies: one producer at a time, then `mixed` (the four producers'
 * spans in turn, as bench/load.ts sends them) and `mixed-varied` (the same, with the common words of
 * every longer text swapped per batch, bench/support/producer-batches.ts varyText: what a cache of
 * scanned text cannot answer for). Prints spans/s, MB/s of string content (every string the engine may
 * scan: names, status messages, string attribute values at any nesting, event and link attributes) and
 * heap bytes allocated per span. Times are CPU time of this process (process.cpuUsage), so other work
 * on a shared machine slows the figures less than wall time would. No assertions: numbers to compare
 * before and after a change.
 *
 * Run: node --import tsx bench/engine.ts
 *
 * Allocation is measured as the heap growth across one batch right after a full GC, with a young
 * generation large enough that no collection runs inside the measured batch; the script re-executes
 * itself with --expose-gc and a large semi-space when started without them. It counts everything the
 * batch allocates, including the redacted output copies it returns (those are real allocations too).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=128', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

const { PRODUCERS, batchOf, loadProducer, varyText } = await import('./support/producer-batches.js');
const { mulberry32 } = await import('../test/support/rng.js');
const { loadPolicy } = await import('../src/policy/load.js');
type TracesData = import('../src/otlp/model.js').TracesData;
type AnyValue = import('../src/otlp/model.js').AnyValue;
type KeyValue = import('../src/otlp/model.js').KeyValue;
type CompiledPolicy = import('../src/policy/types.js').CompiledPolicy;

const ROOT = new URL('../', import.meta.url);
const POLICIES: Record<string, string> = {
  'redact-all': 'policies/examples/redact-all.yaml',
  default: 'policies/default.yaml',
  // samples 10%: what deciding before scanning saves
  'eval-capture': 'policies/examples/eval-capture.yaml',
};
const BATCH = 100;
/** Unauthenticated: the fixtures name their tenant in the resource (tenant.id), as a Collector would. */
const CTX = {};

function valueBytes(v: AnyValue): number {
  if (v.kind === 'string') return Buffer.byteLength(v.value);
  if (v.kind === 'array') return v.values.reduce((n, x) => n + valueBytes(x), 0);
  if (v.kind === 'kvlist') return kvBytes(v.values);
  return 0;
}
function kvBytes(kvs: readonly KeyValue[]): number {
  return kvs.reduce((n, kv) => n + valueBytes(kv.value), 0);
}
/** UTF-8 bytes of every string value in the batch (what the scanners read). */
function stringBytes(data: TracesData): number {
  let n = 0;
  for (const rs of data.resourceSpans) {
    n += kvBytes(rs.resource.attributes);
    for (const ss of rs.scopeSpans) {
      n += kvBytes(ss.scope.attributes);
      for (const s of ss.spans) {
        n += Buffer.byteLength(s.name) + Buffer.byteLength(s.status.message) + kvBytes(s.attributes);
        for (const e of s.events) n += Buffer.byteLength(e.name) + kvBytes(e.attributes);
        for (const l of s.links) n += kvBytes(l.attributes);
      }
    }
  }
  return n;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU milliseconds per call of `fn`, over at least `minMs` of CPU time after a JIT warm-up. */
function msPerOp(fn: () => unknown, minMs = 800): number {
  for (let i = 0; i < 30; i++) fn(); // warm up the JIT
  let n = 0;
  const t0 = cpuMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    elapsed = cpuMs() - t0;
  }
  return elapsed / n;
}

/** Median heap growth of one batch, each run straight after a full GC. */
function bytesPerBatch(fn: () => unknown, runs = 25): number {
  const deltas: number[] = [];
  let keep: unknown;
  for (let i = 0; i < runs; i++) {
    gc!();
    const before = process.memoryUsage().heapUsed;
    keep = fn();
    const after = process.memoryUsage().heapUsed;
    deltas.push(after - before);
  }
  void keep;
  deltas.sort((a, b) => a - b);
  return deltas[Math.floor(deltas.length / 2)]!;
}

function policy(path: string): CompiledPolicy {
  const r = loadPolicy(fileURLToPath(new URL(path, ROOT)), { env: { LOOPGATE_HASH_KEY: 'bench-key' } });
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.policy;
}

console.log(`node ${process.version}, ${BATCH}-span batches, pure engine (CompiledPolicy.process)`);
console.log(
  `${'policy'.padEnd(14)}${'producer'.padEnd(15)}${'str KB'.padStart(8)}${'µs/batch'.padStart(10)}${'k spans/s'.padStart(11)}${'MB/s'.padStart(8)}${'B/span'.padStart(9)}${'redactions'.padStart(12)}${'exported'.padStart(10)}`,
);
const num = (v: number, w: number) => v.toFixed(v >= 100 ? 0 : 1).padStart(w);
const loaded = PRODUCERS.map(loadProducer);
const random = mulberry32(7);
const WORKLOADS: [string, TracesData[]][] = [
  ...PRODUCERS.map((name, i): [string, TracesData[]] => [name, [batchOf(loaded[i]!, BATCH)]]),
  ['mixed', Array.from({ length: 8 }, (_, i) => batchOf(loaded, BATCH, i * 7))],
  ['mixed-varied', Array.from({ length: 32 }, (_, i) => varyText(batchOf(loaded, BATCH, i * 7), random))],
];
for (const [pname, ppath] of Object.entries(POLICIES)) {
  const p = policy(ppath);
  for (const [producer, batches] of WORKLOADS) {
    const batch = batches[0]!;
    const bytes = batches.reduce((n, b) => n + stringBytes(b), 0) / batches.length;
    const first = p.process(batch, CTX);
    const redactions = Object.values(first.redactionsByEntity).reduce((a, b) => a + b, 0);
    const exported = first.outputs.reduce((n, o) => n + o.count, 0);
    let next = 0;
    const step = () => p.process(batches[next++ % batches.length]!, CTX);
    const ms = msPerOp(step);
    const alloc = bytesPerBatch(step);
    console.log(
      `${pname.padEnd(14)}${producer.padEnd(15)}${num(bytes / 1024, 8)}${num(ms * 1000, 10)}${num(BATCH / ms, 11)}${num(bytes / 1e6 / (ms / 1000), 8)}${num(alloc / BATCH, 9)}${String(redactions).padStart(12)}${String(exported).padStart(10)}`,
    );
  }
}
