/**
 * The receiver, black box through Hono's app.request() (no socket): every status code the OTLP/HTTP
 * receiver answers, in both encodings, with the real producer fixtures, for the three signals. The
 * pipeline behind it decodes with the real codecs (the 400s are its answers, mapped here).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeRaw } from '../gateway/pipeline.js';
import { decodeResponse, encodeTraces } from '../otlp/index.js';
import { countSpans, newSpan, str, type AnyValue, type TracesData } from '../otlp/model.js';
import { countItems, encodeRequest, type Signal, type SignalRequest } from '../otlp/signal.js';
import { newLogRecord } from '../otlp/logs-model.js';
import type { RequestContext } from '../policy/types.js';
import { noopMetrics, type GatewayMetrics } from '../telemetry/metrics-types.js';
import { createReceiverApp, type ReceiverDeps } from './app.js';
import type { PipelineResult } from './types.js';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from '../../test/support/fixture-paths.js';
import { gzipBomb } from '../../test/support/gzip-bomb.js';

const FIXTURES = PRODUCERS_DIR;
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.pb') || f.endsWith('.json'));
const PB = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

const Status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));

/**
 * The receiver's collaborators: a pipeline that decodes with the real codecs (as the gateway's does,
 * answering `invalid` for what does not decode) and records what it decoded, then answers `next`.
 */
class Harness {
  handled: { data: TracesData; request: SignalRequest; ctx: RequestContext }[] = [];
  requests: [number, string][] = [];
  next: PipelineResult = { status: 'accepted', rejected: { count: 0, message: '' } };
  /** Signals the gateway has routes for; the others are answered `not_served`. */
  served = new Set<Signal>(['traces', 'logs', 'metrics']);
  metrics: GatewayMetrics = { ...noopMetrics, requests: (status, encoding) => void this.requests.push([status, encoding]) };
  logs: unknown[] = [];
  logger = {
    debug: (o: object) => void this.logs.push(o),
    warn: (o: object) => void this.logs.push(o),
    error: (o: object) => void this.logs.push(o),
  };

  app(overrides: Partial<ReceiverDeps> = {}) {
    return createReceiverApp({
      limits: { maxRequestBodyBytes: 20 * 1024 * 1024 },
      handle: (raw) => {
        if (!this.served.has(raw.signal)) return { status: 'not_served', message: `this gateway has no routes for ${raw.signal}` };
        const decoded = decodeRaw(raw, { maxDepth: 64 });
        if (!decoded.ok) return decoded.refused;
        this.handled.push({ data: decoded.value.data as TracesData, request: decoded.value, ctx: raw.ctx });
        return this.next;
      },
      metrics: this.metrics,
      logger: this.logger,
      ...overrides,
    });
  }
}

function post(app: ReturnType<Harness['app']>, body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string>, path = '/v1/traces') {
  const init: RequestInit & { duplex?: string } = { method: 'POST', body: body as RequestInit['body'], headers };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return app.request(path, init);
}

async function statusOf(res: Response): Promise<{ code: number; message: string }> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.headers.get('content-type') === PB) return Status.toObject(Status.decode(bytes), { defaults: true }) as never;
  return JSON.parse(new TextDecoder().decode(bytes));
}

function spanWithValue(value: AnyValue): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: [newSpan({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'chat', attributes: [{ key: 'v', value }] })],
          },
        ],
      },
    ],
  };
}

/** `depth` arrays nested inside each other, around one string. */
function nested(depth: number): AnyValue {
  let v: AnyValue = str('x');
  for (let i = 0; i < depth; i++) v = { kind: 'array', values: [v] };
  return v;
}

let h: Harness;
beforeEach(() => {
  h = new Harness();
});

