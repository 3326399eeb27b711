/**
 * End to end with real clients: OpenTelemetry JS SDK tracer, logger and meter providers exporting over
 * http/protobuf (@opentelemetry/exporter-{trace,logs,metrics}-otlp-proto), http/json (…-otlp-http) and
 * grpc (…-otlp-grpc, to the gateway's OTLP/gRPC receiver) to a running gateway, which forwards each
 * class to its own local OTLP sink (metrics, not classified, to the exporters routed for them).
 *
 * What a user would break: per-class delivery and custody stamps, redaction (no PII value leaves the
 * gateway), tenant isolation (a token never carries another tenant's spans), a downstream answering
 * 503 for a while (nothing lost once it recovers), and a full queue (503 to the client, whose SDK
 * retries, and then every span is delivered exactly once).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { context, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { AnyValueMap } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsGrpcExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as LogsJsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsGrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as MetricsJsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway/start.js';
import type { AnyValue, KeyValue } from '../../src/otlp/model.js';
import { getAttribute, getStringAttribute, type Span } from '../../src/otlp/model.js';
import type { LogRecord } from '../../src/otlp/logs-model.js';
import { dataPointsOf } from '../../src/otlp/metrics-model.js';
import { decodeRpcStatus } from '../../src/otlp/rpc-status.js';
import { custodyProblems } from '../support/custody.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { gatewayConfig } from '../support/gateway-config.js';

const TOKENS = { acme: 'acme-token-0f4c1d', globex: 'globex-token-8e21ab' } as const;

/** Synthetic PII of the kinds users paste into prompts; none of it may reach a sink. */
const PII = {
  email: 'jane.doe+billing@example.com',
  phone: '+44 20 7946 0958',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
  ssn: '536-22-8514',
  stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  github: 'ghp_R8sZ1kQv2Lm9Xc4Tb7Nw3Pf6Hy0Ju5Ae1Gd2',
  aws: 'AKIAIOSFODNN7EXAMPLE',
} as const;

const POLICY = `# yaml-language-server: $schema=../../schema/policy.schema.json
version: 1
name: e2e
detectors:
  builtin: all
tenants:
  contracts:
    acme: { broad_use: true, eval: true }
    globex: { broad_use: false, eval: true }
rules:
  - id: errors-to-eval
    when: { status: error }
    class: eval-only
  - id: warnings-to-eval                # log records only: status is a span field
    when: { signal_type: logs, attribute: { key: app.level, equals: warn } }
    class: eval-only
  - id: consented-broad
    when: { signal_type: [traces, logs], contract: { broad_use: true } }
    class: broad-use
  - id: own-tenant-only
    when: { signal_type: [traces, logs], tenant: { exists: true } }
    class: tenant-only
`;

interface Sinks {
  broad: OtlpSink;
  tenant: OtlpSink;
  eval: OtlpSink;
}

let gateway: RunningGateway | undefined;
let sinks: Sinks | undefined;
const providers: (BasicTracerProvider | LoggerProvider | MeterProvider)[] = [];

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
  await gateway?.close();
  gateway = undefined;
  if (sinks) await Promise.all(Object.values(sinks).map((s) => s.close()));
  sinks = undefined;
});

