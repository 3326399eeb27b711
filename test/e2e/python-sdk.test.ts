/**
 * The OpenTelemetry Python SDK's own OTLP exporters → Loopgate → sink, over http/protobuf and grpc:
 *
 *   - spans with PII in attributes of every shape an app writes (a GenAI message JSON string, a plain
 *     string, a string array, an event attribute), from test/peers/python/send_spans.py;
 *   - a real GenAI app (test/peers/python/openai_app.py): the openai SDK instrumented by
 *     opentelemetry-instrumentation-openai-v2, calling a local OpenAI-compatible stub
 *     (test/support/openai-stub.ts), in EVENT_ONLY (content in log records) and SPAN_AND_EVENT (in
 *     both) capture, exporting spans and GenAI events (log records);
 *   - the SDK's gRPC retry: a full queue answers UNAVAILABLE with RetryInfo, the SDK waits and resends.
 *
 * The SDK runs as a real child process in the virtualenv `bash scripts/peers.sh` creates; without it
 * the suite skips, saying so, and CI always runs it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/start.js';
import { encodeTracesJson } from '../../src/otlp/encode-json.js';
import { encodeLogsJson } from '../../src/otlp/encode-logs-json.js';
import { getStringAttribute } from '../../src/otlp/model.js';
import { custodyProblems, redactionsOf } from '../support/custody.js';
import { REPO_ROOT } from '../support/fixture-paths.js';
import { startInteropGateway } from '../support/interop-gateway.js';
import { startOpenAiStub, type OpenAiStub } from '../support/openai-stub.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { describeWithPeers } from '../support/peers.js';
import { leakedValues, PRODUCERS_LOGS_PLANTED, PRODUCERS_PLANTED } from '../support/planted.js';

const SCRIPT = join(REPO_ROOT, 'test/peers/python/send_spans.py');
const APP = join(REPO_ROOT, 'test/peers/python/openai_app.py');
const TOKEN = 'python-sdk-token-71c2';

/** Every planted value of the fixture READMEs, names of people included (the PERSON detector). */
const PLANTED = [...new Set([...PRODUCERS_PLANTED, ...PRODUCERS_LOGS_PLANTED].map((p) => p.value))];

interface Leg {
  protocol: 'http/protobuf' | 'grpc';
  compression: 'gzip' | 'none';
  /** Where the SDK sends, given the running gateway. */
  endpoint: (gateway: RunningGateway) => string;
}

const LEGS: Leg[] = [
  { protocol: 'http/protobuf', compression: 'gzip', endpoint: (g) => g.receiverUrl },
  { protocol: 'http/protobuf', compression: 'none', endpoint: (g) => g.receiverUrl },
  { protocol: 'grpc', compression: 'gzip', endpoint: (g) => g.grpcAddress! },
  { protocol: 'grpc', compression: 'none', endpoint: (g) => g.grpcAddress! },
];

interface SdkRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runPython(python: string, job: object, script = SCRIPT): Promise<SdkRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(JSON.stringify(job));
  });
}

/** Two spans as a GenAI app writes them, every planted value in every attribute shape. */
function spans(marker: string): object[] {
  const text = `Customer details: ${PLANTED.join(' / ')}`;
  const messages = [
    { role: 'system', parts: [{ type: 'text', content: 'You are a billing assistant.' }] },
    { role: 'user', parts: [{ type: 'text', content: text }] },
  ];
  return [
    {
      name: 'chat gpt-4o-mini',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 42,
        'gen_ai.input.messages': JSON.stringify(messages),
        'app.marker': `${marker}-chat`,
      },
      events: [{ name: 'gen_ai.user.message', attributes: { content: text } }],
    },
    {
      name: 'execute_tool lookup_customer',
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup_customer',
        'app.customer.note': text,
        'app.customer.contacts': PLANTED,
        'app.marker': `${marker}-tool`,
      },
    },
  ];
}

let gateway: RunningGateway | undefined;
let sink: OtlpSink | undefined;
afterEach(async () => {
  await gateway?.close();
  await sink?.close();
  gateway = sink = undefined;
});

