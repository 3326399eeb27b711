import { AssertionError } from 'node:assert';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../../test/support/otlp-sink.js';
import { genAiTraces } from '../../test/support/spans.js';
import { newLogRecord } from '../otlp/logs-model.js';
import { countSpans, emptyResource, emptyScope } from '../otlp/model.js';
import { OtlpHttpExporter } from './otlphttp-exporter.js';
import type { OtlpHttpExporterOptions } from './options.js';
import type { ExportItem } from './types.js';
import { requestFor } from '../../test/support/scripted-exporter.js';

const data = genAiTraces(7);
const item = (...tenant: [string | undefined] | []): ExportItem => ({
  signal: 'traces',
  class: 'tenant-only',
  tenant: tenant.length ? tenant[0] : 'acme',
  data,
  spanCount: countSpans(data),
});

let sink: OtlpSink;
const exporters: OtlpHttpExporter[] = [];
const make = (opts: Partial<OtlpHttpExporterOptions> = {}, id = 'otlphttp/test'): OtlpHttpExporter => {
  const e = new OtlpHttpExporter(id, { type: 'otlphttp', endpoint: sink.url, ...opts });
  exporters.push(e);
  return e;
};
const send = async (e: OtlpHttpExporter, it: ExportItem = item(), signal?: AbortSignal) => e.export(await requestFor(e, it), signal);

afterEach(async () => {
  await Promise.all(exporters.splice(0).map((e) => e.shutdown()));
  await sink?.close();
});

