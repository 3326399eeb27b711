/**
 * The OTLP/HTTP fast path through a real socket: every status it answers, chunked and compressed
 * bodies, aborted and oversize uploads, and, request for request, the same bytes on the wire as the
 * Hono app behind @hono/node-server (the fallback, and what served every request before).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeTraces } from '../otlp/index.js';
import { newSpan, type TracesData } from '../otlp/model.js';
import { noopMetrics } from '../telemetry/metrics-types.js';
import { receiverApp } from './app.js';
import { InflightBudget } from './inflight-budget.js';
import { IntakeSwitch } from './intake.js';
import { createReceiverListener, requestHeadOf } from './node-listener.js';
import { createOtlpHttpReceiver, type OtlpHttpReceiver } from './otlp-http.js';
import type { ReceiverDeps } from './receiver-deps.js';
import type { PipelineResult, RawRequest } from './types.js';

const LIMIT = 64 * 1024;
const TOKEN = 'fast-path-token';

class Harness {
  handled: RawRequest[] = [];
  requests: [number, string][] = [];
  fallbackCalls = 0;
  next: PipelineResult = { status: 'accepted', rejected: { count: 0, message: '' } };
  inflight = new InflightBudget(1 << 20);
  intake = new IntakeSwitch();
  hold: Promise<void> | undefined;
  receiver: OtlpHttpReceiver;
  servers: Server[] = [];

  constructor(overrides: Partial<ReceiverDeps> = {}) {
    this.receiver = createOtlpHttpReceiver({
      limits: { maxRequestBodyBytes: LIMIT },
      inflight: this.inflight,
      auth: { tokens: [{ token: TOKEN, tenant: 'acme' }] },
      handle: async (raw) => {
        this.handled.push(raw);
        await this.hold;
        return this.next;
      },
      metrics: { ...noopMetrics, requests: (status, encoding) => void this.requests.push([status, encoding]) },
      logger: { debug() {}, warn() {}, error() {} },
      intake: this.intake,
      ...overrides,
    });
  }

  /** The gateway's listener (fast path, Hono fallback) or, with `honoOnly`, the Hono app alone. */
  async listen(honoOnly = false): Promise<number> {
    const hono = getRequestListener(receiverApp(this.receiver).fetch);
    const fallback: RequestListener = (req, res) => {
      this.fallbackCalls++;
      return hono(req, res);
    };
    const server = createServer(honoOnly ? hono : createReceiverListener(this.receiver, fallback));
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  close(): void {
    for (const s of this.servers) {
      s.closeAllConnections();
      s.close();
    }
  }
}

let harness: Harness | undefined;
afterEach(() => harness?.close());

/** Writes `bytes` on a fresh connection and collects what comes back until the server closes or `waitMs` passes. */
function exchange(port: number, bytes: Buffer | Buffer[], waitMs = 400): Promise<{ text: string; closed: boolean; error?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let error: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false, ...(error && { error }) });
    }, waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, ...(error && { error }) });
    });
    for (const b of Array.isArray(bytes) ? bytes : [bytes]) socket.write(b);
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
const bodyOf = (text: string): string => text.slice(text.indexOf('\r\n\r\n') + 4);
const withoutDate = (text: string): string => text.replace(/\r\nDate: [^\r]*/g, '');

const traces: TracesData = {
  resourceSpans: [
    {
      resource: { attributes: [], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [newSpan({ name: 'fast' })] }],
    },
  ],
};
const protobufBody = Buffer.from(encodeTraces(traces, 'protobuf'));

