/**
 * Loopgate with a real OpenTelemetry Collector on either side, the Collector built by
 * `bash scripts/peers.sh` from test/peers/otelcol-builder.yaml (suites skip, saying so, without it;
 * CI always runs them):
 *
 *   Collector → Loopgate   apps → Collector (the repo's otel-collector.yaml, unchanged but for its
 *                          listen ports, or with the otlp/loopgate exporter its comment describes)
 *                          → Loopgate → per-class sink, as the README deploys it: apps over OTLP/HTTP
 *                          and OTLP/gRPC, the Collector to Loopgate over OTLP/HTTP and OTLP/gRPC,
 *                          traces and the GenAI log records of the same runs;
 *   Loopgate → Collector   Loopgate's otlphttp exporters (protobuf+gzip and JSON) and otlp (gRPC,
 *                          gzip and not) exporters → a Collector's OTLP receiver → its file exporters
 *                          (JSON lines and length-prefixed protobuf), whose output is read back with an
 *                          independent codec (protobufjs).
 *
 * Both assert that every span and log record that arrives is stamped with its custody and that no
 * planted value of the fixture READMEs reaches any sink. Each suite is a table of legs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/start.js';
import { encodeTracesJson } from '../../src/otlp/encode-json.js';
import { encodeLogsJson } from '../../src/otlp/encode-logs-json.js';
import { countLogRecords, type LogsData } from '../../src/otlp/logs-model.js';
import { countSpans, type Span, type TracesData } from '../../src/otlp/model.js';
import { CODECS, countItems, decodeRequest } from '../../src/otlp/signal.js';
import { decodeLogsWithProtobufjs, readLogsJsonWithProtobufjs } from '../proto/pbjs-logs.js';
import { decodeWithProtobufjs, readOtlpJsonWithProtobufjs } from '../proto/pbjs.js';
import { startCollector, type RunningCollector } from '../support/collector.js';
import { custodyProblems, logRecordsOf, redactionsOf, spansOf } from '../support/custody.js';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR, REPO_ROOT } from '../support/fixture-paths.js';
import { closeGrpcClients, grpcExport } from '../support/grpc-client.js';
import { startInteropGateway } from '../support/interop-gateway.js';
import { describeWithPeers } from '../support/peers.js';
import { leakedValues } from '../support/planted.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';

const TOKENS = { globex: 'collector-token-5b1e', acme: 'collector-token-acme-93d0' } as const;
/** The producer payloads with GenAI content (otel-openai carries none, and another tenant). */
const CONTENT_FIXTURES = ['traceloop', 'openinference', 'vercel-ai'];

let gateway: RunningGateway | undefined;
let sink: OtlpSink | undefined;
let collector: RunningCollector | undefined;

afterEach(async () => {
  closeGrpcClients();
  await collector?.close();
  await gateway?.close();
  await sink?.close();
  collector = gateway = sink = undefined;
});

function fixturePayload(name: string): Payload {
  return payload('traces', join(PRODUCERS_DIR, `${name}.pb`));
}

async function post(url: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...headers }, body });
  await res.arrayBuffer();
  return res.status;
}

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One request an app sends the Collector: a fixture body, byte for byte. */
interface Payload {
  signal: 'traces' | 'logs';
  body: Buffer;
  records: number;
}

function payload(signal: 'traces' | 'logs', file: string): Payload {
  const body = readFileSync(file);
  const decoded = decodeRequest(signal, body, 'protobuf');
  if (!decoded.ok) throw new Error(`${file}: ${decoded.error}`);
  return { signal, body, records: countItems(decoded.value) };
}

/** Traces from the producers folder (tenant globex or none). */
const tracePayloads = (): Payload[] => CONTENT_FIXTURES.map(fixturePayload);
/** The GenAI runs of producers-logs, spans and events of the same calls (tenant acme). */
const genAiPayloads = (): Payload[] =>
  ['js-openai', 'python-openai-v2-events', 'python-openai-v2-span-and-event', 'python-openai-v2-legacy'].flatMap((stem) => [
    payload('traces', join(PRODUCERS_LOGS_DIR, `${stem}.traces.pb`)),
    payload('logs', join(PRODUCERS_LOGS_DIR, `${stem}.logs.pb`)),
  ]);