describe('200: accepted', () => {
  it.each(fixtures)('%s, plain, gzip and deflate (zlib and raw)', async (file) => {
    const body = readFileSync(join(FIXTURES, file));
    const type = file.endsWith('.pb') ? PB : `${JSON_TYPE}; charset=utf-8`;
    const app = h.app();
    const variants: [string | undefined, Uint8Array][] = [
      [undefined, body],
      ['gzip', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['deflate', deflateRawSync(body)],
    ];
    for (const [coding, payload] of variants) {
      const res = await post(app, payload, { 'content-type': type, ...(coding && { 'content-encoding': coding }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(file.endsWith('.pb') ? PB : JSON_TYPE);
      // Full success: partial_success unset (empty protobuf message, `{}` in JSON).
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(file.endsWith('.pb') ? bytes.length : new TextDecoder().decode(bytes)).toBe(file.endsWith('.pb') ? 0 : '{}');
    }
    expect(h.handled).toHaveLength(4);
    const spans = countSpans(h.handled[0]!.data);
    expect(spans).toBeGreaterThan(0);
    for (const { data, ctx } of h.handled) {
      expect(countSpans(data)).toBe(spans);
      expect(ctx.authTenant).toBeUndefined();
    }
  });

  it('decodes each producer the same way from protobuf and JSON', async () => {
    const app = h.app();
    for (const name of ['otel-openai', 'traceloop', 'openinference', 'vercel-ai']) {
      await post(app, readFileSync(join(FIXTURES, `${name}.pb`)), { 'content-type': PB });
      await post(app, readFileSync(join(FIXTURES, `${name}.json`)), { 'content-type': JSON_TYPE });
    }
    for (let i = 0; i < h.handled.length; i += 2) {
      const names = (d: TracesData) => d.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)));
      expect(names(h.handled[i]!.data)).toEqual(names(h.handled[i + 1]!.data));
    }
  });

  it('answers partial_success with rejected_spans and error_message when spans were refused', async () => {
    h.next = { status: 'accepted', rejected: { count: 2, message: '2 spans refused: resource tenant.id does not match the token' } };
    const app = h.app();
    for (const [file, type, enc] of [['traceloop.pb', PB, 'protobuf'], ['traceloop.json', JSON_TYPE, 'json']] as const) {
      const res = await post(app, readFileSync(join(FIXTURES, file)), { 'content-type': type });
      expect(res.status).toBe(200);
      const decoded = decodeResponse(new Uint8Array(await res.arrayBuffer()), enc);
      expect(decoded).toEqual({
        partialSuccess: { rejectedSpans: 2n, errorMessage: '2 spans refused: resource tenant.id does not match the token' },
      });
    }
  });

  it('accepts an empty protobuf request (no spans)', async () => {
    const res = await post(h.app(), new Uint8Array(0), { 'content-type': PB });
    expect(res.status).toBe(200);
    expect(countSpans(h.handled[0]!.data)).toBe(0);
  });

  it('counts every answer by status and encoding', async () => {
    const app = h.app();
    await post(app, readFileSync(join(FIXTURES, 'traceloop.pb')), { 'content-type': PB });
    await post(app, 'nope', { 'content-type': JSON_TYPE });
    await post(app, 'x', { 'content-type': 'text/plain' });
    expect(h.requests).toEqual([
      [200, 'protobuf'],
      [400, 'json'],
      [415, 'unknown'],
    ]);
  });
});

describe('400: bad data', () => {
  it.each([
    ['protobuf garbage', PB, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])],
    ['JSON garbage', JSON_TYPE, new TextEncoder().encode('{"resourceSpans": [')],
    ['JSON of the wrong shape', JSON_TYPE, new TextEncoder().encode('{"resourceSpans": 7}')],
  ])('%s → 400 with a google.rpc.Status reason in the request encoding', async (_name, type, body) => {
    const res = await post(h.app(), body, { 'content-type': type });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(type);
    const status = await statusOf(res);
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.message).toMatch(/^cannot decode/);
    expect(h.handled).toHaveLength(0);
  });

  it.each(['protobuf', 'json'] as const)('AnyValue nesting: 64 levels pass, 65 are refused (%s)', async (enc) => {
    const app = h.app();
    const type = enc === 'protobuf' ? PB : JSON_TYPE;
    const ok = await post(app, encodeTraces(spanWithValue(nested(64)), enc), { 'content-type': type });
    expect(ok.status).toBe(200);
    const deep = await post(app, encodeTraces(spanWithValue(nested(65)), enc), { 'content-type': type });
    expect(deep.status).toBe(400);
    expect((await statusOf(deep)).message).toMatch(/nesting/);
    expect(h.handled).toHaveLength(1);
  });

  it('survives JSON nested far beyond the limit without recursing on it', async () => {
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(100_000)}{"stringValue":"x"}${']}}'.repeat(100_000)}}]}]}]}]}`;
    const res = await post(h.app(), body, { 'content-type': JSON_TYPE });
    expect(res.status).toBe(400);
  });

  it('refuses a corrupt gzip body and a truncated one', async () => {
    const app = h.app();
    const body = readFileSync(join(FIXTURES, 'vercel-ai.pb'));
    const bad = await post(app, new Uint8Array([0x1f, 0x8b, 1, 2, 3]), { 'content-type': PB, 'content-encoding': 'gzip' });
    expect(bad.status).toBe(400);
    const truncated = await post(app, gzipSync(body).subarray(0, 100), { 'content-type': PB, 'content-encoding': 'gzip' });
    expect(truncated.status).toBe(400);
    expect((await statusOf(truncated)).message).toMatch(/not valid gzip/);
  });

  it('neither crashes nor stalls on invalid UTF-8 or a huge attribute count', async () => {
    const app = h.app();
    // A protobuf string field with bytes that are not UTF-8: decoded with replacement, not refused.
    const spans = encodeTraces(spanWithValue(str('ok')), 'protobuf');
    const at = Buffer.from(spans).indexOf(Buffer.from('chat'));
    const mangled = Buffer.from(spans);
    mangled[at] = 0xff;
    mangled[at + 1] = 0xfe;
    expect((await post(app, mangled, { 'content-type': PB })).status).toBe(200);
    // Invalid UTF-8 inside a JSON body.
    const json = Buffer.concat([Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}]}]}')]);
    expect([200, 400]).toContain((await post(app, json, { 'content-type': JSON_TYPE })).status);
    // 200k attributes on one span.
    const many = spanWithValue(str('x'));
    const span = many.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    span.attributes = Array.from({ length: 200_000 }, (_, i) => ({ key: `k${i}`, value: str('v') }));
    // (that the work stays linear in the attribute count is proven by counting work, in linearity.test.ts)
    const res = await post(app, encodeTraces(many, 'protobuf'), { 'content-type': PB });
    expect(res.status).toBe(200);
  });
});

describe('401: authentication', () => {
  const auth = { tokens: [{ token: 'tok-acme', tenant: 'acme' }] };

  it('refuses a missing or unknown token before reading the body', async () => {
    const app = h.app({ auth });
    const body = readFileSync(join(FIXTURES, 'traceloop.pb'));
    const missing = await post(app, body, { 'content-type': PB });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await statusOf(missing)).toEqual({ code: 16, message: 'missing bearer token' });
    const wrong = await post(app, body, { 'content-type': PB, authorization: 'Bearer tok-globex' });
    expect(wrong.status).toBe(401);
    expect(h.handled).toHaveLength(0);
  });

  it('binds a known token to its tenant', async () => {
    const res = await post(h.app({ auth }), readFileSync(join(FIXTURES, 'traceloop.json')), {
      'content-type': JSON_TYPE,
      authorization: 'Bearer tok-acme',
    });
    expect(res.status).toBe(200);
    expect(h.handled[0]!.ctx).toEqual({ authTenant: 'acme' });
  });
});

describe('405: other methods', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH'].flatMap((m) => ['/v1/traces', '/v1/logs', '/v1/metrics'].map((p) => [m, p])))('%s %s → 405 with Allow: POST', async (method, path) => {
    const res = await h.app().request(path, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('404: paths and signals not served', () => {
  it('unknown paths are 404', async () => {
    const res = await h.app().request('/v1/profiles', { method: 'POST' });
    expect(res.status).toBe(404);
    expect((await statusOf(res)).message).toMatch(/\/v1\/traces, \/v1\/logs and \/v1\/metrics/);
  });

  it.each(['logs', 'metrics'] as const)('/v1/%s with no routes for it → 404 saying so, in the request encoding; nothing decoded', async (signal) => {
    h.served = new Set(['traces']);
    const res = await post(h.app(), readFileSync(join(PRODUCERS_LOGS_DIR, 'js-openai.logs.pb')), { 'content-type': PB }, `/v1/${signal}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe(PB);
    expect(await statusOf(res)).toEqual({ code: 12, message: `this gateway has no routes for ${signal}` }); // UNIMPLEMENTED
    expect(h.handled).toHaveLength(0);
  });
});