describeWithPeers('Python SDK → Loopgate', ['python'], (peer) => {
  it.each(LEGS)('$protocol ($compression): spans arrive stamped, with no planted value', async (leg) => {
    sink = await startOtlpSink();
    gateway = await startInteropGateway({
      policy: 'examples/redact-all.yaml',
      auth: { token: TOKEN, tenant: 'acme' },
      exporters: { 'otlphttp/broad': `{ endpoint: "${sink.url}" }` },
      routes: { 'broad-use': ['otlphttp/broad'] },
      grpc: true,
    });

    const marker = `${leg.protocol}-${leg.compression}`;
    const run = await runPython(peer.python, {
      endpoint: leg.endpoint(gateway),
      protocol: leg.protocol,
      compression: leg.compression,
      headers: { authorization: `Bearer ${TOKEN}` },
      resource: { 'service.name': 'billing-assistant-py', 'tenant.id': 'acme' },
      spans: spans(marker),
    });
    // The SDK's stderr holds its own export errors (status codes), never our payload.
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(run.stdout)).toEqual({ results: ['SUCCESS', 'SUCCESS'], spans: 2 });

    await sink.waitForSpans(2, 20_000);
    const received = sink.spans();
    expect(received.map((s) => getStringAttribute(s.attributes, 'app.marker')).sort()).toEqual([`${marker}-chat`, `${marker}-tool`]);
    expect(custodyProblems(received, { class: 'broad-use', rule: 'everything-broad', policyVersion: gateway.policy.current.version })).toEqual([]);
    // Every planted value was in each of the four attribute shapes: at least that many redactions.
    expect(redactionsOf(received)).toBeGreaterThanOrEqual(PLANTED.length * 4);
    const resource = sink.accepted()[0]!.data!.resourceSpans[0]!.resource;
    expect(getStringAttribute(resource.attributes, 'telemetry.sdk.language')).toBe('python');
    expect(leakedValues(sink.accepted().map((r) => encodeTracesJson(r.data!)).join('\n'), PLANTED)).toEqual([]);
  });
});

/** What the app's user types and what the tool returns: every planted value, in prose and in JSON. */
const USER_PROMPT = `Hi, I'm Daniel Okafor. My details: ${PLANTED.join(' / ')}. Please check my last payment.`;
const SYSTEM_PROMPT = "You are Acme Bank's billing assistant. Be concise and never read card numbers back to the customer.";
const TOOL_RESULT = { customer_name: 'Daniel Okafor', contacts: PLANTED, last_payment: `declined: card ${PLANTED.find((v) => /^\d{4} \d{4}/.test(v)) ?? ''}` };
/** The model's side: a text answer and tool arguments that repeat PII (outputs carry it too). */
const STUB_REPLY = {
  text: 'Sure. I will email a copy to jane.doe@example.com and call you at +1 415-555-0132 if needed.',
  toolArguments: { email: 'daniel.okafor@example.net', customer_name: 'Daniel Okafor' },
};

interface AppLeg {
  protocol: 'http/protobuf' | 'grpc';
  capture: 'EVENT_ONLY' | 'SPAN_AND_EVENT';
}

const APP_LEGS: AppLeg[] = [
  { protocol: 'http/protobuf', capture: 'EVENT_ONLY' },
  { protocol: 'grpc', capture: 'EVENT_ONLY' },
  { protocol: 'http/protobuf', capture: 'SPAN_AND_EVENT' },
  { protocol: 'grpc', capture: 'SPAN_AND_EVENT' },
];

