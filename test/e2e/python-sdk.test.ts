/**
 * The OpenTelemetry Python SDK's own OTLP span exporter → Loopgate → sink, with PII in span
 * attributes of every shape an app writes (a GenAI message JSON string, a plain string, a string
 * array, an event attribute). The SDK runs as a real child process (test/peers/python/send_spans.py)
 * in the virtualenv `bash scripts/peers.sh` creates; without it the suite skips, saying so, and CI
 * always runs it.
 *
 * LEGS is the table of transports: the OTLP-surface issue adds gRPC (and a logs script) as rows.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/gateway/start.js';
import { encodeTracesJson } from '../../src/otlp/encode-json.js';
import { getStringAttribute } from '../../src/otlp/model.js';
import { custodyProblems, redactionsOf } from '../support/custody.js';
import { REPO_ROOT } from '../support/fixture-paths.js';
import { startInteropGateway } from '../support/interop-gateway.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { describeWithPeers } from '../support/peers.js';
import { leakedValues, PRODUCERS_LOGS_PLANTED, PRODUCERS_PLANTED } from '../support/planted.js';

const SCRIPT = join(REPO_ROOT, 'test/peers/python/send_spans.py');
const TOKEN = 'python-sdk-token-71c2';

/**
 * Every planted value of the fixture READMEs a built-in detector covers. Names of people are planted
 * too (`person`), but Loopgate has no name detector (only a custom detector a policy writes could
 * catch one), so they are not sent here.
 */
const PLANTED = [...new Set([...PRODUCERS_PLANTED, ...PRODUCERS_LOGS_PLANTED].filter((p) => p.kind !== 'person').map((p) => p.value))];

interface Leg {
  protocol: 'http/protobuf' | 'grpc';
  compression: 'gzip' | 'none';
  /** Where the SDK sends, given the running gateway. */
  endpoint: (gateway: RunningGateway) => string;
}

const LEGS: Leg[] = [
  { protocol: 'http/protobuf', compression: 'gzip', endpoint: (g) => g.receiverUrl },
  { protocol: 'http/protobuf', compression: 'none', endpoint: (g) => g.receiverUrl },
];

interface SdkRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runPython(python: string, job: object): Promise<SdkRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
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
