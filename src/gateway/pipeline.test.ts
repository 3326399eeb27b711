import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DrainReport, RouteResult, SpanRouter } from '../export/types.js';
import { decodeTraces } from '../otlp/index.js';
import { countSpans, type TracesData } from '../otlp/model.js';
import { loadPolicy } from '../policy/load.js';
import type { ClassOutput, CompiledPolicy } from '../policy/types.js';
import { noopMetrics, type GatewayMetrics } from '../telemetry/metrics-types.js';
import { createPipeline } from './pipeline.js';
import { PolicyHolder } from './policy-holder.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = PRODUCERS_DIR;

function fixture(name: string): TracesData {
  const r = decodeTraces(readFileSync(join(FIXTURES, name)), name.endsWith('.pb') ? 'protobuf' : 'json');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

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
      spansReceived: (n) => add('received', n),
      spansAccepted: (n) => add('accepted', n),
      spansRejected: (n, reason) => add(`rejected:${reason}`, n),
      spansDiscarded: (n, reason) => add(`discarded:${reason}`, n),
      redactions: (n, entity) => add(`redactions:${entity}`, n),
    },
  };
}

/** A router whose answers the test scripts, recording what it was asked to route. */
class ScriptedRouter implements SpanRouter {
  answers: RouteResult[] = [];
  routed: ClassOutput[][] = [];
  async route(outputs: readonly ClassOutput[]): Promise<RouteResult> {
    this.routed.push([...outputs]);
    const spans = outputs.reduce((n, o) => n + o.spanCount, 0);
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
    const pipeline = createPipeline({ policy: new PolicyHolder(redactAll()), router, metrics, logger });
    const data = fixture('traceloop.pb'); // resource tenant.id=globex
    const spans = countSpans(data);

    const ok = await pipeline.handle(data, {});
    expect(ok).toEqual({ status: 'accepted', rejected: { count: 0, message: '' } });
    expect(router.routed[0]!.reduce((n, o) => n + o.spanCount, 0)).toBe(spans);
    expect(counts.get('received')).toBe(spans);
    expect(counts.get('redactions:EMAIL_ADDRESS')).toBeGreaterThan(0);

    // Authenticated as another tenant: every span contradicts the token and is refused.
    const refused = await pipeline.handle(fixture('traceloop.pb'), { authTenant: 'acme' });
    expect(refused.status).toBe('accepted');
    expect(refused.status === 'accepted' && refused.rejected.count).toBe(spans);
    expect(refused.status === 'accepted' && refused.rejected.message).toMatch(/tenant/);
    expect(counts.get('rejected:tenant_mismatch')).toBe(spans);
    // Refused spans are not accepted: the gateway answers only for the first request's spans.
    expect(counts.get('accepted')).toBe(spans);
    expect(pipeline.stats).toMatchObject({ requestsAdmitted: 2, spansReceived: 2 * spans, spansRouted: spans, spansRejected: spans });
  });

  it('gives back the cap room a refused request used, so its resend is not capped out', async () => {
    const data = fixture('vercel-ai.pb');
    const spans = countSpans(data);
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
    const pipeline = createPipeline({ policy: new PolicyHolder(loaded.policy), router, metrics, logger });

    expect((await pipeline.handle(data, {})).status).toBe('unavailable');
    expect((await pipeline.handle(data, {})).status).toBe('accepted');
    expect(router.routed[1]!.reduce((n, o) => n + o.spanCount, 0)).toBe(spans);
    expect(counts.get('discarded:cap_exceeded')).toBeUndefined();
    // The cap still holds for spans beyond it.
    expect((await pipeline.handle(data, {})).status).toBe('accepted');
    expect(counts.get('discarded:cap_exceeded')).toBe(spans);
  });

  it('counts nothing but traffic for a request refused on a full queue, so its resend is counted once', async () => {
    const { metrics, counts } = recordingMetrics();
    const router = new ScriptedRouter();
    router.answers.push({ status: 'unavailable', retryAfterSeconds: 5, exporter: 'otlphttp/x' });
    const pipeline = createPipeline({ policy: new PolicyHolder(redactAll()), router, metrics, logger });

    expect(await pipeline.handle(fixture('vercel-ai.pb'), {})).toEqual({ status: 'unavailable', retryAfterSeconds: 5 });
    const afterRefusal = counts.get('redactions:EMAIL_ADDRESS');
    expect(afterRefusal).toBeUndefined();

    expect((await pipeline.handle(fixture('vercel-ai.pb'), {})).status).toBe('accepted');
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
      process: () => {
        throw new RangeError('engine bug');
      },
    };
    const pipeline = createPipeline({ policy: new PolicyHolder(broken), router, metrics, logger });
    const data = fixture('openinference.json');
    expect(await pipeline.handle(data, {})).toEqual({ status: 'accepted', rejected: { count: 0, message: '' } });
    expect(router.routed).toEqual([[]]);
    expect(counts.get('discarded:engine_error')).toBe(countSpans(data));
  });

  it('uses the policy the holder has when the request arrives (atomic swap)', async () => {
    const router = new ScriptedRouter();
    const holder = new PolicyHolder(redactAll());
    const pipeline = createPipeline({ policy: holder, router, metrics: noopMetrics, logger });
    await pipeline.handle(fixture('otel-openai.pb'), {});
    const discardAll: CompiledPolicy = {
      version: 'v2',
      sources: [],
      process: (data) => ({
        outputs: [],
        received: countSpans(data),
        rejected: { count: 0, reasons: {}, message: '' },
        discarded: { rule: countSpans(data) },
        redactionsByEntity: {},
      }),
    };
    expect(holder.swap(discardAll).version).toBe(redactAll().version);
    await pipeline.handle(fixture('otel-openai.pb'), {});
    expect(router.routed[0]!.length).toBeGreaterThan(0);
    expect(router.routed[1]).toEqual([]);
    expect(pipeline.stats.spansDiscarded).toBe(countSpans(fixture('otel-openai.pb')));
  });
});