async function start(exporterExtra: Partial<Record<keyof Sinks, string>> = {}): Promise<{ gateway: RunningGateway; sinks: Sinks }> {
  sinks = { broad: await startOtlpSink(), tenant: await startOtlpSink(), eval: await startOtlpSink() };
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-e2e-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  // Fast retries so a test of a downstream outage takes seconds, not the production minutes.
  const retry = '    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 60s }';
  const text = [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    '        endpoint: 127.0.0.1:0',
    '      grpc:',
    '        endpoint: 127.0.0.1:0',
    '    auth:',
    '      tokens:',
    `        - { token: ${TOKENS.acme}, tenant: acme }`,
    `        - { token: ${TOKENS.globex}, tenant: globex }`,
    'policy: policy.yaml',
    'exporters:',
    '  otlphttp/broad:',
    `    endpoint: ${sinks.broad.url}`,
    retry,
    exporterExtra.broad ?? '',
    '  otlphttp/tenant:',
    `    endpoint: ${sinks.tenant.url}/{tenant}`,
    '    encoding: json',
    retry,
    exporterExtra.tenant ?? '',
    '  otlphttp/eval:',
    `    endpoint: ${sinks.eval.url}`,
    retry,
    exporterExtra.eval ?? '',
    'routes:',
    '  traces: { broad-use: [otlphttp/broad], tenant-only: [otlphttp/tenant], eval-only: [otlphttp/eval] }',
    '  logs: { broad-use: [otlphttp/broad], tenant-only: [otlphttp/tenant], eval-only: [otlphttp/eval] }',
    '  metrics: [otlphttp/broad]',
    'service:',
    '  telemetry:',
    '    metrics:',
    '      address: 127.0.0.1:0',
    '  shutdown_timeout: 5s',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
  const configPath = join(dir, 'loopgate.yaml');
  writeFileSync(configPath, text);
  gateway = await startGateway(gatewayConfig(text, configPath), { env: {}, logger: createLogger({ level: 'silent' }) });
  return { gateway, sinks };
}

type Protocol = 'http/protobuf' | 'http/json' | 'grpc';

/** The gRPC legs send gzip-compressed messages (`grpc-encoding: gzip`), as the Collector does by default. */
const GZIP = CompressionAlgorithm.GZIP;

function grpcMetadata(token: string): Metadata {
  const m = new Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}

/** A tracer provider as an instrumented app would configure it, exporting straight to the gateway. */
function client(protocol: Protocol, token: string, tenantAttr: string): BasicTracerProvider {
  const url = `${gateway!.receiverUrl}/v1/traces`;
  const headers = { Authorization: `Bearer ${token}` };
  const exporter: SpanExporter =
    protocol === 'http/protobuf'
      ? new OtlpProtoExporter({ url, headers })
      : protocol === 'http/json'
        ? new OtlpJsonExporter({ url, headers })
        : new OtlpGrpcExporter({ url: `http://${gateway!.grpcAddress}`, metadata: grpcMetadata(token), compression: GZIP });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot', 'tenant.id': tenantAttr }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  providers.push(provider);
  return provider;
}

/** A chat span shaped like the OTel GenAI semantic conventions, its prompt full of PII. */
function chat(provider: BasicTracerProvider, marker: string, opts: { error?: boolean } = {}): void {
  const tracer = provider.getTracer('e2e', '1.0.0');
  const messages = [
    {
      role: 'user',
      parts: [
        {
          type: 'text',
          content: `Hi, I'm Jane (${PII.email}, ${PII.phone}). Charge ${PII.card}, refund to ${PII.iban}. SSN ${PII.ssn}.`,
        },
      ],
    },
    {
      role: 'assistant',
      parts: [{ type: 'tool_call', id: 'call_1', name: 'deploy', arguments: { stripe_key: PII.stripe, token: PII.github } }],
    },
  ];
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.usage.input_tokens': 42,
    'gen_ai.input.messages': JSON.stringify(messages),
    'app.marker': marker,
    'app.note': `aws key ${PII.aws}`,
  };
  const span = tracer.startSpan('chat gpt-4o-mini', { attributes });
  span.addEvent('gen_ai.user.message', { content: `call me on ${PII.phone}` });
  if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: `upstream refused ${PII.email}` });
  span.end();
}

/** A logger provider as an instrumented app would configure it (GenAI events are log records). */
function logClient(protocol: Protocol, token: string, tenantAttr: string): LoggerProvider {
  const url = `${gateway!.receiverUrl}/v1/logs`;
  const headers = { Authorization: `Bearer ${token}` };
  const exporter: LogRecordExporter =
    protocol === 'http/protobuf'
      ? new LogsProtoExporter({ url, headers })
      : protocol === 'http/json'
        ? new LogsJsonExporter({ url, headers })
        : new LogsGrpcExporter({ url: `http://${gateway!.grpcAddress}`, metadata: grpcMetadata(token), compression: GZIP });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot', 'tenant.id': tenantAttr }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  providers.push(provider);
  return provider;
}

