/**
 * The OTLP/gRPC receiver, black box: every gRPC code it answers, for the three services, with the real
 * producer fixtures. grpc-js has no in-process transport, so these go over a loopback socket on an
 * OS-assigned port; the pipeline behind it decodes with the real codecs (as app.test.ts's harness).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { closeGrpcClients, grpcExport } from '../../../test/support/grpc-client.js';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from '../../../test/support/fixture-paths.js';
import { decodeRaw } from '../../gateway/pipeline.js';
import { decodeResponse } from '../../otlp/response.js';
import type { Signal, SignalRequest } from '../../otlp/signal.js';
import { countItems } from '../../otlp/signal.js';
import type { RequestContext } from '../../policy/types.js';
import { noopMetrics } from '../../telemetry/metrics-types.js';
import { createReceiverApp } from '../app.js';
import { InflightBudget } from '../inflight-budget.js';
import { IntakeSwitch } from '../intake.js';
import type { HandleRequest, PipelineResult } from '../types.js';
import { createGrpcReceiver, type GrpcReceiverDeps } from './server.js';

const quiet = { debug() {}, warn() {}, error() {} };

class Harness {
  handled: { request: SignalRequest; ctx: RequestContext }[] = [];
  next: PipelineResult = { status: 'accepted', rejected: { count: 0, message: '' } };
  served = new Set<Signal>(['traces', 'logs', 'metrics']);
  codes: number[] = [];
  handle: HandleRequest = (raw) => {
    if (!this.served.has(raw.signal)) return { status: 'not_served', message: `this gateway has no routes for ${raw.signal}` };
    const decoded = decodeRaw(raw, { maxDepth: 64 });
    if (!decoded.ok) return decoded.refused;
    this.handled.push({ request: decoded.value, ctx: raw.ctx });
    return this.next;
  };
}

const receivers: { close(deadline: number): Promise<void> }[] = [];
afterEach(async () => {
  closeGrpcClients();
  await Promise.all(receivers.splice(0).map((r) => r.close(Date.now())));
});

async function start(h: Harness, over: Partial<GrpcReceiverDeps> = {}): Promise<string> {
  const r = createGrpcReceiver({
    limits: { maxRequestBodyBytes: 20 * 1024 * 1024 },
    inflight: new InflightBudget(512 * 1024 * 1024),
    handle: h.handle,
    metrics: { ...noopMetrics, requests: (code) => void h.codes.push(code) },
    logger: quiet,
    ...over,
  });
  receivers.push(r);
  const port = await r.listen('127.0.0.1', 0);
  return `127.0.0.1:${port}`;
}

const traces = readFileSync(join(PRODUCERS_DIR, 'traceloop.pb'));
const logs = readFileSync(join(PRODUCERS_LOGS_DIR, 'js-openai.logs.pb'));

describe('OTLP/gRPC receiver', () => {
  it('OK for TraceService, LogsService and MetricsService, plain and gzip; the request reaches the pipeline as bytes of its signal', async () => {
    const h = new Harness();
    const address = await start(h);
    const metrics = Buffer.from('0a00', 'hex'); // one empty ResourceMetrics
    for (const gzip of [false, true]) {
      for (const [signal, body] of [['traces', traces], ['logs', logs], ['metrics', metrics]] as const) {
        const r = await grpcExport(address, signal, body, { gzip });
        expect(r).toEqual({ code: GrpcStatus.OK, details: '', response: new Uint8Array(0) }); // full success: partial_success unset
      }
    }
    expect(h.handled.map((x) => x.request.signal)).toEqual(['traces', 'logs', 'metrics', 'traces', 'logs', 'metrics']);
    expect(countItems(h.handled[1]!.request)).toBe(13);
    expect(h.codes.every((c) => c === 0)).toBe(true);
  });

  it('answers partial_success in the response when records were refused', async () => {
    const h = new Harness();
    h.next = { status: 'accepted', rejected: { count: 2, message: '2 log record(s) rejected: tenant' } };
    const r = await grpcExport(await start(h), 'logs', logs);
    expect(r.code).toBe(GrpcStatus.OK);
    expect(decodeResponse(r.response!, 'protobuf', 'logs')).toEqual({ partialSuccess: { rejectedSpans: 2n, errorMessage: '2 log record(s) rejected: tenant' } });
  });

  it('INVALID_ARGUMENT for an undecodable or over-deep message, naming the reason', async () => {
    const h = new Harness();
    const address = await start(h);
    const garbage = await grpcExport(address, 'traces', Buffer.from([0x0a, 0x05, 0x00]));
    expect(garbage).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, details: 'cannot decode protobuf ExportTraceServiceRequest: truncated length-delimited field' });
    expect(garbage.retryDelayMs).toBeUndefined();
    // A log body 65 levels deep: kvlist → 64 nested arrays.
    let v = Buffer.alloc(0);
    for (let i = 0; i < 64; i++) v = Buffer.concat([Buffer.from([0x2a]), len(Buffer.concat([Buffer.from([0x0a]), len(v)]))]);
    const kv = Buffer.concat([Buffer.from([0x0a, 1, 0x6b, 0x12]), len(v)]);
    const body = Buffer.concat([Buffer.from([0x2a]), len(Buffer.concat([Buffer.from([0x32]), len(Buffer.concat([Buffer.from([0x0a]), len(kv)]))]))]);
    const deep = Buffer.concat([Buffer.from([0x0a]), len(Buffer.concat([Buffer.from([0x12]), len(Buffer.concat([Buffer.from([0x12]), len(body)]))]))]);
    const r = await grpcExport(address, 'logs', deep);
    expect(r.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(r.details).toMatch(/nesting exceeds 64$/);
    expect(h.handled).toHaveLength(0);
  });

  it('UNAUTHENTICATED without a known bearer token; the token decides the tenant', async () => {
    const h = new Harness();
    const address = await start(h, { auth: { tokens: [{ token: 'tok-acme', tenant: 'acme' }] } });
    expect(await grpcExport(address, 'traces', traces)).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED, details: 'missing bearer token' });
    expect(await grpcExport(address, 'traces', traces, { token: 'tok-globex' })).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED, details: 'unknown bearer token' });
    expect(h.handled).toHaveLength(0);
    expect((await grpcExport(address, 'logs', logs, { token: 'tok-acme' })).code).toBe(GrpcStatus.OK);
    expect(h.handled[0]!.ctx).toEqual({ authTenant: 'acme' });
  });

  it('UNAVAILABLE with RetryInfo when the export queues are full', async () => {
    const h = new Harness();
    h.next = { status: 'unavailable', retryAfterSeconds: 5, reason: 'queue_full' };
    const r = await grpcExport(await start(h), 'traces', traces);
    expect(r).toEqual({ code: GrpcStatus.UNAVAILABLE, details: 'export queues are full; retry later', retryDelayMs: 5000 });
  });

  it('UNAVAILABLE with RetryInfo for every call once intake has stopped (shutdown), on a connection already open', async () => {
    const h = new Harness();
    const intake = new IntakeSwitch(2);
    const address = await start(h, { intake });
    expect((await grpcExport(address, 'traces', traces)).code).toBe(GrpcStatus.OK);
    intake.close();
    for (const [signal, body] of [['traces', traces], ['logs', logs]] as const) {
      expect(await grpcExport(address, signal, body)).toEqual({ code: GrpcStatus.UNAVAILABLE, details: 'the gateway is shutting down; retry later', retryDelayMs: 2000 });
    }
    expect(h.handled).toHaveLength(1); // nothing after the switch reached the pipeline
  });

  it('RESOURCE_EXHAUSTED with RetryInfo when requests in flight hold the memory budget, shared with OTLP/HTTP', async () => {
    const h = new Harness();
    const inflight = new InflightBudget(64 * 1024);
    const address = await start(h, { inflight });
    const app = createReceiverApp({ limits: { maxRequestBodyBytes: 1024 * 1024 }, inflight, handle: h.handle, metrics: noopMetrics, logger: quiet });
    // An HTTP client trickling a body holds 60 KiB of the budget.
    let finish!: () => void;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(60 * 1024));
        finish = () => controller.close();
      },
    });
    const slow = app.request('/v1/traces', { method: 'POST', body: stalled, headers: { 'content-type': 'application/x-protobuf' }, duplex: 'half' } as RequestInit);
    await new Promise((r) => setTimeout(r, 20));
    const r = await grpcExport(address, 'traces', traces);
    expect(r).toEqual({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: 'requests in flight hold the memory budget; retry later', retryDelayMs: 1000 });
    finish();
    await slow;
    expect((await grpcExport(address, 'traces', traces)).code).toBe(GrpcStatus.OK);
    expect(inflight.usedBytes).toBe(0);
  });

  it("over the size limit, compressed or once inflated: grpc-js's own RESOURCE_EXHAUSTED without RetryInfo (final)", async () => {
    const h = new Harness();
    const address = await start(h, { limits: { maxRequestBodyBytes: 64 * 1024 } });
    const big = await grpcExport(address, 'traces', Buffer.alloc(100 * 1024));
    expect(big.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(big.retryDelayMs).toBeUndefined();
    // 8 MiB of zeros is ~8 KiB gzip-compressed: small on the wire, over the limit inflated.
    const bomb = await grpcExport(address, 'traces', Buffer.alloc(8 * 1024 * 1024), { gzip: true });
    expect(bomb.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(bomb.details).toMatch(/decompresses to a size larger than 65536/);
    expect(bomb.retryDelayMs).toBeUndefined();
    expect(h.handled).toHaveLength(0);
  });

  it('INVALID_ARGUMENT (final) when a message within the limit decodes to too much memory', async () => {
    const h = new Harness();
    const address = await start(h, { limits: { maxRequestBodyBytes: 20 * 1024 * 1024, maxDecodedBytes: 1024 * 1024 } });
    // 100 000 empty log records (`12 00` each) decode to ~70 MB of estimated heap.
    const records = Buffer.alloc(200_000);
    for (let i = 0; i < records.length; i += 2) records[i] = 0x12;
    const body = Buffer.concat([Buffer.from([0x0a]), len(Buffer.concat([Buffer.from([0x12]), len(records)]))]);
    const r = await grpcExport(address, 'logs', body);
    expect(r.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(r.details).toMatch(/decodes to more than 1048576 bytes of memory/);
    expect(r.retryDelayMs).toBeUndefined();
  });

  it('UNIMPLEMENTED, saying so, for each signal with no routes', async () => {
    const h = new Harness();
    h.served = new Set(['traces']);
    const address = await start(h);
    expect(await grpcExport(address, 'metrics', Buffer.alloc(0))).toMatchObject({ code: GrpcStatus.UNIMPLEMENTED, details: 'this gateway has no routes for metrics' });
    expect((await grpcExport(address, 'logs', logs)).code).toBe(GrpcStatus.UNIMPLEMENTED);
  });

  it('INTERNAL when the pipeline fails, logged without payload; the next call is served', async () => {
    const h = new Harness();
    const logged: unknown[] = [];
    let fail = true;
    const address = await start(h, {
      handle: (raw) => {
        if (fail) throw new TypeError('boom');
        return h.handle(raw);
      },
      logger: { ...quiet, error: (o: object) => void logged.push(o) },
    });
    expect(await grpcExport(address, 'traces', traces)).toMatchObject({ code: GrpcStatus.INTERNAL, details: 'internal error' });
    expect(JSON.stringify(logged)).toContain('TypeError');
    expect(JSON.stringify(logged)).not.toContain('jane.doe@example.com');
    fail = false;
    expect((await grpcExport(address, 'traces', traces)).code).toBe(GrpcStatus.OK);
  });

  it('a corrupt gzip message is refused (by grpc-js, INTERNAL) without reaching the pipeline', async () => {
    const h = new Harness();
    const address = await start(h);
    // Written frame by frame over HTTP/2: a gRPC message whose compressed flag is set, not gzip inside.
    const session = connect(`http://${address}`);
    const stream = session.request({ ':method': 'POST', ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export', 'content-type': 'application/grpc', 'grpc-encoding': 'gzip', te: 'trailers' });
    const trailers = new Promise<Record<string, unknown>>((resolve) => {
      stream.on('trailers', (t) => resolve(t));
      stream.on('response', (headers) => {
        if (headers['grpc-status'] !== undefined) resolve(headers);
      });
    });
    stream.resume();
    stream.end(Buffer.concat([Buffer.from([1, 0, 0, 0, 5]), Buffer.from([0x1f, 0x8b, 1, 2, 3])]));
    const t = await trailers;
    session.close();
    expect(Number(t['grpc-status'])).toBe(GrpcStatus.INTERNAL);
    expect(decodeURIComponent(String(t['grpc-message']))).toBe('Failed to decompress message');
    expect(h.handled).toHaveLength(0);
  });
});

describe('closing', () => {
  it('a call in flight when close() starts is answered; close() returns soon after, not at its deadline', async () => {
    const h = new Harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const r = createGrpcReceiver({
      limits: { maxRequestBodyBytes: 1024 * 1024 },
      inflight: new InflightBudget(64 * 1024 * 1024),
      handle: async (raw) => {
        await gate;
        return h.handle(raw);
      },
      metrics: noopMetrics,
      logger: quiet,
    });
    const address = `127.0.0.1:${await r.listen('127.0.0.1', 0)}`;
    const call = grpcExport(address, 'traces', traces);
    await new Promise((res) => setTimeout(res, 100));
    const started = Date.now();
    const closed = r.close(started + 20_000);
    setTimeout(release, 100);
    expect((await call).code).toBe(GrpcStatus.OK);
    closeGrpcClients(); // the client keeps its connection open otherwise, as a Collector would
    await closed;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.handled).toHaveLength(1);
  });

  it('with nothing in flight, an idle client connection does not hold close() to its deadline', async () => {
    const h = new Harness();
    const r = createGrpcReceiver({ limits: { maxRequestBodyBytes: 1024 * 1024 }, inflight: new InflightBudget(64 * 1024 * 1024), handle: h.handle, metrics: noopMetrics, logger: quiet });
    const address = `127.0.0.1:${await r.listen('127.0.0.1', 0)}`;
    expect((await grpcExport(address, 'traces', traces)).code).toBe(GrpcStatus.OK);
    const started = Date.now();
    await r.close(started + 20_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

/** A varint length prefix and the bytes. */
function len(b: Buffer): Buffer {
  const out: number[] = [];
  let n = b.length;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.concat([Buffer.from(out), b]);
}