describe('/v1/logs and /v1/metrics', () => {
  const logFixtures = readdirSync(PRODUCERS_LOGS_DIR).filter((f) => /\.logs\.(pb|json)$/.test(f));

  it.each(logFixtures)('accepts %s, plain and gzip, and hands the pipeline a logs request', async (file) => {
    const body = readFileSync(join(PRODUCERS_LOGS_DIR, file));
    const type = file.endsWith('.pb') ? PB : JSON_TYPE;
    const app = h.app();
    for (const payload of [body, gzipSync(body)]) {
      const res = await post(app, payload, { 'content-type': type, ...(payload !== body && { 'content-encoding': 'gzip' }) }, '/v1/logs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
    }
    expect(h.handled.map((x) => x.request.signal)).toEqual(['logs', 'logs']);
    expect(countItems(h.handled[0]!.request)).toBeGreaterThan(0);
  });

  it('a logs body posted to /v1/traces decodes as traces (the path decides the signal, as the spec says)', async () => {
    const res = await post(h.app(), readFileSync(join(PRODUCERS_LOGS_DIR, 'js-openai.logs.json')), { 'content-type': JSON_TYPE });
    expect(res.status).toBe(200);
    expect(h.handled[0]!.request).toEqual({ signal: 'traces', data: { resourceSpans: [] } }); // its resourceLogs is an unknown field
  });

  it('answers partial_success with the signal\'s own JSON member name', async () => {
    h.next = { status: 'accepted', rejected: { count: 3, message: '3 log record(s) rejected' } };
    const res = await post(h.app(), readFileSync(join(PRODUCERS_LOGS_DIR, 'js-openai.logs.json')), { 'content-type': JSON_TYPE }, '/v1/logs');
    expect(await res.text()).toBe('{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"3 log record(s) rejected"}}');
    const metrics = await post(h.app(), '{"resourceMetrics":[]}', { 'content-type': JSON_TYPE }, '/v1/metrics');
    expect(await metrics.text()).toBe('{"partialSuccess":{"rejectedDataPoints":"3","errorMessage":"3 log record(s) rejected"}}');
  });

  it('400 for an undecodable logs or metrics body, naming the request message', async () => {
    for (const [signal, name] of [['logs', 'ExportLogsServiceRequest'], ['metrics', 'ExportMetricsServiceRequest']] as const) {
      const res = await post(h.app(), new Uint8Array([0x0a, 0x05, 0x00]), { 'content-type': PB }, `/v1/${signal}`);
      expect(res.status).toBe(400);
      expect((await statusOf(res)).message).toBe(`cannot decode protobuf ${name}: truncated length-delimited field`);
    }
  });

  it('413 and 415 apply to every signal', async () => {
    for (const path of ['/v1/logs', '/v1/metrics']) {
      expect((await post(h.app({ limits: { maxRequestBodyBytes: 16 } }), new Uint8Array(64), { 'content-type': PB }, path)).status).toBe(413);
      expect((await post(h.app(), 'x', { 'content-type': 'text/plain' }, path)).status).toBe(415);
    }
  });
});

describe('every answer, for /v1/logs and /v1/metrics as for /v1/traces', () => {
  const bodies = {
    logs: readFileSync(join(PRODUCERS_LOGS_DIR, 'js-openai.logs.pb')),
    metrics: Buffer.from(encodeRequest({ signal: 'metrics', data: { resourceMetrics: [] } }, 'protobuf')),
  };
  const logsWithValue = (value: AnyValue): Uint8Array =>
    encodeRequest(
      {
        signal: 'logs',
        data: { resourceLogs: [{ resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeLogs: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', logRecords: [newLogRecord({ body: value })] }] }] },
      },
      'protobuf',
    );

  it.each(['logs', 'metrics'] as const)('/v1/%s: 401 without a known token, before the body is read', async (signal) => {
    const app = h.app({ auth: { tokens: [{ token: 't-1', tenant: 'acme' }] } });
    expect((await post(app, bodies[signal], { 'content-type': PB }, `/v1/${signal}`)).status).toBe(401);
    expect((await post(app, bodies[signal], { 'content-type': PB, authorization: 'Bearer nope' }, `/v1/${signal}`)).status).toBe(401);
    const ok = await post(app, bodies[signal], { 'content-type': PB, authorization: 'Bearer t-1' }, `/v1/${signal}`);
    expect(ok.status).toBe(200);
    expect(h.handled.map((x) => [x.request.signal, x.ctx.authTenant])).toEqual([[signal, 'acme']]);
  });

  it('/v1/logs: a log body nested 64 levels passes, 65 are 400', async () => {
    expect((await post(h.app(), logsWithValue(nested(64)), { 'content-type': PB }, '/v1/logs')).status).toBe(200);
    const res = await post(h.app(), logsWithValue(nested(65)), { 'content-type': PB }, '/v1/logs');
    expect(res.status).toBe(400);
    expect((await statusOf(res)).message).toMatch(/nest/);
  });

  it.each(['logs', 'metrics'] as const)('/v1/%s: 503 with Retry-After when queues are full', async (signal) => {
    h.next = { status: 'unavailable', retryAfterSeconds: 7, reason: 'queue_full' };
    const res = await post(h.app(), bodies[signal], { 'content-type': PB }, `/v1/${signal}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await statusOf(res)).code).toBe(14);
  });

  it.each(['logs', 'metrics'] as const)('/v1/%s: 503 while requests in flight hold the budget', async (signal) => {
    const app = h.app({ limits: { maxRequestBodyBytes: 1024 * 1024, maxInflightBodyBytes: 64 } });
    const res = await post(app, bodies.logs, { 'content-type': PB }, `/v1/${signal}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('/v1/logs: 413 for a body that decodes to more memory than one request may take', async () => {
    const res = await post(h.app({ limits: { maxRequestBodyBytes: 1024 * 1024, maxDecodedBytes: 2048 } }), bodies.logs, { 'content-type': PB }, '/v1/logs');
    expect(res.status).toBe(413);
    expect((await statusOf(res)).message).toMatch(/decodes to more than/);
  });
});

describe('413: too large, measured after decompression', () => {
  const limits = { maxRequestBodyBytes: 4096 };
  const big = readFileSync(join(FIXTURES, 'vercel-ai.pb')); // ~10 KB

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    // An endless client stream declaring 100 MB: only what the stream machinery prefetches is pulled.
    let pulledBytes = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulledBytes += big.length;
        controller.enqueue(big);
      },
    });
    const res = await post(h.app({ limits }), endless, { 'content-type': PB, 'content-length': String(100_000_000) });
    expect(res.status).toBe(413);
    expect(pulledBytes).toBeLessThanOrEqual(2 * big.length);
    expect((await statusOf(res)).code).toBe(8); // RESOURCE_EXHAUSTED
  });

  it('refuses a streamed body over the limit (no Content-Length)', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(big);
        controller.close();
      },
    });
    expect((await post(h.app({ limits }), stream, { 'content-type': PB })).status).toBe(413);
  });

  it('refuses a gzip body that is small on the wire but over the limit inflated', async () => {
    const compressed = gzipSync(big);
    expect(compressed.length).toBeLessThan(limits.maxRequestBodyBytes);
    const res = await post(h.app({ limits }), compressed, { 'content-type': PB, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
  });

  it('stops a 1 GiB gzip bomb at the 20 MiB default, without inflating it', async () => {
    const bomb = await gzipBomb(); // 1 GiB inflated
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);

    const before = process.memoryUsage();
    const res = await post(h.app(), bomb, { 'content-type': PB, 'content-encoding': 'gzip' });
    const after = process.memoryUsage();
    expect(res.status).toBe(413);
    expect(after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed)).toBeLessThan(96 * 1024 * 1024);
    expect(h.handled).toHaveLength(0);
  });
});