/**
 * The GenAI events of one chat as instrumentations write them, in the span's trace: the latest
 * conventions' `gen_ai.client.inference.operation.details` with structured message attributes, and an
 * older per-message event whose body is a kvlist. PII in every message part.
 */
function chatEvents(provider: LoggerProvider, marker: string, opts: { warn?: boolean } = {}): void {
  const logger = provider.getLogger('e2e', '1.0.0');
  // A recording tracer (exporting nowhere) gives the span a real trace id.
  const tracer = new BasicTracerProvider().getTracer('e2e');
  const input = [
    { role: 'system', parts: [{ type: 'text', content: 'You are a billing assistant.' }] },
    { role: 'user', parts: [{ type: 'text', content: `Hi, I'm Jane (${PII.email}, ${PII.phone}). Charge ${PII.card}, refund to ${PII.iban}. SSN ${PII.ssn}.` }] },
  ];
  const output = [
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'deploy', arguments: { stripe_key: PII.stripe, token: PII.github } }], finish_reason: 'tool_calls' },
  ];
  // The events belong to a chat span: a trace id, so sampling gives them the span's decision.
  const span = tracer.startSpan('chat');
  const ctx = trace.setSpan(context.active(), span);
  const level = opts.warn ? 'warn' : 'info';
  logger.emit({
    eventName: 'gen_ai.client.inference.operation.details',
    context: ctx,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.input.messages': input,
      'gen_ai.output.messages': output,
      'gen_ai.system_instructions': [{ type: 'text', content: `Escalate to ${PII.email}` }],
      'app.marker': marker,
      'app.level': level,
    } as AnyValueMap,
  });
  logger.emit({
    context: ctx,
    body: { content: `call me on ${PII.phone}, key ${PII.aws}`, role: 'user' },
    attributes: { 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai', 'app.marker': `${marker}-body`, 'app.level': level },
  });
  span.end();
}

/** A meter provider as an instrumented app would configure it; it exports when flushed. */
function meterClient(protocol: Protocol, token: string, tenantAttr: string): MeterProvider {
  const url = `${gateway!.receiverUrl}/v1/metrics`;
  const headers = { Authorization: `Bearer ${token}` };
  const exporter: PushMetricExporter =
    protocol === 'http/protobuf'
      ? new MetricsProtoExporter({ url, headers })
      : protocol === 'http/json'
        ? new MetricsJsonExporter({ url, headers })
        : new MetricsGrpcExporter({ url: `http://${gateway!.grpcAddress}`, metadata: grpcMetadata(token), compression: GZIP });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot', 'tenant.id': tenantAttr, 'service.owner': PII.email }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
  });
  providers.push(provider);
  return provider;
}

/** GenAI client metrics, with PII where a careless instrumentation puts it: data point attributes. */
function recordUsage(provider: MeterProvider, marker: string): void {
  const meter = provider.getMeter('e2e', '1.0.0');
  meter.createCounter('gen_ai.client.token.usage', { unit: '{token}' }).add(42, { 'gen_ai.request.model': 'gpt-4o-mini', 'app.marker': marker, 'user.email': PII.email });
  meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' }).record(0.37, { 'gen_ai.operation.name': 'chat', 'app.marker': marker, 'user.phone': PII.phone });
  meter.createGauge('app.last_card').record(1, { 'app.marker': marker, card: PII.card });
}

function markers(records: readonly (Span | LogRecord)[]): string[] {
  return records.map((s) => getStringAttribute(s.attributes, 'app.marker') ?? '?').sort();
}

function wire(sink: OtlpSink): string {
  return JSON.stringify(
    sink.received.map((r) => r.data ?? r.logs),
    (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v),
  );
}