/** otel-collector.yaml with the OTLP/gRPC exporter its comment describes in place of otlphttp/loopgate. */
function overGrpc(shipped: string): string {
  const section = [
    '  otlp/loopgate:',
    '    endpoint: ${env:LOOPGATE_GRPC_ENDPOINT}',
    '    tls: { insecure: true }',
    '    compression: gzip',
    '    headers:',
    '      Authorization: Bearer ${env:LOOPGATE_TOKEN}',
    '    timeout: 10s',
    '',
    'service:',
  ].join('\n');
  return shipped.replace(/\nservice:/, `\n${section}`).replaceAll('exporters: [otlphttp/loopgate]', 'exporters: [otlp/loopgate]');
}

/** How Collector → Loopgate is wired: the shipped config, and what to change in it for a leg. */
interface InboundLeg {
  name: string;
  /** The tenant of the Collector's token, and of the payloads. */
  tenant: 'globex' | 'acme';
  payloads: () => Payload[];
  /** How the app reaches the Collector ("in"). */
  app: 'http' | 'grpc';
  /** How the Collector reaches Loopgate ("out"; gRPC: the otlp/loopgate exporter otel-collector.yaml describes). */
  loopgate: 'http' | 'grpc';
  /** otel-collector.yaml → the config this leg runs; only listen ports and the exporter may change. */
  collectorConfig: (shipped: string, ports: { grpc: number; http: number }) => string;
}

const ports = (shipped: string, p: { grpc: number; http: number }): string =>
  shipped
    .replace('0.0.0.0:4317', `127.0.0.1:${p.grpc}`)
    .replace('0.0.0.0:4318', `127.0.0.1:${p.http}`)
    // The Collector's own metrics would listen on :8888, shared by every test run on the machine.
    .concat('  telemetry:\n    metrics:\n      level: none\n');

const INBOUND: InboundLeg[] = [
  { name: 'traces, HTTP in, HTTP out (as shipped)', tenant: 'globex', payloads: tracePayloads, app: 'http', loopgate: 'http', collectorConfig: ports },
  { name: 'traces+logs, gRPC in, HTTP out (shipped)', tenant: 'acme', payloads: genAiPayloads, app: 'grpc', loopgate: 'http', collectorConfig: ports },
  { name: 'traces+logs, gRPC in, gRPC out', tenant: 'acme', payloads: genAiPayloads, app: 'grpc', loopgate: 'grpc', collectorConfig: (shipped, p) => ports(overGrpc(shipped), p) },
];

