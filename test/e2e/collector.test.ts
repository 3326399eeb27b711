/**
 * Loopgate with a real OpenTelemetry Collector on either side, the Collector built by
 * `bash scripts/peers.sh` from test/peers/otelcol-builder.yaml (suites skip, saying so, without it;
 * CI always runs them):
 *
 *   Collector → Loopgate   apps → Collector (the repo's otel-collector.yaml, unchanged but for its
 *                          listen ports) → Loopgate → per-class sink, as the README deploys it;
 *   Loopgate → Collector   Loopgate's otlphttp exporters (protobuf+gzip and JSON) → a Collector's
 *                          OTLP receiver → its file exporters (JSON lines and length-prefixed
 *                          protobuf), whose output is read back with an independent codec.
 *
 * Both assert that every span that arrives is stamped with its custody and that no planted value
 * of the fixture READMEs reaches any sink. Each suite is a table of legs (transport × signal), so
 * the OTLP-surface issue adds gRPC (Loopgate's gRPC receiver, the `otlp` exporter type) and logs
 * as rows rather than new suites.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/start.js';
import { decodeTracesProtobuf } from '../../src/otlp/decode-protobuf.js';
import { encodeTracesJson } from '../../src/otlp/encode-json.js';
import { countSpans, type Span, type TracesData } from '../../src/otlp/model.js';
import { decodeWithProtobufjs, readOtlpJsonWithProtobufjs } from '../proto/pbjs.js';
import { startCollector, type RunningCollector } from '../support/collector.js';
import { custodyProblems, redactionsOf, spansOf } from '../support/custody.js';
import { PRODUCERS_DIR, REPO_ROOT } from '../support/fixture-paths.js';
import { startInteropGateway } from '../support/interop-gateway.js';
import { describeWithPeers } from '../support/peers.js';
import { leakedValues } from '../support/planted.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';

const TOKEN = 'collector-token-5b1e';
/** The producer payloads with GenAI content (otel-openai carries none, and another tenant). */
const CONTENT_FIXTURES = ['traceloop', 'openinference', 'vercel-ai'];

let gateway: RunningGateway | undefined;
let sink: OtlpSink | undefined;
let collector: RunningCollector | undefined;

afterEach(async () => {
  await collector?.close();
  await gateway?.close();
  await sink?.close();
  collector = gateway = sink = undefined;
});

