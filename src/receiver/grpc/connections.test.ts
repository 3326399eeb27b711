/**
 * The gRPC receiver's connection bounds over real loopback sockets: real grpc-js clients for calls,
 * Node's own HTTP/2 client where a test needs frames grpc-js will not send (a ping flood, a
 * connection that never calls). Asserted by events (GOAWAY, close, counters), never by wall clock.
 */
import { connect, constants as h2, type ClientHttp2Session } from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { closeGrpcClients, grpcExport } from '../../../test/support/grpc-client.js';
import { RecordingMetrics } from '../../../test/support/recording-metrics.js';
import { DEFAULTS, type GrpcConnectionLimits } from '../../config/types.js';
import { InflightBudget } from '../inflight-budget.js';
import type { HandleRequest, PipelineResult } from '../types.js';
import { MAX_PING_STRIKES, PingPolicy, grpcServerOptions } from './connections.js';
import { createGrpcReceiver } from './server.js';

const quiet = { debug() {}, warn() {}, error() {} };
const accepted: PipelineResult = { status: 'accepted', rejected: { count: 0, message: '' } };
const body = Buffer.from('0a00', 'hex'); // one empty ResourceSpans

const receivers: { close(deadline: number): Promise<void> }[] = [];
const sessions: ClientHttp2Session[] = [];
afterEach(async () => {
  closeGrpcClients();
  for (const s of sessions.splice(0)) s.destroy();
  await Promise.all(receivers.splice(0).map((r) => r.close(Date.now())));
});

async function start(connections: Partial<GrpcConnectionLimits>, handle: HandleRequest = () => accepted) {
  const metrics = new RecordingMetrics();
  const r = createGrpcReceiver({
    limits: { maxRequestBodyBytes: 1024 * 1024, connections: { ...DEFAULTS.grpcConnections, ...connections } },
    inflight: new InflightBudget(1024 * 1024),
    handle,
    metrics,
    logger: quiet,
  });
  receivers.push(r);
  const port = await r.listen('127.0.0.1', 0);
  return { address: `127.0.0.1:${port}`, port, metrics };
}

function rawSession(port: number): Promise<ClientHttp2Session> {
  const s = connect(`http://127.0.0.1:${port}`);
  sessions.push(s);
  s.on('error', () => {});
  return new Promise((resolve) => s.once('connect', () => resolve(s)));
}

/** The GOAWAY the server sends on `s`, and that the connection then closes. */
function goawayThenClose(s: ClientHttp2Session): Promise<{ code: number; debug: string; closed: boolean }> {
  return new Promise((resolve) => {
    s.once('goaway', (code: number, _last: number, data?: Buffer) => {
      const got = { code, debug: data ? data.toString() : '' };
      if (s.closed || s.destroyed) resolve({ ...got, closed: true });
      else s.once('close', () => resolve({ ...got, closed: true }));
    });
  });
}

describe('PingPolicy: grpc-go keepalive enforcement', () => {
  it.each([
    // [name, limits, pings as [ms, active streams] (and "s" = the server sent something before it), index of the ping that is one too many]
    ['no call in progress, pings not permitted: the 4th ping closes', { minPingIntervalMs: 300_000, permitPingsWithoutStream: false }, [[0, 0], [1, 0], [2, 0], [3, 0]], 3],
    ['calls in progress, pings closer than min_time: the 4th closes', { minPingIntervalMs: 1000, permitPingsWithoutStream: false }, [[0, 1], [10, 1], [20, 1], [30, 1]], 3],
    ['calls in progress, pings min_time apart: never', { minPingIntervalMs: 1000, permitPingsWithoutStream: false }, [[0, 1], [1000, 1], [2000, 1], [3000, 1], [4000, 1]], -1],
    ['permitted without a call, min_time apart: never', { minPingIntervalMs: 1000, permitPingsWithoutStream: true }, [[0, 0], [1000, 0], [2000, 0], [3000, 0]], -1],
    ['permitted without a call, too close: the 4th closes', { minPingIntervalMs: 1000, permitPingsWithoutStream: true }, [[0, 0], [1, 0], [2, 0], [3, 0]], 3],
    ['min_time 0: never', { minPingIntervalMs: 0, permitPingsWithoutStream: true }, [[0, 1], [0, 1], [0, 1], [0, 1], [0, 1]], -1],
    ['the server answering between pings resets the strikes (BDP probes): never', { minPingIntervalMs: 300_000, permitPingsWithoutStream: false }, [[0, 1], [1, 1, 's'], [2, 1], [3, 1, 's'], [4, 1], [5, 1, 's'], [6, 1]], -1],
  ] as const)('%s', (_name, limits, pings, tooMany) => {
    const p = new PingPolicy(limits);
    const verdicts = pings.map(([at, active, sent]) => {
      if (sent === 's') p.sent();
      return p.ping(at, active);
    });
    expect(verdicts.indexOf(true)).toBe(tooMany);
    if (tooMany >= 0) expect(tooMany).toBe(MAX_PING_STRIKES + 1);
  });
});