describe('OtlpHttpExporter against a real OTLP sink', () => {
  it('defaults to gzip-compressed protobuf POSTed to <endpoint>/v1/traces', async () => {
    sink = await startOtlpSink();
    const e = make();
    expect(e.format.encoding).toBe('protobuf');
    expect(await send(e)).toEqual({ status: 'success' });
    const [req] = sink.received;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/traces', encoding: 'protobuf', gzip: true, status: 200 });
    expect(req!.headers['content-type']).toBe('application/x-protobuf');
    expect(req!.data).toEqual(data);
    expect(sink.spans()).toHaveLength(countSpans(data));
  });

  it('sends uncompressed OTLP/JSON when asked', async () => {
    sink = await startOtlpSink();
    const e = make({ encoding: 'json', compression: 'none' });
    expect(await send(e)).toEqual({ status: 'success' });
    const [req] = sink.received;
    expect(req).toMatchObject({ encoding: 'json', gzip: false });
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['content-encoding']).toBeUndefined();
    expect(req!.data).toEqual(data);
  });

  it('sends custom headers but keeps content type and length its own', async () => {
    sink = await startOtlpSink();
    const e = make({ headers: { Authorization: 'Bearer s3cret', 'X-Scope-OrgID': 'loopgate', 'Content-Type': 'text/plain' } });
    await send(e);
    const h = sink.received[0]!.headers;
    expect(h['authorization']).toBe('Bearer s3cret');
    expect(h['x-scope-orgid']).toBe('loopgate');
    expect(h['content-type']).toBe('application/x-protobuf');
    expect(Number(h['content-length'])).toBe(sink.received[0]!.bytes);
    expect(h['user-agent']).toMatch(/^loopgate/);
  });

  it.each([
    ['', '/v1/traces'],
    ['/', '/v1/traces'],
    ['/otlp', '/otlp/v1/traces'],
    ['/otlp/', '/otlp/v1/traces'],
    ['/custom/v1/traces', '/custom/v1/traces'],
    ['/v1/traces?x=1', '/v1/traces?x=1'],
  ])('endpoint path %j is sent to %j', async (suffix, path) => {
    sink = await startOtlpSink();
    await send(make({ endpoint: sink.url + suffix }));
    expect(sink.received[0]!.path).toBe(path);
  });

  it.each([
    ['', '/v1/logs', '/v1/metrics'],
    ['/otlp', '/otlp/v1/logs', '/otlp/v1/metrics'],
    ['/custom/v1/traces', '/custom/v1/logs', '/custom/v1/metrics'],
    ['/t/{tenant}?x=1', '/t/acme/v1/logs?x=1', '/t/acme/v1/metrics?x=1'],
  ])('endpoint path %j sends logs to %j and metrics to %j, each decoding as its signal', async (suffix, logsPath, metricsPath) => {
    sink = await startOtlpSink();
    const e = make({ endpoint: sink.url + suffix, encoding: 'json' });
    const logs: ExportItem = { signal: 'logs', class: 'tenant-only', tenant: 'acme', data: { resourceLogs: [{ resource: emptyResource(), schemaUrl: '', scopeLogs: [{ scope: emptyScope(), schemaUrl: '', logRecords: [newLogRecord({ eventName: 'e' })] }] }] }, spanCount: 1 };
    const metrics: ExportItem = { signal: 'metrics', class: undefined, tenant: 'acme', data: { resourceMetrics: [] }, spanCount: 0 };
    expect(await send(e, logs)).toEqual({ status: 'success' });
    expect(await send(e, metrics)).toEqual({ status: 'success' });
    expect(sink.received.map((r) => [r.path, r.signal, r.spanCount])).toEqual([
      [logsPath, 'logs', 1],
      [metricsPath, 'metrics', 0],
    ]);
    expect(sink.logRecords().map((r) => r.eventName)).toEqual(['e']);
  });

  it('reads partial_success of a logs response by its own JSON member name', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'partial', rejected: 1 } });
    const e = make({ encoding: 'json' });
    const logs: ExportItem = { signal: 'logs', class: 'tenant-only', tenant: 'acme', data: { resourceLogs: [{ resource: emptyResource(), schemaUrl: '', scopeLogs: [{ scope: emptyScope(), schemaUrl: '', logRecords: [newLogRecord(), newLogRecord()] }] }] }, spanCount: 2 };
    expect(await send(e, logs)).toEqual({ status: 'success', rejectedSpans: 1 });
  });

  it('expands {tenant} as one URL-encoded path segment', async () => {
    sink = await startOtlpSink();
    const e = make({ endpoint: `${sink.url}/tenants/{tenant}` });
    expect(await send(e, item('acme'))).toEqual({ status: 'success' });
    expect(await send(e, item('glo/bex ?'))).toEqual({ status: 'success' });
    expect(sink.received.map((r) => r.path)).toEqual(['/tenants/acme/v1/traces', '/tenants/glo%2Fbex%20%3F/v1/traces']);
  });

  it('fails an item without tenant when the endpoint needs one, and sends nothing', async () => {
    sink = await startOtlpSink();
    const e = make({ endpoint: `${sink.url}/{tenant}` });
    expect(await send(e, item(undefined))).toMatchObject({ status: 'failure' });
    expect(await send(e, item('..'))).toMatchObject({ status: 'failure' });
    expect(sink.received).toHaveLength(0);
  });

  it.each([
    [503, '2', { status: 'retryable', error: 'HTTP 503', retryAfterMs: 2000 }],
    [429, undefined, { status: 'retryable', error: 'HTTP 429' }],
    [502, undefined, { status: 'retryable', error: 'HTTP 502' }],
    [504, '0', { status: 'retryable', error: 'HTTP 504', retryAfterMs: 0 }],
    [400, undefined, { status: 'failure', error: 'HTTP 400' }],
    [401, undefined, { status: 'failure', error: 'HTTP 401' }],
    [404, undefined, { status: 'failure', error: 'HTTP 404' }],
    [500, '5', { status: 'failure', error: 'HTTP 500' }],
  ])('maps HTTP %i (Retry-After %j) to %j', async (status, retryAfter, expected) => {
    sink = await startOtlpSink({ behavior: { kind: 'status', status, ...(retryAfter !== undefined ? { retryAfter } : {}) } });
    expect(await send(make())).toEqual(expected);
  });

  it.each(['protobuf', 'json'] as const)('reads partial_success from a %s 200 response', async (encoding) => {
    sink = await startOtlpSink({ behavior: { kind: 'partial', rejected: 3, message: 'spans too large' } });
    expect(await send(make({ encoding }))).toEqual({ status: 'success', rejectedSpans: 3 });
    sink.setBehavior({ kind: 'partial', rejected: 0 });
    expect(await send(make({ encoding }))).toEqual({ status: 'success' });
  });

  it('times out a hung downstream as retryable', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'hang' } });
    const started = Date.now();
    expect(await send(make({ timeoutMs: 100 }))).toEqual({ status: 'retryable', error: 'timeout after 100ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a dead downstream as a retryable network error', async () => {
    sink = await startOtlpSink();
    const e = make();
    await sink.close();
    expect(await send(e)).toEqual({ status: 'retryable', error: 'network: ECONNREFUSED' });
  });

  it('stops an in-flight request when the signal aborts', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'hang' } });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    expect(await send(make({ timeoutMs: 10_000 }), item(), ac.signal)).toEqual({ status: 'retryable', error: 'aborted' });
  });

  it('sends nothing when the signal aborted before the export began (bodies are compressed at admission)', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'hang' } });
    const e = make({ timeoutMs: 10_000 });
    const stored = await requestFor(e, item());
    const ac = new AbortController();
    ac.abort();
    expect(await e.export(stored, ac.signal)).toEqual({ status: 'retryable', error: 'aborted' });
    expect(sink.received).toHaveLength(0);
  });

  it('reuses one keep-alive connection across sequential exports', async () => {
    sink = await startOtlpSink();
    const e = make();
    for (let i = 0; i < 5; i++) expect(await send(e)).toEqual({ status: 'success' });
    expect(new Set(sink.received.map((r) => r.remotePort)).size).toBe(1);
  });

  it('resends at once on a fresh connection when a reused keep-alive socket was reset', async () => {
    // A raw HTTP/1.1 server that answers the first request on each connection and resets the connection
    // (TCP RST) on the second: what a server that dropped an idle keep-alive socket looks like to the client.
    const connections: number[] = [];
    const server = net.createServer((socket) => {
      const index = connections.push(0) - 1;
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        const headerEnd = buf.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buf.subarray(0, headerEnd).toString())?.[1] ?? 0);
        if (buf.length < headerEnd + 4 + length) return;
        buf = buf.subarray(headerEnd + 4 + length);
        connections[index]!++;
        if (connections[index] === 1) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
        else socket.resetAndDestroy();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    sink = await startOtlpSink(); // unused, keeps afterEach uniform
    const e = make({ endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, timeoutMs: 2000 });
    try {
      expect(await send(e)).toEqual({ status: 'success' });
      expect(await send(e)).toEqual({ status: 'success' });
      // Connection 1: the first export, then the reused-socket attempt that was reset; connection 2: the resend.
      expect(connections).toEqual([2, 1]);
    } finally {
      await e.shutdown();
      await new Promise((r) => server.close(r));
    }
  });

  it('sends a stored request with the headers of its own encoding, and never to a target other than its own', async () => {
    sink = await startOtlpSink();
    const e = make({ endpoint: `${sink.url}/{tenant}`, headers: { authorization: 'Bearer k' } });
    const stored = await requestFor(e, item('acme'));
    expect(stored.target).toBe(`${sink.url}/acme/v1/traces`);
    // A request admitted for globex's URL (or before the endpoint moved) is refused, not redirected.
    expect(await e.export({ ...stored, target: `${sink.url}/globex/v1/traces` })).toEqual({ status: 'failure', error: 'target changed since the request was queued' });
    expect(await e.export({ ...stored, tenant: 'globex' })).toMatchObject({ status: 'failure' });
    expect(sink.received).toHaveLength(0);
    // A body stored uncompressed JSON (the config changed since) goes out as what it is.
    const json = await requestFor(new OtlpHttpExporter('otlphttp/j', { type: 'otlphttp', endpoint: `${sink.url}/{tenant}`, encoding: 'json', compression: 'none' }), item('acme'));
    expect(await e.export(json)).toEqual({ status: 'success' });
    expect(sink.received[0]).toMatchObject({ path: '/acme/v1/traces', encoding: 'json', gzip: false, status: 200 });
    expect(sink.received[0]!.headers.authorization).toBe('Bearer k');
  });

  // The config schema reports each of these at its file:line:col (src/config/testdata/bad); an exporter
  // built with one anyway is a programming error, so it asserts, naming the option.
  it.each<[Partial<OtlpHttpExporterOptions>, RegExp]>([
    [{ endpoint: 'not a url' }, /exporters\.otlphttp\/test\.endpoint/],
    [{ endpoint: 'ftp://example.com' }, /exporters\.otlphttp\/test\.endpoint/],
    [{ endpoint: 'http://{tenant}.example.com' }, /exporters\.otlphttp\/test\.endpoint/],
    [{ headers: { 'bad header': 'x' } }, /exporters\.otlphttp\/test\.headers/],
    [{ headers: { ok: 'line\nbreak' } }, /exporters\.otlphttp\/test\.headers/],
    [{ timeoutMs: 0 }, /timeout/],
    [{ encoding: 'xml' as never }, /encoding/],
    [{ compression: 'zstd' as never }, /compression/],
  ])('asserts options the config schema refuses: %j', async (opts, message) => {
    sink = await startOtlpSink();
    expect(() => make(opts)).toThrow(AssertionError);
    expect(() => make(opts)).toThrow(message);
  });
});