describeWithPeers('Collector → Loopgate', ['otelcol'], (peer) => {
  it.each(INBOUND)('$name: traces and logs apps send the Collector arrive redacted and stamped', async (leg) => {
    const token = TOKENS[leg.tenant];
    sink = await startOtlpSink();
    gateway = await startInteropGateway({
      policy: 'examples/tenant-isolated.yaml',
      auth: { token, tenant: leg.tenant },
      exporters: { 'otlphttp/tenant': `{ endpoint: "${sink.url}/{tenant}" }` },
      routes: { traces: { 'tenant-only': ['otlphttp/tenant'] }, logs: { 'tenant-only': ['otlphttp/tenant'] } },
      grpc: true,
    });

    const shipped = readFileSync(join(REPO_ROOT, 'otel-collector.yaml'), 'utf8');
    collector = await startCollector(peer.otelcol, (p) => leg.collectorConfig(shipped, p), {
      env: { LOOPGATE_ENDPOINT: gateway.receiverUrl, LOOPGATE_GRPC_ENDPOINT: gateway.grpcAddress!, LOOPGATE_TOKEN: token },
    });

    const expected = { traces: 0, logs: 0 };
    for (const p of leg.payloads()) {
      expected[p.signal] += p.records;
      if (leg.app === 'http') expect(await post(`http://127.0.0.1:${collector.ports.http}${CODECS[p.signal].path}`, p.body)).toBe(200);
      else expect((await grpcExport(`127.0.0.1:${collector.ports.grpc}`, p.signal, p.body)).code).toBe(0);
    }

    await sink.waitForRecords('traces', expected.traces, 20_000);
    await sink.waitForRecords('logs', expected.logs, 20_000);
    const spans = sink.spans();
    const logs = sink.logRecords();
    expect(spans).toHaveLength(expected.traces);
    expect(logs).toHaveLength(expected.logs);
    const custody = { class: 'tenant-only', rule: 'tenant-only-everything', policyVersion: gateway.policy.current.version };
    expect(custodyProblems(spans, custody)).toEqual([]);
    expect(custodyProblems(logs, custody)).toEqual([]);
    expect(redactionsOf(spans) + redactionsOf(logs)).toBeGreaterThan(0);
    if (expected.logs > 0) expect(redactionsOf(logs)).toBeGreaterThan(0);
    // What the Collector's exporter sent reached Loopgate over the leg's protocol, with the tenant's token.
    const m = await (await fetch(`${gateway.telemetryUrl}/metrics`)).text();
    if (leg.loopgate === 'grpc') {
      expect(m).toMatch(/^loopgate_grpc_requests_total\{code="0",method="\/opentelemetry\.proto\.collector\.trace\.v1\.TraceService\/Export"\} [1-9]/m);
      if (expected.logs > 0) expect(m).toMatch(/^loopgate_grpc_requests_total\{code="0",method="\/opentelemetry\.proto\.collector\.logs\.v1\.LogsService\/Export"\} [1-9]/m);
    } else expect(m).not.toMatch(/^loopgate_grpc_requests_total\{code="0"/m);
    for (const r of sink.accepted()) {
      expect(r).toMatchObject({ path: `/${leg.tenant}${CODECS[r.signal!].path}`, encoding: 'protobuf', gzip: true });
    }
    const wire = sink
      .accepted()
      .map((r) => (r.data ? encodeTracesJson(r.data) : r.logs ? encodeLogsJson(r.logs) : ''))
      .join('\n');
    expect(leakedValues(wire)).toEqual([]);
  });
});

/** How Loopgate → Collector is wired: Loopgate's exporters, all routed to the Collector. */
interface OutboundLeg {
  name: string;
  /** Exporter sections (YAML flow mappings) by id, given the Collector's ports. */
  exporters: (ports: { grpc: number; http: number }) => Record<string, string>;
}

const OUTBOUND: OutboundLeg[] = [
  {
    name: 'otlphttp, protobuf+gzip and JSON',
    exporters: (p) => ({
      'otlphttp/proto': `{ endpoint: "http://127.0.0.1:${p.http}" }`,
      'otlphttp/json': `{ endpoint: "http://127.0.0.1:${p.http}", encoding: json, compression: none }`,
    }),
  },
  {
    name: 'otlp (gRPC), gzip and none',
    exporters: (p) => ({
      'otlp/gzip': `{ endpoint: "127.0.0.1:${p.grpc}", tls: { insecure: true } }`,
      'otlp/plain': `{ endpoint: "http://127.0.0.1:${p.grpc}", compression: none }`,
    }),
  },
];

/** The Collector's file exporter `format: proto`: each request as a 4-byte big-endian length, then the bytes. */
function lengthPrefixed(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 4 <= bytes.length; ) {
    const n = bytes.readUInt32BE(at);
    if (at + 4 + n > bytes.length) break; // a write still being flushed
    out.push(bytes.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return out;
}

function readOrEmpty(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

/** What a Collector's file exporters wrote for one signal, read back with protobufjs. */
interface Written<D> {
  json: () => D[];
  proto: () => D[];
  files: string[];
}

function written<D>(dir: string, signal: 'traces' | 'logs', fromJson: (l: string) => D, fromProto: (b: Uint8Array) => D): Written<D> {
  const jsonFile = join(dir, `${signal}.jsonl`);
  const protoFile = join(dir, `${signal}.pb`);
  return {
    json: () =>
      readOrEmpty(jsonFile)
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map(fromJson),
    proto: () => lengthPrefixed(readOrEmpty(protoFile)).map(fromProto),
    files: [jsonFile, protoFile],
  };
}

describeWithPeers('Loopgate → Collector', ['otelcol'], (peer) => {
  it.each(OUTBOUND)('$name: the Collector writes decodable, stamped spans and log records, no planted value', async (leg) => {
    collector = await startCollector(peer.otelcol, (ports, dir) =>
      [
        'receivers:',
        '  otlp:',
        '    protocols:',
        `      grpc: { endpoint: "127.0.0.1:${ports.grpc}" }`,
        `      http: { endpoint: "127.0.0.1:${ports.http}" }`,
        'exporters:',
        ...(['traces', 'logs'] as const).flatMap((signal) => [
          `  file/${signal}-json: { path: ${JSON.stringify(join(dir, `${signal}.jsonl`))}, flush_interval: 100ms }`,
          `  file/${signal}-proto: { path: ${JSON.stringify(join(dir, `${signal}.pb`))}, format: proto, flush_interval: 100ms }`,
        ]),
        'service:',
        '  telemetry: { metrics: { level: none } }',
        '  pipelines:',
        '    traces: { receivers: [otlp], exporters: [file/traces-json, file/traces-proto] }',
        '    logs: { receivers: [otlp], exporters: [file/logs-json, file/logs-proto] }',
        '',
      ].join('\n'),
    );

    const exporters = leg.exporters(collector.ports);
    const ids = Object.keys(exporters);
    gateway = await startInteropGateway({ policy: 'examples/redact-all.yaml', exporters, routes: { traces: { 'broad-use': ids }, logs: { 'broad-use': ids } } });

    const sent = { traces: 0, logs: 0 };
    const payloads = [fixturePayload('otel-openai'), ...tracePayloads(), ...genAiPayloads().filter((p) => p.signal === 'logs')];
    for (const p of payloads) {
      sent[p.signal] += p.records;
      expect(await post(`${gateway.receiverUrl}${CODECS[p.signal].path}`, p.body)).toBe(200);
    }

    const traces = written(collector.dir, 'traces', readOtlpJsonWithProtobufjs, decodeWithProtobufjs);
    const logs = written(collector.dir, 'logs', readLogsJsonWithProtobufjs, decodeLogsWithProtobufjs);
    // Every record reaches the Collector once per Loopgate exporter.
    const want = { traces: sent.traces * ids.length, logs: sent.logs * ids.length };
    const nSpans = (ds: TracesData[]): number => ds.reduce((n, d) => n + countSpans(d), 0);
    const nLogs = (ds: LogsData[]): number => ds.reduce((n, d) => n + countLogRecords(d), 0);
    await until(`${want.traces} spans and ${want.logs} log records in the Collector's files (its log:\n${collector.logs().slice(-2000)})`, () => {
      return nSpans(traces.json()) >= want.traces && nSpans(traces.proto()) >= want.traces && nLogs(logs.json()) >= want.logs && nLogs(logs.proto()) >= want.logs;
    });

    const custody = { class: 'broad-use', rule: 'everything-broad', policyVersion: gateway.policy.current.version };
    for (const [format, requests] of [
      ['json', traces.json()],
      ['proto', traces.proto()],
    ] as const) {
      const spans: Span[] = requests.flatMap(spansOf);
      expect(spans, format).toHaveLength(want.traces);
      expect(custodyProblems(spans, custody), format).toEqual([]);
      expect(redactionsOf(spans), format).toBeGreaterThan(0);
      expect(leakedValues(requests.map((d) => encodeTracesJson(d)).join('\n')), format).toEqual([]);
    }
    for (const [format, requests] of [
      ['json', logs.json()],
      ['proto', logs.proto()],
    ] as const) {
      const records = requests.flatMap(logRecordsOf);
      expect(records, format).toHaveLength(want.logs);
      expect(custodyProblems(records, custody), format).toEqual([]);
      expect(redactionsOf(records), format).toBeGreaterThan(0);
      expect(leakedValues(requests.map((d) => encodeLogsJson(d)).join('\n')), format).toEqual([]);
    }
    // And the bytes as the Collector wrote them, in case a value hides where a decoder does not look.
    for (const file of [...traces.files, ...logs.files]) expect(leakedValues(readFileSync(file, 'latin1')), file).toEqual([]);
  });
});