function post(body: Buffer, headers: Record<string, string> = {}, path = '/v1/traces'): Buffer {
  const all: Record<string, string> = {
    host: '127.0.0.1',
    authorization: `Bearer ${TOKEN}`,
    'content-type': 'application/x-protobuf',
    'content-length': String(body.length),
    ...headers,
  };
  const head = Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${head}\r\n`), body]);
}

function chunked(body: Buffer, headers: Record<string, string> = {}): Buffer[] {
  const head = post(Buffer.alloc(0), { ...headers, 'content-length': '', 'transfer-encoding': 'chunked' });
  const half = Math.floor(body.length / 2);
  const chunk = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
  return [head, chunk(body.subarray(0, half)), chunk(body.subarray(half)), Buffer.from('0\r\n\r\n')];
}

describe('requestHeadOf', () => {
  it('reads the five headers in any case and joins repeated ones as web Headers do (host: the first)', () => {
    const head = requestHeadOf(['HOST', 'a', 'Host', 'b', 'Content-Type', 'application/json', 'authorization', 'Bearer x', 'AUTHORIZATION', 'Bearer y', 'x-other', 'z', 'Content-Encoding', 'gzip', 'content-length', '3']);
    expect(head).toEqual({ host: 'a', contentType: 'application/json', authorization: 'Bearer x, Bearer y', contentEncoding: 'gzip', contentLength: '3' });
    expect(requestHeadOf([])).toEqual({ host: undefined, contentType: undefined, authorization: undefined, contentEncoding: undefined, contentLength: undefined });
  });
});

describe('the fast path through a real socket', () => {
  it('200 for protobuf, chunked and gzip bodies, handed over as read, without the fallback', async () => {
    harness = new Harness();
    const port = await harness.listen();
    const plain = await exchange(port, post(protobufBody));
    const inPieces = await exchange(port, chunked(protobufBody));
    const gz = gzipSync(protobufBody);
    const gzipped = await exchange(port, post(gz, { 'content-encoding': 'gzip' }));
    expect([plain, inPieces, gzipped].map((r) => statusOf(r.text))).toEqual([200, 200, 200]);
    expect(plain.text).toMatch(/\r\ncontent-type: application\/x-protobuf\r\nContent-Length: 0\r\n/);
    expect(harness.handled.map((r) => Buffer.from(r.body).equals(protobufBody))).toEqual([true, true, true]);
    expect(harness.handled[0]!.ctx.authTenant).toBe('acme');
    expect(harness.fallbackCalls).toBe(0);
    expect(harness.requests).toEqual([[200, 'protobuf'], [200, 'protobuf'], [200, 'protobuf']]);
    expect(harness.inflight.usedBytes).toBe(0);
  });

  it('with decompress: worker, hands the gzip bytes over raw with their coding and limit', async () => {
    harness = new Harness({ decompress: 'worker' });
    const port = await harness.listen();
    const gz = gzipSync(protobufBody);
    expect(statusOf((await exchange(port, post(gz, { 'content-encoding': 'gzip' }))).text)).toBe(200);
    expect(Buffer.from(harness.handled[0]!.body).equals(gz)).toBe(true);
    expect(harness.handled[0]!.compressed).toMatchObject({ coding: 'gzip', limitBytes: LIMIT });
  });

  it.each([
    ['401 without a token', post(protobufBody, { authorization: '' }), 401, /www-authenticate: Bearer realm="loopgate"/],
    ['415 for an unknown media type', post(protobufBody, { 'content-type': 'text/plain' }), 415, /content-type: application\/json/],
    ['415 for an unknown content coding', post(protobufBody, { 'content-encoding': 'br' }), 415, /content-type: application\/x-protobuf/],
    ['413 for a declared length over the limit', post(Buffer.alloc(LIMIT + 1)), 413, /connection: close/i],
    ['400 for a corrupt gzip body', post(Buffer.from('not gzip'), { 'content-encoding': 'gzip' }), 400, /content-type: application\/x-protobuf/],
  ])('%s', async (_name, request, status, header) => {
    harness = new Harness();
    const port = await harness.listen();
    const r = await exchange(port, request);
    expect(statusOf(r.text)).toBe(status);
    expect(r.text).toMatch(header);
    expect(harness.handled).toHaveLength(0);
    expect(harness.fallbackCalls).toBe(0);
    expect(harness.requests).toEqual([[status, status === 415 && /text\/plain/.test(request.toString('latin1')) ? 'unknown' : 'protobuf']]);
  });

  it('413 for a chunked body past the limit, read while it is sent, and a gzip bomb; the connection is closed', async () => {
    harness = new Harness();
    const port = await harness.listen();
    const over = await exchange(port, chunked(Buffer.alloc(LIMIT + 10)));
    const bomb = await exchange(port, post(gzipSync(Buffer.alloc(LIMIT * 4)), { 'content-encoding': 'gzip' }));
    expect([statusOf(over.text), statusOf(bomb.text)]).toEqual([413, 413]);
    expect(JSON.stringify(bodyOf(over.text))).toContain('exceeds the limit');
    expect(over.closed).toBe(true);
    expect(harness.handled).toHaveLength(0);
    expect(harness.inflight.usedBytes).toBe(0);
  });

  it('a client still writing a body refused midway gets the answer as from the Hono app: 413 then close, 503 on an open connection', async () => {
    harness = new Harness();
    const big = Buffer.alloc(4 * 1024 * 1024);
    const [fast, hono] = [await harness.listen(), await harness.listen(true)];
    // 413 says Connection: close, so the socket closes once it is out (the client may see EPIPE after it).
    const tooLarge = await Promise.all([exchange(fast, chunked(big), 2000), exchange(hono, chunked(big), 2000)]);
    expect(tooLarge.map((r) => [statusOf(r.text), r.closed])).toEqual([[413, true], [413, true]]);
    // 503 (the budget is held) keeps the connection: the rest is read and dropped, no reset.
    harness.inflight.tryTake(harness.inflight.capacityBytes - 10);
    const body = Buffer.alloc(LIMIT - 1);
    const busy = await Promise.all([exchange(fast, chunked(body), 1000), exchange(hono, chunked(body), 1000)]);
    expect(busy.map((r) => [statusOf(r.text), r.closed, r.error])).toEqual([[503, false, undefined], [503, false, undefined]]);
    expect(withoutDate(busy[0].text)).toBe(withoutDate(busy[1].text));
  });

  it('503 + Retry-After when the pipeline says unavailable, when the budget is held, and at shutdown', async () => {
    harness = new Harness();
    const port = await harness.listen();
    harness.next = { status: 'unavailable', retryAfterSeconds: 3, reason: 'queue_full' };
    const queueFull = await exchange(port, post(protobufBody));
    expect(statusOf(queueFull.text)).toBe(503);
    expect(queueFull.text).toMatch(/retry-after: 3\r\n/);
    harness.next = { status: 'accepted', rejected: { count: 0, message: '' } };
    expect(harness.inflight.tryTake(harness.inflight.capacityBytes)).toBe(true);
    const busy = await exchange(port, post(protobufBody));
    expect(statusOf(busy.text)).toBe(503);
    expect(busy.text).toMatch(/retry-after: 1\r\n/);
    harness.inflight.release(harness.inflight.capacityBytes);
    harness.intake.close();
    const closing = await exchange(port, post(protobufBody));
    expect(statusOf(closing.text)).toBe(503);
    expect(closing.text).toMatch(/connection: close/i);
    expect(closing.closed).toBe(true);
    expect(harness.handled).toHaveLength(1);
  });

  it('200 with partial_success, 400, 413 and 404 as the pipeline answers them', async () => {
    harness = new Harness();
    const port = await harness.listen();
    const answers: [PipelineResult, number][] = [
      [{ status: 'accepted', rejected: { count: 2, message: 'tenant mismatch' } }, 200],
      [{ status: 'invalid', message: 'bad wire type' }, 400],
      [{ status: 'too_large', message: 'decodes too large' }, 413],
      [{ status: 'not_served', message: 'no routes for logs' }, 404],
    ];
    for (const [next, status] of answers) {
      harness.next = next;
      const r = await exchange(port, post(protobufBody, { 'content-type': 'application/json' }, '/v1/logs'));
      expect(statusOf(r.text)).toBe(status);
      if (status !== 200) expect(JSON.parse(bodyOf(r.text))).toEqual({ code: expect.any(Number), message: (next as { message: string }).message });
    }
  });

  it('an upload the client aborts midway is answered 400 (to no one), hands nothing over and releases its budget', async () => {
    harness = new Harness();
    const port = await harness.listen();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(post(Buffer.alloc(1000), { 'content-length': '50000' }));
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await expect.poll(() => harness!.requests).toEqual([[400, 'protobuf']]);
    expect(harness.handled).toHaveLength(0);
    expect(harness.inflight.usedBytes).toBe(0);
  });

  it('leaves the other requests to the fallback: other methods, paths and queries, and a Host it would refuse', async () => {
    harness = new Harness();
    const port = await harness.listen();
    const get = await exchange(port, Buffer.from('GET /v1/traces HTTP/1.1\r\nhost: h\r\n\r\n'));
    const unknown = await exchange(port, post(protobufBody, {}, '/v1/nothing'));
    const query = await exchange(port, post(protobufBody, {}, '/v1/traces?x=1'));
    const oddHost = await exchange(port, post(protobufBody, { host: '127.1' }));
    expect([get, unknown, query, oddHost].map((r) => statusOf(r.text))).toEqual([405, 404, 200, 400]);
    expect(harness.fallbackCalls).toBe(4);
  });

  it('answers every request byte for byte as the Hono app alone does', async () => {
    const requests: (Buffer | Buffer[])[] = [
      post(protobufBody),
      post(protobufBody, { 'content-type': 'application/json; charset=utf-8' }),
      chunked(protobufBody),
      post(gzipSync(protobufBody), { 'content-encoding': 'gzip' }),
      post(protobufBody, { authorization: 'Bearer wrong' }),
      post(protobufBody, { authorization: '' }),
      post(protobufBody, { 'content-type': 'text/plain' }),
      post(protobufBody, { 'content-encoding': 'br' }),
      post(Buffer.alloc(LIMIT + 1)),
      chunked(Buffer.alloc(LIMIT + 1)),
      post(Buffer.from('x'), { 'content-encoding': 'deflate' }),
      post(Buffer.alloc(0), { 'content-encoding': 'gzip' }),
      Buffer.concat([post(protobufBody, { authorization: '' }), post(protobufBody)]),
    ];
    harness = new Harness();
    const fast = await harness.listen();
    const hono = await harness.listen(true);
    for (const request of requests) {
      const [a, b] = await Promise.all([exchange(fast, request), exchange(hono, request)]);
      expect(withoutDate(a.text)).toBe(withoutDate(b.text));
      expect(a.closed).toBe(b.closed);
    }
    expect(harness.fallbackCalls).toBe(0);
  });
  it('an answer that cannot be written is answered 500 by the receiver, not left an unhandled rejection', async () => {
    const failures: unknown[] = [];
    const broken: OtlpHttpReceiver = {
      serve: async () => ({ status: 200, headers: { 'x-broken': 'a\nb' }, body: new Uint8Array(0) }),
      failed: (err) => {
        failures.push(err);
        return { status: 500, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"code":13,"message":"internal error"}') };
      },
    };
    const server = createServer(createReceiverListener(broken, (_req, res) => res.end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const r = await exchange((server.address() as net.AddressInfo).port, post(protobufBody));
      expect(statusOf(r.text)).toBe(500);
      expect(failures).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