describe('415: unsupported media type or coding', () => {
  it.each([
    [{ 'content-type': 'text/plain' }],
    [{ 'content-type': 'application/protobuf' }],
    [{}],
  ])('Content-Type %j → 415', async (headers) => {
    const res = await post(h.app(), 'x', headers as Record<string, string>);
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe(JSON_TYPE);
  });

  it.each(['br', 'zstd', 'compress'])('Content-Encoding %s → 415 in the request encoding', async (coding) => {
    const res = await post(h.app(), new Uint8Array([1]), { 'content-type': PB, 'content-encoding': coding });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toBe(PB);
    expect((await statusOf(res)).message).toMatch(/Content-Encoding/);
  });
});

describe('503: export queues full', () => {
  it('answers 503 with Retry-After, in the request encoding', async () => {
    h.next = { status: 'unavailable', retryAfterSeconds: 5, reason: 'queue_full' };
    for (const [file, type] of [['otel-openai.pb', PB], ['otel-openai.json', JSON_TYPE]] as const) {
      const res = await post(h.app(), readFileSync(join(FIXTURES, file)), { 'content-type': type });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('content-type')).toBe(type);
      expect((await statusOf(res)).code).toBe(14); // UNAVAILABLE
    }
  });
});

describe('503: too many request bytes in flight', () => {
  it('answers 503 with Retry-After while other requests hold the budget, and serves again once they finish', async () => {
    const h = new Harness();
    const app = h.app({ limits: { maxRequestBodyBytes: 1024 * 1024, maxInflightBodyBytes: 50 * 1024 } });
    const body = readFileSync(join(FIXTURES, 'traceloop.pb'));
    // A client trickling a large body: 48 KiB arrive, then it stalls, holding them.
    let finish!: () => void;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(48 * 1024));
        finish = () => controller.close();
      },
    });
    const slow = post(app, stalled, { 'content-type': PB });
    await new Promise((r) => setTimeout(r, 20));

    const refused = await post(app, body, { 'content-type': PB });
    expect(body.byteLength).toBeGreaterThan(2 * 1024); // more than the 2 KiB left
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(h.handled).toHaveLength(0);

    finish();
    expect((await slow).status).toBe(400); // 48 KiB of zeros is not a valid request: its bytes are released anyway
    const served = await post(app, body, { 'content-type': PB });
    expect(served.status).toBe(200);
    expect(h.handled).toHaveLength(1);
  });
});