describe('grpcServerOptions', () => {
  it('maps the Collector keys to the grpc-js channel options; age only when configured', () => {
    expect(grpcServerOptions(DEFAULTS.grpcConnections)).toEqual({
      'grpc.max_concurrent_streams': 100,
      'grpc.max_connection_idle_ms': 300_000,
      'grpc.keepalive_time_ms': 7_200_000,
      'grpc.keepalive_timeout_ms': 20_000,
    });
    expect(grpcServerOptions({ ...DEFAULTS.grpcConnections, maxConnectionAgeMs: 60_000, maxConnectionAgeGraceMs: 5000 })).toMatchObject({
      'grpc.max_connection_age_ms': 60_000,
      'grpc.max_connection_age_grace_ms': 5000,
    });
  });
});

describe('gRPC receiver connection bounds', () => {
  it('max_connections: connection N+1 is closed at accept and counted; the first N keep getting OK', async () => {
    const { address, metrics } = await start({ maxConnections: 2 });
    expect((await grpcExport(address, 'traces', body, { connection: 'a' })).code).toBe(GrpcStatus.OK);
    expect((await grpcExport(address, 'traces', body, { connection: 'b' })).code).toBe(GrpcStatus.OK);
    const third = await grpcExport(address, 'traces', body, { connection: 'c', deadlineMs: 5000 });
    expect(third.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(metrics.connectionsClosedBy.get('grpc|max_connections')).toBeGreaterThanOrEqual(1);
    expect((await grpcExport(address, 'traces', body, { connection: 'a' })).code).toBe(GrpcStatus.OK);
    expect((await grpcExport(address, 'logs', body, { connection: 'b' })).code).toBe(GrpcStatus.OK);
  });

  it('max_connection_idle: a connection with no call in progress gets GOAWAY (NO_ERROR) and is closed', async () => {
    const { address, port } = await start({ maxConnectionIdleMs: 200 });
    const s = await rawSession(port);
    expect(await goawayThenClose(s)).toEqual({ code: h2.NGHTTP2_NO_ERROR, debug: '', closed: true });
    // A client that reconnects, as grpc-js does after GOAWAY, is served.
    expect((await grpcExport(address, 'traces', body)).code).toBe(GrpcStatus.OK);
  });

  it('max_concurrent_streams: calls past it on one connection wait for a free stream, then all get OK', async () => {
    let inHandle = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    let reached: () => void = () => {};
    const twoIn = new Promise<void>((r) => (reached = r));
    const handle: HandleRequest = () => {
      inHandle++;
      most = Math.max(most, inHandle);
      if (inHandle === 2) reached();
      return new Promise((resolve) =>
        gates.push(() => {
          inHandle--;
          resolve(accepted);
        }),
      );
    };
    const { address } = await start({ maxConcurrentStreams: 2 }, handle);
    const calls = Array.from({ length: 6 }, () => grpcExport(address, 'traces', body, { connection: 'one' }));
    await twoIn;
    // Give the other four every chance to get in (they must not) before letting the first two go.
    await new Promise((r) => setTimeout(r, 200));
    expect(inHandle).toBe(2);
    const drain = setInterval(() => gates.splice(0).forEach((g) => g()), 5);
    const results = await Promise.all(calls);
    clearInterval(drain);
    expect(results.map((r) => r.code)).toEqual(Array(6).fill(GrpcStatus.OK));
    expect(most).toBe(2);
  });

  it('keepalive.enforcement_policy: a ping flood gets GOAWAY ENHANCE_YOUR_CALM too_many_pings, counted; a good client keeps getting OK', async () => {
    const { address, port, metrics } = await start({});
    expect((await grpcExport(address, 'traces', body, { connection: 'good' })).code).toBe(GrpcStatus.OK);
    const flood = await rawSession(port);
    const goaway = goawayThenClose(flood);
    for (let i = 0; i < 10 && !flood.destroyed; i++) flood.ping(() => {});
    expect(await goaway).toEqual({ code: h2.NGHTTP2_ENHANCE_YOUR_CALM, debug: 'too_many_pings', closed: true });
    expect(metrics.connectionsClosedBy.get('grpc|too_many_pings')).toBe(1);
    for (let i = 0; i < 3; i++) expect((await grpcExport(address, 'traces', body, { connection: 'good' })).code).toBe(GrpcStatus.OK);
  });

  it('messages still arriving hold at most the in-flight budget\'s size: a stream past it is reset REFUSED_STREAM (UNAVAILABLE, retried); a whole message still gets OK', async () => {
    // A budget of 1 MiB; two connections each announce a 900 KiB message and send 600 KiB of it, then
    // wait: whichever stream's frame comes second past the budget is reset, the other keeps its share.
    const { address, port, metrics } = await start({});
    const open = async () => {
      const s = await rawSession(port);
      const st = s.request({ ':method': 'POST', ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export', 'content-type': 'application/grpc', te: 'trailers' });
      st.on('error', () => {});
      const closed = new Promise<typeof st>((resolve) => st.once('close', () => resolve(st)));
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(900 * 1024, 1);
      st.write(Buffer.concat([prefix, Buffer.alloc(600 * 1024)]));
      return { st, closed };
    };
    const streams = [await open(), await open()];
    const refused = await Promise.race(streams.map((x) => x.closed));
    expect(refused.rstCode).toBe(h2.NGHTTP2_REFUSED_STREAM);
    expect(streams.filter((x) => x.st.closed)).toHaveLength(1);
    expect(metrics.grpcStreamsRefusedBy.get('inflight_budget')).toBe(1);
    expect((await grpcExport(address, 'traces', body)).code).toBe(GrpcStatus.OK);
  });
});