function value(attributes: readonly KeyValue[], key: string): AnyValue | undefined {
  return attributes.find((kv) => kv.key === key)?.value;
}

/** The kvlist member `key` of a kvlist value. */
function member(v: AnyValue | undefined, key: string): AnyValue | undefined {
  return v?.kind === 'kvlist' ? v.values.find((kv) => kv.key === key)?.value : undefined;
}

/** Element `i` of an array value. */
function element(v: AnyValue | undefined, i: number): AnyValue | undefined {
  return v?.kind === 'array' ? v.values[i] : undefined;
}

async function metrics(): Promise<string> {
  return (await fetch(`${gateway!.telemetryUrl}/metrics`)).text();
}

describe.each<Protocol>(['http/protobuf', 'http/json', 'grpc'])('SDK clients over %s', (protocol) => {
  it('delivers each class to its own sink, stamped with its custody, with no PII on the wire', async () => {
    const { gateway: gw, sinks: s } = await start();
    const acme = client(protocol, TOKENS.acme, 'acme');
    chat(acme, 'acme-1');
    chat(acme, 'acme-2');
    chat(acme, 'acme-err', { error: true });
    const globex = client(protocol, TOKENS.globex, 'globex');
    chat(globex, 'globex-1');
    await Promise.all([acme.forceFlush(), globex.forceFlush()]);

    await s.broad.waitForSpans(2);
    await s.eval.waitForSpans(1);
    await s.tenant.waitForSpans(1);
    expect(markers(s.broad.spans())).toEqual(['acme-1', 'acme-2']);
    expect(markers(s.eval.spans())).toEqual(['acme-err']);
    expect(markers(s.tenant.spans())).toEqual(['globex-1']);
    // tenant-only went to the tenant's own store: {tenant} expanded in the endpoint.
    expect(s.tenant.accepted().map((r) => r.path)).toEqual(['/globex/v1/traces']);

    const expected: [OtlpSink, string, string][] = [
      [s.broad, 'broad-use', 'consented-broad'],
      [s.eval, 'eval-only', 'errors-to-eval'],
      [s.tenant, 'tenant-only', 'own-tenant-only'],
    ];
    for (const [sink, cls, rule] of expected) {
      for (const span of sink.spans()) {
        expect(getStringAttribute(span.attributes, 'loopgate.class')).toBe(cls);
        expect(getStringAttribute(span.attributes, 'loopgate.rule')).toBe(rule);
        expect(getStringAttribute(span.attributes, 'loopgate.policy.version')).toBe(gw.policy.current.version);
        const redactions = getAttribute(span.attributes, 'loopgate.redactions');
        expect(redactions?.kind).toBe('int');
        // e-mail, phone, card, IBAN, SSN in the prompt; two keys in the tool call; the AWS key id.
        expect(Number((redactions as { value: bigint }).value)).toBeGreaterThanOrEqual(8);
        // The structure survives redaction: the messages are still valid JSON with their parts.
        const messages = JSON.parse(getStringAttribute(span.attributes, 'gen_ai.input.messages')!);
        expect(messages[0].parts[0].content).toContain('<EMAIL_ADDRESS>');
        expect(messages[1].parts[0].name).toBe('deploy');
        // Keys that are never scanned are left alone.
        expect(getStringAttribute(span.attributes, 'gen_ai.request.model')).toBe('gpt-4o-mini');
      }
    }

    // Nothing silently lost: every accepted span was routed to an exporter and delivered.
    const m = await metrics();
    expect(m).toMatch(/^loopgate_spans_accepted_total 4$/m);
    expect(m).toMatch(/^loopgate_spans_exported_total\{exporter="otlphttp\/broad"\} 2$/m);

    for (const sink of Object.values(s)) {
      const text = wire(sink);
      for (const value of Object.values(PII)) expect(text, `${value} leaked`).not.toContain(value);
      // Redaction must not be a cosmetic pass over the JSON: the digits-only card form leaks too.
      expect(text).not.toContain(PII.card.replaceAll(' ', ''));
    }
  });

  it('delivers GenAI log records per class, stamped, structures kept, with no PII on the wire', async () => {
    const { gateway: gw, sinks: s } = await start();
    const acme = logClient(protocol, TOKENS.acme, 'acme');
    chatEvents(acme, 'acme-1');
    chatEvents(acme, 'acme-warn', { warn: true });
    const globex = logClient(protocol, TOKENS.globex, 'globex');
    chatEvents(globex, 'globex-1');
    await Promise.all([acme.forceFlush(), globex.forceFlush()]);

    await s.broad.waitForRecords('logs', 2);
    await s.eval.waitForRecords('logs', 2);
    await s.tenant.waitForRecords('logs', 2);
    expect(markers(s.broad.logRecords())).toEqual(['acme-1', 'acme-1-body']);
    expect(markers(s.eval.logRecords())).toEqual(['acme-warn', 'acme-warn-body']);
    expect(markers(s.tenant.logRecords())).toEqual(['globex-1', 'globex-1-body']);
    expect(s.tenant.accepted().map((r) => r.path)).toEqual(['/globex/v1/logs', '/globex/v1/logs']);

    const expected: [OtlpSink, string, string][] = [
      [s.broad, 'broad-use', 'consented-broad'],
      [s.eval, 'eval-only', 'warnings-to-eval'],
      [s.tenant, 'tenant-only', 'own-tenant-only'],
    ];
    for (const [sink, cls, rule] of expected) {
      const records = sink.logRecords();
      expect(custodyProblems(records, { class: cls, rule, policyVersion: gw.policy.current.version })).toEqual([]);
      for (const r of records) {
        expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
        if (r.eventName === 'gen_ai.client.inference.operation.details') {
          // Structured message attributes stay structured: an array of kvlists with their parts.
          const input = value(r.attributes, 'gen_ai.input.messages');
          expect(input?.kind).toBe('array');
          const parts = member(element(input, 1), 'parts');
          expect(member(element(parts, 0), 'content')).toMatchObject({ kind: 'string', value: expect.stringContaining('<EMAIL_ADDRESS>') });
          const call = element(member(element(value(r.attributes, 'gen_ai.output.messages'), 0), 'parts'), 0);
          expect(member(call, 'name')).toEqual({ kind: 'string', value: 'deploy' });
          expect(member(call, 'arguments')?.kind).toBe('kvlist');
          expect(Number((getAttribute(r.attributes, 'loopgate.redactions') as { value: bigint }).value)).toBeGreaterThanOrEqual(8);
        } else {
          // A kvlist body stays a kvlist of the same shape.
          expect(r.body.kind).toBe('kvlist');
          expect(member(r.body, 'role')).toEqual({ kind: 'string', value: 'user' });
          expect(member(r.body, 'content')).toMatchObject({ kind: 'string', value: expect.stringContaining('<PHONE_NUMBER>') });
        }
      }
    }

    const m = await metrics();
    expect(m).toMatch(/^loopgate_log_records_accepted_total 6$/m);
    expect(m).toMatch(/^loopgate_log_records_exported_total\{exporter="otlphttp\/broad"\} 2$/m);
    for (const sink of Object.values(s)) {
      const text = wire(sink);
      for (const v of Object.values(PII)) expect(text, `${v} leaked`).not.toContain(v);
      expect(text).not.toContain(PII.card.replaceAll(' ', ''));
    }
  });

  it('delivers metrics to the exporters routed for them, data point attributes redacted, unstamped; another tenant refused', async () => {
    const { sinks: s } = await start();
    const acme = meterClient(protocol, TOKENS.acme, 'acme');
    recordUsage(acme, 'acme-1');
    const impostor = meterClient(protocol, TOKENS.acme, 'globex');
    recordUsage(impostor, 'impostor');
    await Promise.all([acme.forceFlush(), impostor.forceFlush()]);

    await s.broad.waitForRecords('metrics', 3);
    await new Promise((r) => setTimeout(r, 300));
    const received = s.broad.received.filter((r) => r.metrics !== undefined);
    expect(received.map((r) => r.path)).toEqual(['/v1/metrics']);
    const points = received.flatMap((r) => r.metrics!.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.flatMap((m) => [...dataPointsOf(m)]))));
    expect(points).toHaveLength(3);
    expect(points.map((p) => getStringAttribute(p.attributes, 'app.marker'))).toEqual(['acme-1', 'acme-1', 'acme-1']);
    // Not classified: no custody stamp becomes a label of every series.
    for (const p of points) expect(p.attributes.some((a) => a.key.startsWith('loopgate.'))).toBe(false);
    const text = JSON.stringify(received.map((r) => r.metrics), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).toContain('<EMAIL_ADDRESS>');
    expect(text).toContain('<PHONE_NUMBER>');
    for (const v of [PII.email, PII.phone, PII.card, PII.card.replaceAll(' ', '')]) expect(text, `${v} leaked`).not.toContain(v);
    for (const sink of [s.tenant, s.eval]) expect(sink.received).toEqual([]);

    const m = await metrics();
    expect(m).toMatch(/^loopgate_metric_points_accepted_total 3$/m);
    expect(m).toMatch(/^loopgate_metric_points_exported_total\{exporter="otlphttp\/broad"\} 3$/m);
    expect(m).toMatch(/^loopgate_metric_points_rejected_total\{reason="tenant_mismatch"\} 3$/m);
  });

  it('refuses spans that name another tenant than their token, and never forwards them', async () => {
    const { sinks: s } = await start();
    const impostor = client(protocol, TOKENS.acme, 'globex');
    chat(impostor, 'impostor-1');
    chat(impostor, 'impostor-2');
    const honest = client(protocol, TOKENS.globex, 'globex');
    chat(honest, 'globex-ok');
    await Promise.all([impostor.forceFlush(), honest.forceFlush()]);

    await s.tenant.waitForSpans(1);
    // Give any wrongly routed span time to arrive before asserting absence.
    await new Promise((r) => setTimeout(r, 300));
    const all = [...s.broad.spans(), ...s.tenant.spans(), ...s.eval.spans()];
    expect(markers(all)).toEqual(['globex-ok']);
    expect(s.tenant.accepted().map((r) => r.path)).toEqual(['/globex/v1/traces']);
    expect(await metrics()).toMatch(/loopgate_spans_rejected_total\{reason="tenant_mismatch"\} 2\b/);
  });

  it('refuses log records that name another tenant than their token, and never forwards them', async () => {
    const { sinks: s } = await start();
    const impostor = logClient(protocol, TOKENS.acme, 'globex');
    chatEvents(impostor, 'impostor');
    const honest = logClient(protocol, TOKENS.globex, 'globex');
    chatEvents(honest, 'globex-ok');
    await Promise.all([impostor.forceFlush(), honest.forceFlush()]);

    await s.tenant.waitForRecords('logs', 2);
    await new Promise((r) => setTimeout(r, 300));
    const all = [...s.broad.logRecords(), ...s.tenant.logRecords(), ...s.eval.logRecords()];
    expect(markers(all)).toEqual(['globex-ok', 'globex-ok-body']);
    expect(await metrics()).toMatch(/loopgate_log_records_rejected_total\{reason="tenant_mismatch"\} 2\b/);
  });
});