describe('bad input loses nothing accepted before', () => {
  it('interleaved good and bad requests: every good one reaches the pipeline once, bad ones never', async () => {
    const app = h.app();
    const good = readFileSync(join(FIXTURES, 'openinference.pb'));
    const goodSpans = countSpans((await (async () => {
      await post(app, good, { 'content-type': PB });
      return h.handled[0]!.data;
    })()));
    const statuses: number[] = [];
    for (const [body, headers] of [
      [new Uint8Array([0xff, 0xff]), { 'content-type': PB }],
      [good, { 'content-type': PB }],
      [gzipSync(good).subarray(0, 50), { 'content-type': PB, 'content-encoding': 'gzip' }],
      [good, { 'content-type': 'text/xml' }],
      [gzipSync(good), { 'content-type': PB, 'content-encoding': 'gzip' }],
    ] as const) {
      statuses.push((await post(app, body, headers)).status);
    }
    expect(statuses).toEqual([400, 200, 400, 415, 200]);
    expect(h.handled).toHaveLength(3);
    for (const { data } of h.handled) expect(countSpans(data)).toBe(goodSpans);
  });

  it('a failing pipeline is a 500 logged without payload, and the next request is served', async () => {
    const app = h.app({
      handle: () => {
        throw new TypeError('boom');
      },
    });
    const res = await post(app, readFileSync(join(FIXTURES, 'traceloop.pb')), { 'content-type': PB });
    expect(res.status).toBe(500);
    expect(await statusOf(res)).toEqual({ code: 13, message: 'internal error' });
    const logged = JSON.stringify(h.logs);
    expect(logged).toContain('TypeError');
    expect(logged).not.toContain('jane.doe@example.com');
    expect(logged).not.toContain('priya.patel@globex.example');
    expect((await post(h.app(), readFileSync(join(FIXTURES, 'traceloop.pb')), { 'content-type': PB })).status).toBe(200);
  });
});