function fixture(name: string): { body: Buffer; spans: number } {
  const body = readFileSync(join(PRODUCERS_DIR, `${name}.pb`));
  const decoded = decodeTracesProtobuf(body);
  if (!decoded.ok) throw new Error(`${name}.pb: ${decoded.error}`);
  return { body, spans: countSpans(decoded.value) };
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

/** How Collector → Loopgate is wired: the shipped config, and what to change in it for a leg. */
interface InboundLeg {
  name: string;
  /** otel-collector.yaml → the config this leg runs; only listen ports may change. */
  collectorConfig: (shipped: string, ports: { grpc: number; http: number }) => string;
}

const INBOUND: InboundLeg[] = [
  {
    name: 'traces over OTLP/HTTP (otel-collector.yaml as shipped)',
    collectorConfig: (shipped, ports) =>
      shipped
        .replace('0.0.0.0:4317', `127.0.0.1:${ports.grpc}`)
        .replace('0.0.0.0:4318', `127.0.0.1:${ports.http}`)
        // The Collector's own metrics would listen on :8888, shared by every test run on the machine.
        .concat('  telemetry:\n    metrics:\n      level: none\n'),
  },
];

describeWithPeers('Collector → Loopgate', ['otelcol'], (peer) => {
  it.each(INBOUND)('$name: what apps send the Collector arrives redacted and stamped', async (leg) => {
    sink = await startOtlpSink();
    gateway = await startInteropGateway({
      policy: 'examples/tenant-isolated.yaml',
      auth: { token: TOKEN, tenant: 'globex' },
      exporters: { 'otlphttp/tenant': `{ endpoint: "${sink.url}/{tenant}" }` },
      routes: { 'tenant-only': ['otlphttp/tenant'] },
    });

    const shipped = readFileSync(join(REPO_ROOT, 'otel-collector.yaml'), 'utf8');
    collector = await startCollector(peer.otelcol, (ports) => leg.collectorConfig(shipped, ports), {
      env: { LOOPGATE_ENDPOINT: gateway.receiverUrl, LOOPGATE_TOKEN: TOKEN },
    });

    let expected = 0;
    for (const name of CONTENT_FIXTURES) {
      const { body, spans } = fixture(name);
      expected += spans;
      expect(await post(`http://127.0.0.1:${collector.ports.http}/v1/traces`, body)).toBe(200);
    }

    await sink.waitForSpans(expected, 20_000);
    const spans = sink.spans();
    expect(spans).toHaveLength(expected);
    expect(custodyProblems(spans, { class: 'tenant-only', policyVersion: gateway.policy.current.version })).toEqual([]);
    expect(redactionsOf(spans)).toBeGreaterThan(0);
    // The Collector's otlphttp exporter sent protobuf, gzip-compressed, with the tenant's bearer token.
    for (const r of sink.accepted()) {
      expect(r).toMatchObject({ path: '/globex/v1/traces', encoding: 'protobuf', gzip: true });
    }
    expect(leakedValues(sink.accepted().map((r) => encodeTracesJson(r.data!)).join('\n'))).toEqual([]);
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
    name: 'traces over OTLP/HTTP, protobuf+gzip and JSON',
    exporters: (p) => ({
      'otlphttp/proto': `{ endpoint: "http://127.0.0.1:${p.http}" }`,
      'otlphttp/json': `{ endpoint: "http://127.0.0.1:${p.http}", encoding: json, compression: none }`,
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

describeWithPeers('Loopgate → Collector', ['otelcol'], (peer) => {
  it.each(OUTBOUND)('$name: the Collector writes decodable, stamped spans with no planted value', async (leg) => {
    collector = await startCollector(peer.otelcol, (ports, dir) =>
      [
        'receivers:',
        '  otlp:',
        '    protocols:',
        `      grpc: { endpoint: "127.0.0.1:${ports.grpc}" }`,
        `      http: { endpoint: "127.0.0.1:${ports.http}" }`,
        'exporters:',
        `  file/json: { path: ${JSON.stringify(join(dir, 'traces.jsonl'))}, flush_interval: 100ms }`,
        `  file/proto: { path: ${JSON.stringify(join(dir, 'traces.pb'))}, format: proto, flush_interval: 100ms }`,
        'service:',
        '  telemetry: { metrics: { level: none } }',
        '  pipelines:',
        '    traces: { receivers: [otlp], exporters: [file/json, file/proto] }',
        '',
      ].join('\n'),
    );

    const exporters = leg.exporters(collector.ports);
    const ids = Object.keys(exporters);
    gateway = await startInteropGateway({ policy: 'examples/redact-all.yaml', exporters, routes: { 'broad-use': ids } });

    let sent = 0;
    for (const name of ['otel-openai', ...CONTENT_FIXTURES]) {
      const { body, spans } = fixture(name);
      sent += spans;
      expect(await post(`${gateway.receiverUrl}/v1/traces`, body)).toBe(200);
    }
    // Every span reaches the Collector once per Loopgate exporter.
    const expected = sent * ids.length;

    const jsonFile = join(collector.dir, 'traces.jsonl');
    const protoFile = join(collector.dir, 'traces.pb');
    const fromJson = (): TracesData[] =>
      readOrEmpty(jsonFile)
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => readOtlpJsonWithProtobufjs(l));
    const fromProto = (): TracesData[] => lengthPrefixed(readOrEmpty(protoFile)).map((b) => decodeWithProtobufjs(b));
    const total = (ds: TracesData[]): number => ds.reduce((n, d) => n + countSpans(d), 0);
    await until(`${expected} spans in the Collector's files (its log:\n${collector.logs().slice(-2000)})`, () => {
      return total(fromJson()) >= expected && total(fromProto()) >= expected;
    });

    for (const [format, requests] of [
      ['json', fromJson()],
      ['proto', fromProto()],
    ] as const) {
      const spans: Span[] = requests.flatMap(spansOf);
      expect(spans, format).toHaveLength(expected);
      expect(custodyProblems(spans, { class: 'broad-use', rule: 'everything-broad', policyVersion: gateway.policy.current.version }), format).toEqual([]);
      expect(redactionsOf(spans), format).toBeGreaterThan(0);
      expect(leakedValues(requests.map((d) => encodeTracesJson(d)).join('\n')), format).toEqual([]);
    }
    // And the bytes as the Collector wrote them, in case a value hides where a decoder does not look.
    expect(leakedValues(readFileSync(jsonFile, 'utf8'))).toEqual([]);
    expect(leakedValues(readFileSync(protoFile, 'latin1'))).toEqual([]);
  });
});