describe('downstream failures', () => {
  it('retries a downstream answering 503 for a while and loses nothing once it recovers', async () => {
    const { sinks: s } = await start();
    s.broad.setBehavior({ kind: 'status', status: 503, retryAfter: '0', times: 4 });
    const acme = client('http/protobuf', TOKENS.acme, 'acme');
    for (let i = 0; i < 5; i++) chat(acme, `acme-${i}`);
    await acme.forceFlush();

    await s.broad.waitForSpans(5, 15_000);
    expect(markers(s.broad.spans())).toEqual(['acme-0', 'acme-1', 'acme-2', 'acme-3', 'acme-4']);
    expect(s.broad.received.filter((r) => r.status === 503)).toHaveLength(4);
    const text = await metrics();
    expect(text).toMatch(/loopgate_export_retries_total\{exporter="otlphttp\/broad"\} [4-9]/);
    expect(text).not.toMatch(/loopgate_spans_export_failed_total\{[^}]*\} [1-9]/);
  });

  it('a full queue is answered 503 + Retry-After; the SDK retries and every span arrives exactly once', async () => {
    const protocol: Protocol = 'http/protobuf';
    const { gateway: gw, sinks: s } = await start({
      // One consumer, a queue of 1 KiB: one request fills it while the downstream hangs.
      eval: '    timeout: 500ms\n    sending_queue: { num_consumers: 1, max_bytes: 1KiB }',
    });
    s.eval.setBehavior({ kind: 'hang' });
    const acme = client(protocol, TOKENS.acme, 'acme');
    chat(acme, 'err-1', { error: true });
    chat(acme, 'err-2', { error: true });
    const flushed = acme.forceFlush();

    // The second export is refused with 503 + Retry-After while the first one waits in the queue.
    const deadline = Date.now() + 10_000;
    while (gw.stats.requestsRefused === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(gw.stats.requestsRefused).toBeGreaterThanOrEqual(1);

    // Downstream recovers: the queue drains, and the SDK's own retry of the refused export succeeds.
    s.eval.setBehavior({ kind: 'ok' });
    await flushed;
    await s.eval.waitForSpans(2, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(markers(s.eval.spans())).toEqual(['err-1', 'err-2']);
    expect(await metrics()).toMatch(/loopgate_spans_refused_queue_full_total\{exporter="otlphttp\/eval"\} [1-9]/);
  });

  it('grpc: a full queue is answered UNAVAILABLE with RetryInfo, and nothing of the refused export was queued', async () => {
    const { gateway: gw, sinks: s } = await start({ eval: '    timeout: 500ms\n    sending_queue: { num_consumers: 1, max_bytes: 1KiB }' });
    s.eval.setBehavior({ kind: 'hang' });
    // The JS gRPC exporter (otlp-grpc-exporter-base 0.223) reports every gRPC error as a failure and
    // never retries, so this leg records what the SDK was told; the Python gRPC exporter, which retries
    // UNAVAILABLE after the RetryInfo delay, shows the retry (python-sdk.test.ts).
    const results: { code: number; error?: Error }[] = [];
    const inner = new OtlpGrpcExporter({ url: `http://${gw.grpcAddress}`, metadata: grpcMetadata(TOKENS.acme) });
    const recording: SpanExporter = {
      export: (spans, done) => inner.export(spans, (r) => (results.push(r), done(r))),
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush(),
    };
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot', 'tenant.id': 'acme' }),
      spanProcessors: [new SimpleSpanProcessor(recording)],
    });
    providers.push(provider);
    chat(provider, 'err-1', { error: true });
    await until(() => results.length === 1);
    chat(provider, 'err-2', { error: true });
    await until(() => results.length === 2);
    expect(results.map((r) => r.code)).toEqual([0, 1]);
    const err = results[1]!.error as Error & { code: number; metadata: Metadata };
    expect(err.code).toBe(14); // UNAVAILABLE
    const details = err.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(decodeRpcStatus(details)).toMatchObject({ code: 14, retryInfo: true, retryDelayMs: expect.any(Number) });

    s.eval.setBehavior({ kind: 'ok' });
    await s.eval.waitForSpans(1, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(markers(s.eval.spans())).toEqual(['err-1']);
    expect(await metrics()).toMatch(/loopgate_spans_refused_queue_full_total\{exporter="otlphttp\/eval"\} [1-9]/);
  });
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