/** Issue #13: hostile HTTP input, through the app (item 1 and the edge behaviours to keep). */
describe('#13 hostile HTTP input', () => {
  /** A request holding one span with `count` empty `Span.links` (`6a 00` each). */
  function emptyLinks(count: number): Buffer {
    const links = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i++) links[i * 2] = 0x6a;
    const ids = Buffer.concat([Buffer.from([0x0a, 16]), Buffer.alloc(16, 1), Buffer.from([0x12, 8]), Buffer.alloc(8, 2)]);
    const lenOf = (n: number): Buffer => {
      const out: number[] = [];
      while (n >= 0x80) {
        out.push((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.push(n);
      return Buffer.from(out);
    };
    const field = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), lenOf(body.length), body]);
    return field(0x0a, field(0x12, field(0x12, Buffer.concat([ids, links]))));
  }
  const limits = { maxRequestBodyBytes: 20 * 1024 * 1024, maxValueDepth: 64, maxInflightBodyBytes: 64 * 1024 * 1024 };

  it('#13.1 a 20 KB gzip body inflating to 20 MiB of empty links is refused 413 with the reason', async () => {
    const body = gzipSync(emptyLinks(10 * 1024 * 1024 - 64));
    expect(body.length).toBeLessThan(40 * 1024);
    const res = await post(h.app({ limits }), body, { 'content-type': PB, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    const status = await statusOf(res);
    expect(status.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(status.message).toMatch(/decodes to more than 16 times its size in memory/);
    expect(h.handled).toHaveLength(0);
  });

  it('#13.1 three at once are each refused (413, or 503 while the others hold the budget); then a good request is served', async () => {
    const app = h.app({ limits });
    const body = gzipSync(emptyLinks(10 * 1024 * 1024 - 64));
    const statuses = await Promise.all([1, 2, 3].map(() => Promise.resolve(post(app, body, { 'content-type': PB, 'content-encoding': 'gzip' })).then((r) => r.status)));
    for (const s of statuses) expect([413, 503]).toContain(s);
    expect(statuses).toContain(413);
    // everything they held went back to the in-flight budget
    const good = await post(app, readFileSync(join(FIXTURES, 'vercel-ai.pb')), { 'content-type': PB });
    expect(good.status).toBe(200);
  });

  it('#13.1 the JSON equivalent is refused before JSON.parse builds it', async () => {
    const links = `[${'{},'.repeat(6 * 1024 * 1024)}{}]`;
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","links":${links}}]}]}]}`;
    const res = await post(h.app({ limits }), gzipSync(body), { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect((await statusOf(res)).message).toMatch(/decodes to more than/);
  });

  it('keeps: a 1 GiB deflate bomb (zlib or raw) is stopped at the limit with 413', async () => {
    const { createDeflate, createDeflateRaw } = await import('node:zlib');
    for (const make of [createDeflate, createDeflateRaw]) {
      const z = make({ level: 1 });
      const parts: Buffer[] = [];
      z.on('data', (c: Buffer) => parts.push(c));
      const zeros = Buffer.alloc(1 << 20);
      for (let i = 0; i < 1024; i++) if (!z.write(zeros)) await new Promise((r) => z.once('drain', r));
      await new Promise<void>((r) => z.end(r));
      const res = await post(h.app(), Buffer.concat(parts), { 'content-type': PB, 'content-encoding': 'deflate' });
      expect(res.status).toBe(413);
    }
    expect(h.handled).toHaveLength(0);
  });

  it('keeps: four 1 GiB gzip bombs at once are all 413', async () => {
    const app = h.app();
    const bomb = await gzipBomb();
    const statuses = await Promise.all([1, 2, 3, 4].map(() => Promise.resolve(post(app, bomb, { 'content-type': PB, 'content-encoding': 'gzip' })).then((r) => r.status)));
    expect(statuses).toEqual([413, 413, 413, 413]);
  });

  it.each(['GZIP', 'Gzip', ' gzip ', 'X-GZIP'])('Content-Encoding %j is gzip (codings are case-insensitive, RFC 9110 §8.4.1)', async (coding) => {
    const res = await post(h.app(), gzipSync(readFileSync(join(FIXTURES, 'traceloop.pb'))), { 'content-type': PB, 'content-encoding': coding });
    expect(res.status).toBe(200);
  });
});
