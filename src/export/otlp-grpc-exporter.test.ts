import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGrpcSink, type GrpcSink, type SinkAnswer } from '../../test/support/grpc-sink.js';
import { genAiTraces } from '../../test/support/spans.js';
import { everyFieldLogsRequest, everyFieldMetricsRequest } from '../../test/proto/samples.js';
import { RecordingMetrics } from '../../test/support/recording-metrics.js';
import { requestFor } from '../../test/support/scripted-exporter.js';
import { countItems, type SignalRequest } from '../otlp/signal.js';
import { createRouter } from './factory.js';
import { mergeBodies } from './request-body.js';
import type { OtlpGrpcExporterOptions } from './options.js';
import { OtlpGrpcExporter } from './otlp-grpc-exporter.js';
import { parseOtlpGrpcEndpoint, metadataProblem } from './otlp-grpc-endpoint.js';
import { isRetryableGrpcCode } from './retryable-status.js';
import type { ExportItem } from './types.js';
import { freePort } from '../../test/support/free-port.js';


const traces = genAiTraces(5);
const itemOf = (request: SignalRequest, tenant: string | undefined = 'acme'): ExportItem => ({ ...request, class: request.signal === 'metrics' ? undefined : 'tenant-only', tenant, spanCount: countItems(request) } as ExportItem);
const tracesItem = (tenant?: string): ExportItem => itemOf({ signal: 'traces', data: traces }, tenant);

let sink: GrpcSink | undefined;
const exporters: OtlpGrpcExporter[] = [];
const make = (opts: Partial<OtlpGrpcExporterOptions> = {}): OtlpGrpcExporter => {
  const e = new OtlpGrpcExporter('otlp/test', { type: 'otlp', endpoint: sink!.address, tls: { insecure: true }, ...opts });
  exporters.push(e);
  return e;
};
const send = async (e: OtlpGrpcExporter, item: ExportItem = tracesItem(), signal?: AbortSignal) => e.export(await requestFor(e, item), signal);
const answering = async (answer: SinkAnswer | ((i: number) => SinkAnswer)): Promise<GrpcSink> =>
  (sink = await startGrpcSink({ answer: (_c, i) => (typeof answer === 'function' ? answer(i) : answer) }));

afterEach(async () => {
  await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
  await sink?.close();
  sink = undefined;
});

