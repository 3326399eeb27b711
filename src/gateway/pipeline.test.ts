import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DrainReport, RouteResult, SpanRouter } from '../export/types.js';
import { encodeOutputs, type EncodedOutput, type EncodingPlan } from '../export/encode-output.js';
import { decodeTraces } from '../otlp/index.js';
import { countSpans, type TracesData } from '../otlp/model.js';
import { CODECS, type Signal } from '../otlp/signal.js';
import { loadPolicy } from '../policy/load.js';
import type { ClassOutput, CompiledPolicy, RequestContext } from '../policy/types.js';
import type { RawRequest } from '../receiver/types.js';
import { noopMetrics, type GatewayMetrics } from '../telemetry/metrics-types.js';
import { createPipeline, type PipelineDeps } from './pipeline.js';
import { PolicyHolder } from './policy-holder.js';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from '../../test/support/fixture-paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = PRODUCERS_DIR;
const LIMITS = { maxDepth: 64 };

function fixture(name: string): TracesData {
  const r = decodeTraces(readFileSync(join(FIXTURES, name)), name.endsWith('.pb') ? 'protobuf' : 'json');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** A producer fixture as a receiver hands it over: raw bytes. */
function raw(name: string, ctx: RequestContext = {}, signal: Signal = 'traces', dir = FIXTURES): RawRequest {
  return { signal, encoding: name.endsWith('.pb') ? 'protobuf' : 'json', body: readFileSync(join(dir, name)), ctx };
}

const pipelineOf = (deps: Omit<PipelineDeps, 'limits' | 'logger'> & { logger?: PipelineDeps['logger'] }) => createPipeline({ logger, limits: LIMITS, ...deps });

function redactAll(): CompiledPolicy {
  const r = loadPolicy(join(ROOT, 'policies/examples/redact-all.yaml'), { env: {} });
  if (!r.ok) throw new Error('redact-all must load');
  return r.policy;
}

/** Every metric call, as `name:label=value`. */
function recordingMetrics(): { metrics: GatewayMetrics; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const add = (key: string, n: number): void => void counts.set(key, (counts.get(key) ?? 0) + n);
  return {
    counts,
    metrics: {
      ...noopMetrics,
      spansReceived: (n, signal = 'traces') => add(signal === 'traces' ? 'received' : `${signal}:received`, n),
      spansAccepted: (n, signal = 'traces') => add(signal === 'traces' ? 'accepted' : `${signal}:accepted`, n),
      spansRejected: (n, reason, signal = 'traces') => add(`${signal === 'traces' ? '' : `${signal}:`}rejected:${reason}`, n),
      spansDiscarded: (n, reason, signal = 'traces') => add(`${signal === 'traces' ? '' : `${signal}:`}discarded:${reason}`, n),
      redactions: (n, entity) => add(`redactions:${entity}`, n),
    },
  };
}

/** A router whose answers the test scripts, recording what it was asked to route. */
class ScriptedRouter implements SpanRouter {
  answers: RouteResult[] = [];
  routed: EncodedOutput[][] = [];
  served = new Set<Signal>(['traces', 'logs', 'metrics']);
  serves(signal: Signal): boolean {
    return this.served.has(signal);
  }
  encodingPlan(): EncodingPlan {
    return { traces: { 'broad-use': ['protobuf'], 'tenant-only': ['protobuf'], 'eval-only': ['protobuf'] }, logs: { 'broad-use': ['protobuf'], 'tenant-only': ['protobuf'], 'eval-only': ['protobuf'] }, metrics: { metrics: ['protobuf'] } };
  }
  async route(outputs: readonly ClassOutput[]): Promise<RouteResult> {
    return this.admit(encodeOutputs(outputs, this.encodingPlan()));
  }
  async admit(outputs: readonly EncodedOutput[]): Promise<RouteResult> {
    this.routed.push([...outputs]);
    const spans = outputs.reduce((n, o) => n + o.count, 0);
    return this.answers.shift() ?? { status: 'accepted', routed: spans, noRoute: 0 };
  }
  async drain(): Promise<DrainReport> {
    return { lostSpans: 0, keptSpans: 0 };
  }
  async shutdown(): Promise<void> {}
}

const logger = { error: () => {} };

describe('pipeline', () => {
  it('runs the policy, routes its outputs and counts rejections, discards and redactions once admitted', async () => {
    const { metrics, counts } = recordingMetrics();
    const router = new ScriptedRouter();
    const pipeline = pipelineOf({ policy: new PolicyHolder(redactAll()), router, metrics });
    const data = fixture('traceloop.pb'); // resource tenant.id=globex
    const spans = countSpans(data);

    const ok = await pipeline.handle(raw('traceloop.pb'));
    expect(ok).toEqual({ status: 'accepted', rejected: { count: 0, message: '' } });
    expect(router.routed[0]!.reduce((n, o) => n + o.count, 0)).toBe(spans);
    expect(counts.get('received')).toBe(spans);
    expect(counts.get('redactions:EMAIL_ADDRESS')).toBeGreaterThan(0);

    // Authenticated as another tenant: every span contradicts the token and is refused.
    const refused = await pipeline.handle(raw('traceloop.pb', { authTenant: 'acme' }));
    expect(refused.status).toBe('accepted');
    expect(refused.status === 'accepted' && refused.rejected.count).toBe(spans);
    expect(refused.status === 'accepted' && refused.rejected.message).toMatch(/tenant/);
    expect(counts.get('rejected:tenant_mismatch')).toBe(spans);
    // Refused spans are not accepted: the gateway answers only for the first request's spans.
    expect(counts.get('accepted')).toBe(spans);
    expect(pipeline.stats).toMatchObject({ requestsAdmitted: 2, spansReceived: 2 * spans, spansRouted: spans, spansRejected: spans });
  });

  it('gives back the cap room a refused request used, so its resend is not capped out', async () => {
    const data = raw('vercel-ai.pb');
    const spans = countSpans(fixture('vercel-ai.pb'));
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-caps-'));
    // Room for exactly one request's spans per day.
    writeFileSync(
      join(dir, 'capped.yaml'),
      readFileSync(join(ROOT, 'policies/examples/redact-all.yaml'), 'utf8') +
        `\ncaps:\n  - id: per-tenant-daily\n    key: [tenant]\n    limit: ${spans}\n    window: 1d\n`,
    );
    const loaded = loadPolicy(join(dir, 'capped.yaml'), { env: {} });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const { metrics, counts } = recordingMetrics();
    const router = new ScriptedRouter();
    router.answers.push({ status: 'unavailable', retryAfterSeconds: 1, exporter: 'otlphttp/x' });
    const pipeline = pipelineOf({ policy: new PolicyHolder(loaded.policy), router, metrics });

    expect((await pipeline.handle(data)).status).toBe('unavailable');
    expect((await pipeline.handle(data)).status).toBe('accepted');
    expect(router.routed[1]!.reduce((n, o) => n + o.count, 0)).toBe(spans);
    expect(counts.get('discarded:cap_exceeded')).toBeUndefined();
    // The cap still holds for spans beyond it.
    expect((await pipeline.handle(data)).status).toBe('accepted');
    expect(counts.get('discarded:cap_exceeded')).toBe(spans);
  });

  it('counts nothing but traffic for a request refused on a full queue, so its resend is counted once', async () => {
    const { metrics, counts } = recordingMetrics();
    const router = new ScriptedRouter();
    router.answers.push({ status: 'unavailable', retryAfterSeconds: 5, exporter: 'otlphttp/x' });
    const pipeline = pipelineOf({ policy: new PolicyHolder(redactAll()), router, metrics });

    expect(await pipeline.handle(raw('vercel-ai.pb'))).toEqual({ status: 'unavailable', retryAfterSeconds: 5, reason: 'queue_full' });
    const afterRefusal = counts.get('redactions:EMAIL_ADDRESS');
    expect(afterRefusal).toBeUndefined();

    expect((await pipeline.handle(raw('vercel-ai.pb'))).status).toBe('accepted');
    const once = counts.get('redactions:EMAIL_ADDRESS')!;
    expect(once).toBeGreaterThan(0);
    const spans = countSpans(fixture('vercel-ai.pb'));
    expect(counts.get('received')).toBe(2 * spans); // traffic: both attempts
    expect(pipeline.stats).toMatchObject({ requestsRefused: 1, requestsAdmitted: 1, spansRouted: spans });
  });

  it('fails closed when the engine throws on a request: nothing routed, every span discarded as engine_error', async () => {
    const { metrics, counts } = recordingMetrics();
    const router = new ScriptedRouter();
    const broken: CompiledPolicy = {
      version: 'broken',
      sources: [],
      classifies: new Set(),
      process: () => {
        throw new RangeError('engine bug');
      },
      processSignal: () => {
        throw new RangeError('engine bug');
      },
    };
    const pipeline = pipelineOf({ policy: new PolicyHolder(broken), router, metrics });
    const data = fixture('openinference.json');
    expect(await pipeline.handle(raw('openinference.json'))).toEqual({ status: 'accepted', rejected: { count: 0, message: '' } });
    expect(router.routed).toEqual([[]]);
    expect(counts.get('discarded:engine_error')).toBe(countSpans(data));
  });

  it('uses the policy the holder has when the request arrives (atomic swap)', async () => {
    const router = new ScriptedRouter();
    const holder = new PolicyHolder(redactAll());
    const pipeline = pipelineOf({ policy: holder, router, metrics: noopMetrics });
    await pipeline.handle(raw('otel-openai.pb'));
    const discard = (data: TracesData) => ({
      outputs: [],
      received: countSpans(data),
      rejected: { count: 0, reasons: {}, message: '' },
      discarded: { rule: countSpans(data) },
      redactionsByEntity: {},
    });
    const discardAll: CompiledPolicy = {
      version: 'v2',
      sources: [],
      classifies: new Set(['traces']),
      process: discard,
      processSignal: (request) => discard(request.data as TracesData),
    };
    expect(holder.swap(discardAll).version).toBe(redactAll().version);
    await pipeline.handle(raw('otel-openai.pb'));
    expect(router.routed[0]!.length).toBeGreaterThan(0);
    expect(router.routed[1]).toEqual([]);
    expect(pipeline.stats.spansDiscarded).toBe(countSpans(fixture('otel-openai.pb')));
  });

  it('answers invalid for a body that does not decode, naming the message, and counts nothing', async () => {
    const { metrics, counts } = recordingMetrics();
    const router = new ScriptedRouter();
    const pipeline = pipelineOf({ policy: new PolicyHolder(redactAll()), router, metrics });
    const r = await pipeline.handle({ signal: 'logs', encoding: 'json', body: new TextEncoder().encode('{"resourceLogs":7}'), ctx: {} });
    expect(r).toEqual({ status: 'invalid', message: 'cannot decode json ExportLogsServiceRequest: resourceLogs: array expected' });
    expect(router.routed).toEqual([]);
    expect(counts.size).toBe(0);
  });

  it('answers not_served for a signal without routes, before decoding anything', async () => {
    const router = new ScriptedRouter();
    router.served = new Set(['traces']);
    const pipeline = pipelineOf({ policy: new PolicyHolder(redactAll()), router, metrics: noopMetrics });
    expect(await pipeline.handle({ signal: 'metrics', encoding: 'protobuf', body: new Uint8Array([0xff]), ctx: {} })).toEqual({
      status: 'not_served',
      message: 'this gateway has no routes for metrics: add routes.metrics to its config',
    });
    expect(router.routed).toEqual([]);
  });

  it('runs a logs request through the policy and counts it as log records, not spans', async () => {
    const { metrics, counts } = recordingMetrics();
    const router = new ScriptedRouter();
    const pipeline = pipelineOf({ policy: new PolicyHolder(redactAll()), router, metrics });
    const request = raw('js-openai.logs.pb', {}, 'logs', PRODUCERS_LOGS_DIR);
    const decoded = CODECS.logs.decode(request.body, 'protobuf');
    const records = decoded.ok ? CODECS.logs.count(decoded.value) : 0;
    expect(await pipeline.handle(request)).toEqual({ status: 'accepted', rejected: { count: 0, message: '' } });
    expect(router.routed[0]!.map((o) => [o.signal, o.class, o.count])).toEqual([['logs', 'broad-use', records]]);
    expect(counts.get('logs:received')).toBe(records);
    expect(counts.get('logs:accepted')).toBe(records);
    expect(counts.get('received')).toBeUndefined();
  });
});