let stub: OpenAiStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describeWithPeers('Python GenAI app (openai-v2 instrumentation) → Loopgate', ['python'], (peer) => {
  it.each(APP_LEGS)('$protocol, $capture: spans and GenAI events arrive stamped, with no planted value', async (leg) => {
    stub = await startOpenAiStub(STUB_REPLY);
    sink = await startOtlpSink();
    gateway = await startInteropGateway({
      policy: 'examples/redact-all.yaml',
      auth: { token: TOKEN, tenant: 'acme' },
      exporters: { 'otlphttp/broad': `{ endpoint: "${sink.url}" }` },
      routes: { traces: { 'broad-use': ['otlphttp/broad'] }, logs: { 'broad-use': ['otlphttp/broad'] } },
      grpc: true,
    });

    const run = await runPython(
      peer.python,
      {
        endpoint: leg.protocol === 'grpc' ? gateway.grpcAddress : gateway.receiverUrl,
        protocol: leg.protocol,
        compression: leg.protocol === 'grpc' ? 'gzip' : 'none',
        headers: { authorization: `Bearer ${TOKEN}` },
        resource: { 'service.name': 'billing-assistant-py', 'tenant.id': 'acme' },
        capture: leg.capture,
        model_url: stub.baseUrl,
        system: SYSTEM_PROMPT,
        user: USER_PROMPT,
        tool_result: TOOL_RESULT,
      },
      APP,
    );
    expect(run, run.stderr).toMatchObject({ code: 0 });
    // The app really sent the PII to the model: this is what the instrumentation saw.
    expect(JSON.stringify(stub.requests)).toContain(PLANTED[0]);

    // Four calls (a chat, the two halves of a tool round trip, a rejected call): four spans, and one
    // gen_ai.client.inference.operation.details event each.
    await sink.waitForRecords('traces', 4, 20_000);
    await sink.waitForRecords('logs', 4, 20_000);
    const spans = sink.spans();
    const logs = sink.logRecords();
    expect(spans).toHaveLength(4);
    expect(logs).toHaveLength(4);
    const custody = { class: 'broad-use', rule: 'everything-broad', policyVersion: gateway.policy.current.version };
    expect(custodyProblems(spans, custody)).toEqual([]);
    expect(custodyProblems(logs, custody)).toEqual([]);
    expect(new Set(logs.map((r) => r.eventName))).toEqual(new Set(['gen_ai.client.inference.operation.details']));
    // Each event belongs to its call's span: same trace, so every replica samples them together.
    const traceIds = new Set(spans.map((s) => s.traceId));
    for (const r of logs) expect(traceIds.has(r.traceId)).toBe(true);
    // The content sat in the events' structured attributes, and stays structured after redaction.
    const input = logs[0]!.attributes.find((kv) => kv.key === 'gen_ai.input.messages')?.value;
    expect(input?.kind).toBe('array');
    expect(redactionsOf(logs)).toBeGreaterThanOrEqual(PLANTED.length);
    if (leg.capture === 'SPAN_AND_EVENT') {
      // …and on the spans too, as JSON strings that stay valid JSON.
      const messages = spans.map((s) => getStringAttribute(s.attributes, 'gen_ai.input.messages')).filter((v) => v !== undefined);
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(() => JSON.parse(m!)).not.toThrow();
      expect(redactionsOf(spans)).toBeGreaterThanOrEqual(PLANTED.length);
    } else {
      expect(spans.some((s) => s.attributes.some((kv) => kv.key === 'gen_ai.input.messages'))).toBe(false);
    }
    if (leg.protocol === 'http/protobuf') expect(sink.accepted().every((r) => r.encoding === 'protobuf')).toBe(true);

    const wire = sink
      .accepted()
      .map((r) => (r.data ? encodeTracesJson(r.data) : r.logs ? encodeLogsJson(r.logs) : ''))
      .join('\n');
    expect(leakedValues(wire, [...PLANTED, ...Object.values(STUB_REPLY.toolArguments), 'jane.doe@example.com', '+1 415-555-0132'])).toEqual([]);
  });

  it('grpc: a full queue answers UNAVAILABLE with RetryInfo; the SDK waits, resends, and every span arrives once', async () => {
    sink = await startOtlpSink({ behavior: { kind: 'hang' } });
    gateway = await startInteropGateway({
      policy: 'examples/redact-all.yaml',
      auth: { token: TOKEN, tenant: 'acme' },
      // One consumer, a queue of 1 KiB: the first export fills it while the downstream hangs.
      exporters: { 'otlphttp/broad': `{ endpoint: "${sink.url}", timeout: 500ms, sending_queue: { num_consumers: 1, max_bytes: 1KiB }, retry_on_failure: { initial_interval: 50ms, max_interval: 200ms } }` },
      routes: { 'broad-use': ['otlphttp/broad'] },
      grpc: true,
    });
    const gw = gateway;
    const running = runPython(peer.python, {
      endpoint: gw.grpcAddress,
      protocol: 'grpc',
      compression: 'none',
      headers: { authorization: `Bearer ${TOKEN}` },
      resource: { 'service.name': 'billing-assistant-py', 'tenant.id': 'acme' },
      spans: spans('retry'),
    });
    const deadline = Date.now() + 20_000;
    while (gw.stats.requestsRefused === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(gw.stats.requestsRefused).toBeGreaterThanOrEqual(1);
    sink.setBehavior({ kind: 'ok' });

    const run = await running;
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(run.stdout)).toEqual({ results: ['SUCCESS', 'SUCCESS'], spans: 2 });
    await sink.waitForSpans(2, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.spans().map((s) => getStringAttribute(s.attributes, 'app.marker')).sort()).toEqual(['retry-chat', 'retry-tool']);
  });
});
