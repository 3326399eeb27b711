/**
 * Requests shaped like real GenAI traffic, for every benchmark: the spans of the producer fixtures
 * (test/fixtures/producers, four real instrumentations), replicated with fresh ids, each span
 * under its own resource and scope so tenants and instrumentation identities stay as captured.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeLogsProtobuf } from '../../src/otlp/decode-logs-protobuf.js';
import { decodeTracesProtobuf } from '../../src/otlp/decode-protobuf.js';
import type { LogRecord, LogsData, ResourceLogs } from '../../src/otlp/logs-model.js';
import type { AnyValue, InstrumentationScope, KeyValue, Resource, ResourceSpans, Span, TracesData } from '../../src/otlp/model.js';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from '../../test/support/fixture-paths.js';

export const PRODUCERS = ['otel-openai', 'traceloop', 'openinference', 'vercel-ai'] as const;
export type Producer = (typeof PRODUCERS)[number];

/** Spans per trace in generated batches: traces of a few spans, as agents and chains emit. */
const SPANS_PER_TRACE = 5;

export function loadProducer(name: Producer): TracesData {
  const r = decodeTracesProtobuf(readFileSync(path.join(PRODUCERS_DIR, `${name}.pb`)));
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.value;
}

interface Source {
  rs: ResourceSpans;
  scope: InstrumentationScope;
  scopeSchemaUrl: string;
  span: Span;
}

function sourcesOf(data: readonly TracesData[]): Source[] {
  const out: Source[] = [];
  for (const d of data)
    for (const rs of d.resourceSpans)
      for (const ss of rs.scopeSpans) for (const span of ss.spans) out.push({ rs, scope: ss.scope, scopeSchemaUrl: ss.schemaUrl, span });
  return out;
}

/**
 * A request of `size` spans cycling through the spans of `data`, starting at `offset`, with fresh
 * trace and span ids. Consecutive spans from one captured resource and scope share one entry.
 */
export function batchOf(data: TracesData | readonly TracesData[], size = 100, offset = 0): TracesData {
  const sources = sourcesOf(Array.isArray(data) ? data : [data as TracesData]);
  if (sources.length === 0) throw new Error('no spans to replicate');
  const resourceSpans: ResourceSpans[] = [];
  let lastResource: Resource | undefined;
  let lastScope: InstrumentationScope | undefined;
  let traceId = '';
  for (let i = 0; i < size; i++) {
    const s = sources[(offset + i) % sources.length]!;
    if (i % SPANS_PER_TRACE === 0) traceId = randomBytes(16).toString('hex');
    const span: Span = { ...s.span, traceId, spanId: randomBytes(8).toString('hex') };
    const current = resourceSpans[resourceSpans.length - 1];
    if (current !== undefined && lastResource === s.rs.resource && lastScope === s.scope) {
      current.scopeSpans[0]!.spans.push(span);
    } else {
      resourceSpans.push({ resource: s.rs.resource, schemaUrl: s.rs.schemaUrl, scopeSpans: [{ scope: s.scope, schemaUrl: s.scopeSchemaUrl, spans: [span] }] });
      lastResource = s.rs.resource;
      lastScope = s.scope;
    }
  }
  return { resourceSpans };
}

/** The GenAI log records of test/fixtures/producers-logs (events of real instrumentations). */
export const LOG_PRODUCERS = ['js-openai', 'python-openai-v2-events', 'python-openai-v2-span-and-event', 'python-openai-v2-legacy'] as const;

export function loadLogProducer(name: (typeof LOG_PRODUCERS)[number]): LogsData {
  const r = decodeLogsProtobuf(readFileSync(path.join(PRODUCERS_LOGS_DIR, `${name}.logs.pb`)));
  if (!r.ok) throw new Error(`${name}: ${r.error}`);
  return r.value;
}

/**
 * A logs request of `size` records cycling through the records of `data` from `offset`, with fresh
 * trace and span ids (a few records per trace, as one call's events), grouped as `batchOf` groups spans.
 */
export function logBatchOf(data: readonly LogsData[], size = 100, offset = 0): LogsData {
  const sources: { rl: ResourceLogs; scope: InstrumentationScope; scopeSchemaUrl: string; record: LogRecord }[] = [];
  for (const d of data) for (const rl of d.resourceLogs) for (const sl of rl.scopeLogs) for (const record of sl.logRecords) sources.push({ rl, scope: sl.scope, scopeSchemaUrl: sl.schemaUrl, record });
  if (sources.length === 0) throw new Error('no log records to replicate');
  const resourceLogs: ResourceLogs[] = [];
  let lastResource: Resource | undefined;
  let lastScope: InstrumentationScope | undefined;
  let traceId = '';
  for (let i = 0; i < size; i++) {
    const s = sources[(offset + i) % sources.length]!;
    if (i % SPANS_PER_TRACE === 0) traceId = randomBytes(16).toString('hex');
    const record: LogRecord = { ...s.record, traceId, spanId: randomBytes(8).toString('hex') };
    const current = resourceLogs[resourceLogs.length - 1];
    if (current !== undefined && lastResource === s.rl.resource && lastScope === s.scope) current.scopeLogs[0]!.logRecords.push(record);
    else {
      resourceLogs.push({ resource: s.rl.resource, schemaUrl: s.rl.schemaUrl, scopeLogs: [{ scope: s.scope, schemaUrl: s.scopeSchemaUrl, logRecords: [record] }] });
      lastResource = s.rl.resource;
      lastScope = s.scope;
    }
  }
  return { resourceLogs };
}

/**
 * Common English words in string values (JSON-valued strings included) swapped for others drawn from
 * `random`, so that every request carries prompts and answers of its own while keys, roles, model
 * names and other short identifiers stay as captured. Real traffic repeats its identifiers and rarely
 * its text; a benchmark whose 100 spans are the fixtures' spans over and over would let any cache of
 * scanned text answer for it. The planted values (e-mail addresses, numbers, keys) hold none of
 * these words and are kept. Spans are copied; `data` is not modified.
 */
export function varyText(data: TracesData, random: () => number): TracesData {
  const swap = (s: string): string => (s.length < 48 ? s : s.replace(SWAPPED, () => SWAPS[Math.floor(random() * SWAPS.length)]!));
  const value = (v: AnyValue): AnyValue => {
    if (v.kind === 'string') return { kind: 'string', value: swap(v.value) };
    if (v.kind === 'array') return { kind: 'array', values: v.values.map(value) };
    if (v.kind === 'kvlist') return { kind: 'kvlist', values: kvs(v.values) };
    return v;
  };
  const kvs = (list: readonly KeyValue[]): KeyValue[] => list.map((kv) => ({ key: kv.key, value: value(kv.value) }));
  return {
    resourceSpans: data.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((s) => ({ ...s, attributes: kvs(s.attributes), events: s.events.map((e) => ({ ...e, attributes: kvs(e.attributes) })) })),
      })),
    })),
  };
}

const SWAPPED = /\b(?:the|a|to|is|you|and|for|of|in|this|with|my|your|it|on|be|are|was|our|that|me)\b/g;
const SWAPS = 'the a to is you and for of in this with my your it on be are was our that me its any some each their his her'.split(' ');