describe('OtlpGrpcExporter against a real gRPC server', () => {
  it('sends each signal to its service, the queue’s exact protobuf bytes, gzip-compressed by default', async () => {
    sink = await startGrpcSink();
    const e = make();
    expect(e.format).toEqual({ encoding: 'protobuf', compression: 'gzip', compressionLevel: 1 });
    const requests: SignalRequest[] = [
      { signal: 'traces', data: traces },
      { signal: 'logs', data: everyFieldLogsRequest() },
      { signal: 'metrics', data: everyFieldMetricsRequest() },
    ];
    for (const r of requests) expect(await send(e, itemOf(r))).toEqual({ status: 'success' });
    expect(sink.received.map((c) => c.signal)).toEqual(['traces', 'logs', 'metrics']);
    for (const [i, r] of requests.entries()) {
      expect(sink.received[i]!.request).toEqual(r);
      // The server sees the message inflated: the queue's bytes were gzip, sent as they were.
      expect(sink.received[i]!.bytes).toBe(e.encode(itemOf(r)).byteLength);
    }
    expect(sink.received[0]!.metadata['user-agent']).toMatch(/^loopgate-otlp\//);
  });

  it.each([
    ['gzip', 'gzip', 1],
    ['none', undefined, 0],
  ] as const)('compression %s: grpc-encoding %s, compressed flag %d (seen on the wire)', async (compression, encoding, flag) => {
    const seen: { encoding?: string; flag?: number; path?: string } = {};
    const server = http2.createServer();
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on('session', (s) => sessions.add(s));
    server.on('stream', (stream, headers) => {
      seen.path = headers[':path'];
      seen.encoding = headers['grpc-encoding'] as string | undefined;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        seen.flag = Buffer.concat(chunks)[0];
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sink = await startGrpcSink();
    try {
      const e = make({ endpoint: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, compression });
      expect(await send(e)).toEqual({ status: 'success' });
      expect(seen).toEqual({ path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', encoding, flag });
    } finally {
      for (const s of sessions) s.destroy();
      await e2close(server);
    }
  });

  it('sends configured headers as metadata, `{tenant}` expanded per item', async () => {
    sink = await startGrpcSink();
    const e = make({ headers: { Authorization: 'Bearer s3cret', 'X-Scope-OrgID': '{tenant}' }, compression: 'none' });
    await send(e, tracesItem('acme/eu'));
    expect(sink.received[0]!.metadata).toMatchObject({ authorization: 'Bearer s3cret', 'x-scope-orgid': 'acme%2Feu' });
    // The tenant's header value is part of the target: a request without a tenant cannot be placed.
    expect(e.target('traces', 'acme/eu')).toEqual({ ok: true, value: `grpc://${sink.address}/opentelemetry.proto.collector.trace.v1.TraceService/Export;x-scope-orgid=acme%2Feu` });
    expect(e.target('logs', undefined)).toMatchObject({ ok: false, error: expect.stringMatching(/x-scope-orgid: .*tenant/) });
    const r = await send(e, { ...tracesItem(), tenant: undefined });
    expect(r).toMatchObject({ status: 'failure', error: expect.stringMatching(/x-scope-orgid: .*tenant/) });
    // A request queued for another tenant header value than the exporter would now send is refused.
    const stale = { ...(await requestFor(e, tracesItem('acme'))), target: `grpc://${sink.address}/opentelemetry.proto.collector.trace.v1.TraceService/Export;x-scope-orgid=globex` };
    expect(await e.export(stale)).toEqual({ status: 'failure', error: 'target changed since the request was queued' });
    expect(sink.received).toHaveLength(1);
  });

  it('a merged queue body (gzip members one after another) arrives as one request holding both', async () => {
    sink = await startGrpcSink();
    const e = make();
    const a = await requestFor(e, tracesItem());
    const b = await requestFor(e, itemOf({ signal: 'traces', data: genAiTraces(3) }));
    const body = mergeBodies([a, b])!;
    expect(await e.export({ ...a, body, records: a.records + b.records })).toEqual({ status: 'success' });
    expect(sink.received).toHaveLength(1);
    expect(countItems(sink.received[0]!.request)).toBe(a.records + b.records);
  });

  it('reads partial_success: the refused records count as rejected', async () => {
    await answering({ code: 0, rejected: 2 });
    expect(await send(make())).toEqual({ status: 'success', rejectedSpans: 2 });
  });

  it.each([
    ['UNAVAILABLE', GrpcStatus.UNAVAILABLE, 'retryable'],
    ['ABORTED', GrpcStatus.ABORTED, 'retryable'],
    ['OUT_OF_RANGE', GrpcStatus.OUT_OF_RANGE, 'retryable'],
    ['DATA_LOSS', GrpcStatus.DATA_LOSS, 'retryable'],
    ['CANCELLED', GrpcStatus.CANCELLED, 'retryable'],
    ['RESOURCE_EXHAUSTED without RetryInfo', GrpcStatus.RESOURCE_EXHAUSTED, 'failure'],
    ['INVALID_ARGUMENT', GrpcStatus.INVALID_ARGUMENT, 'failure'],
    ['UNAUTHENTICATED', GrpcStatus.UNAUTHENTICATED, 'failure'],
    ['PERMISSION_DENIED', GrpcStatus.PERMISSION_DENIED, 'failure'],
    ['UNIMPLEMENTED', GrpcStatus.UNIMPLEMENTED, 'failure'],
    ['INTERNAL', GrpcStatus.INTERNAL, 'failure'],
    ['UNKNOWN', GrpcStatus.UNKNOWN, 'failure'],
  ])('%s from the server (code %i) → %s', async (_name, code, outcome) => {
    await answering({ code, message: 'secret value 4111 1111 1111 1111 in the message' });
    const r = await send(make());
    expect(r.status).toBe(outcome);
    // The server's message may quote data: only the code name is kept.
    expect(JSON.stringify(r)).not.toMatch(/4111|secret/);
    expect((r as { error: string }).error).toContain(GrpcStatus[code]);
  });

  it('RESOURCE_EXHAUSTED with RetryInfo is retryable after the delay it names; UNAVAILABLE with RetryInfo too', async () => {
    await answering((i) => (i === 0 ? { code: GrpcStatus.RESOURCE_EXHAUSTED, retryDelayMs: 2500 } : { code: GrpcStatus.UNAVAILABLE, retryDelayMs: 1200 }));
    const e = make();
    expect(await send(e)).toEqual({ status: 'retryable', error: 'gRPC RESOURCE_EXHAUSTED', retryAfterMs: 2500 });
    expect(await send(e)).toEqual({ status: 'retryable', error: 'gRPC UNAVAILABLE', retryAfterMs: 1200 });
  });

  it('a server that does not answer within the timeout: retryable DEADLINE_EXCEEDED', async () => {
    await answering('hang');
    const r = await send(make({ timeoutMs: 150 }));
    expect(r).toMatchObject({ status: 'retryable', error: expect.stringMatching(/timeout after 150ms/) });
  });

  it('an abort (shutdown) cancels the call: retryable', async () => {
    await answering('hang');
    const ac = new AbortController();
    const p = send(make(), tracesItem(), ac.signal);
    setTimeout(() => ac.abort(), 50);
    expect(await p).toEqual({ status: 'retryable', error: 'aborted' });
    const pre = new AbortController();
    pre.abort();
    expect(await send(make(), tracesItem(), pre.signal)).toEqual({ status: 'retryable', error: 'aborted' });
  });

  it('nobody listening: retryable UNAVAILABLE', async () => {
    const port = await freePort();
    sink = await startGrpcSink();
    const e = make({ endpoint: `127.0.0.1:${port}` });
    expect(await send(e)).toMatchObject({ status: 'retryable', error: 'gRPC UNAVAILABLE' });
  });

  it('behind the queue and retry: RESOURCE_EXHAUSTED with RetryInfo, then OK, delivers once', async () => {
    await answering((i) => (i === 0 ? { code: GrpcStatus.RESOURCE_EXHAUSTED, retryDelayMs: 10 } : { code: 0 }));
    const router = createRouter({
      exporters: { 'otlp/down': { type: 'otlp', endpoint: sink!.address, tls: { insecure: true }, retry: { initialIntervalMs: 10, maxIntervalMs: 20 } } },
      routes: { traces: { 'tenant-only': ['otlp/down'] } },
      metrics: new RecordingMetrics(),
    });
    try {
      const r = router.route([{ signal: 'traces', class: 'tenant-only', tenant: 'acme', data: traces, count: countItems({ signal: 'traces', data: traces }) }]);
      expect((await r).status).toBe('accepted');
      await until(() => sink!.records('traces') > 0);
      expect(sink!.received).toHaveLength(2);
      expect(sink!.records('traces')).toBe(countItems({ signal: 'traces', data: traces }));
    } finally {
      await router.shutdown();
    }
  });
});

describe('OtlpGrpcExporter over TLS', () => {
  let dir: string;
  let cert: Buffer;
  let key: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loopgate-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    key = readFileSync(join(dir, 'key.pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('host:port is TLS by default, trusting tls.ca_file; https:// as well', async () => {
    sink = await startGrpcSink({ tls: { cert, key } });
    expect(await send(make({ tls: { caFile: join(dir, 'cert.pem') } }))).toEqual({ status: 'success' });
    expect(await send(make({ endpoint: `https://${sink.address}`, tls: { insecure: true, caFile: join(dir, 'cert.pem') } }))).toEqual({ status: 'success' });
    expect(sink.received).toHaveLength(2);
  });

  it('a certificate nobody trusts, or plaintext to a TLS server, never delivers', async () => {
    sink = await startGrpcSink({ tls: { cert, key } });
    expect((await send(make({ tls: {}, timeoutMs: 2000 }))).status).toBe('retryable');
    expect((await send(make({ endpoint: `http://${sink.address}`, timeoutMs: 2000 }))).status).toBe('retryable');
    expect(sink.received).toHaveLength(0);
  });
});

describe('gRPC endpoint and metadata rules', () => {
  it.each([
    ['collector:4317', 'collector:4317', undefined],
    ['10.0.0.1:4317', '10.0.0.1:4317', undefined],
    ['[::1]:4317', '[::1]:4317', undefined],
    ['http://collector:4317', 'collector:4317', 'http'],
    ['https://tempo.example.com', 'tempo.example.com:443', 'https'],
    ['http://collector/', 'collector:80', 'http'],
  ])('%s → %s', (endpoint, address, scheme) => {
    expect(parseOtlpGrpcEndpoint(endpoint)).toEqual({ ok: true, value: { address, scheme } });
  });

  it.each([
    ['collector', /no port/],
    ['grpc://collector:4317', /scheme 'grpc'/],
    ['http://collector:4317/v1/traces', /no path/],
    ['http://user:pw@collector:4317', /user info/],
    ['collector:99999', /port 99999/],
    ['http://{tenant}.collector:4317', /header/],
  ])('%s is refused', (endpoint, message) => {
    const r = parseOtlpGrpcEndpoint(endpoint);
    expect(r.ok).toBe(false);
    expect((r as { error: string }).error).toMatch(message);
  });

  it('metadata: binary, transport-owned and non-ASCII headers are refused', () => {
    expect(metadataProblem('authorization', 'Bearer x')).toBeUndefined();
    expect(metadataProblem('x-trace-bin', 'x')).toMatch(/binary/);
    expect(metadataProblem('grpc-timeout', '1S')).toMatch(/transport/);
    expect(metadataProblem('content-type', 'x')).toMatch(/transport/);
    expect(metadataProblem('x-name', 'café')).toMatch(/ASCII/);
    expect(metadataProblem('bad header', 'x')).toMatch(/not a valid/);
  });

  it('the retry table follows the OTLP specification', () => {
    const retryable = Object.entries(GrpcStatus).filter(([, c]) => typeof c === 'number' && isRetryableGrpcCode(c as number, false)).map(([n]) => n);
    expect(retryable.sort()).toEqual(['ABORTED', 'CANCELLED', 'DATA_LOSS', 'DEADLINE_EXCEEDED', 'OUT_OF_RANGE', 'UNAVAILABLE']);
    expect(isRetryableGrpcCode(GrpcStatus.RESOURCE_EXHAUSTED, true)).toBe(true);
    expect(isRetryableGrpcCode(GrpcStatus.RESOURCE_EXHAUSTED, false)).toBe(false);
  });
});

function e2close(server: http2.Http2Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}


async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
