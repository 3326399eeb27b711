/**
 * Hot reload as a running gateway does it: the policy file is edited on disk while spans flow.
 * A valid change swaps in atomically and the version stamp changes; an invalid change is refused with
 * the validate message in the log, and the running policy keeps serving; /metrics counts both.
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeTracesProtobuf } from '../otlp/encode-protobuf.js';
import { getStringAttribute } from '../otlp/model.js';
import { createLogger } from '../telemetry/logger.js';
import { genAiTraces } from '../../test/support/spans.js';
import { startOtlpSink, type OtlpSink } from '../../test/support/otlp-sink.js';
import { startGateway, type RunningGateway } from './start.js';
import { gatewayConfig } from '../../test/support/gateway-config.js';

const ROOT = resolve(import.meta.dirname, '../..');
let gateway: RunningGateway | undefined;
let sink: OtlpSink | undefined;

afterEach(async () => {
  await gateway?.close();
  await sink?.close();
  gateway = sink = undefined;
});

const until = async (cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('policy hot reload', () => {
  it('swaps a valid edit in atomically, refuses an invalid one with its diagnostics, and keeps serving', async () => {
    sink = await startOtlpSink();
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-reload-'));
    const policyPath = join(dir, 'policy.yaml');
    const original = readFileSync(join(ROOT, 'policies/examples/redact-all.yaml'), 'utf8');
    writeFileSync(policyPath, original);
    const text = [
      'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
      'policy: policy.yaml',
      `exporters: { otlphttp/sink: { endpoint: "${sink.url}" } }`,
      'routes: { broad-use: [otlphttp/sink], eval-only: [otlphttp/sink] }',
      'service: { telemetry: { metrics: { address: "127.0.0.1:0" } } }',
      '',
    ].join('\n');
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }),
    });
    gateway = await startGateway(gatewayConfig(text, join(dir, 'loopgate.yaml')), { env: {}, logger, watchPolicy: true });
    const gw = gateway;
    const send = async (): Promise<void> => {
      const res = await fetch(`${gw.receiverUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: encodeTracesProtobuf(genAiTraces(1, 'acme')),
      });
      expect(res.status).toBe(200);
    };
    const metrics = async (): Promise<string> => (await fetch(`${gw.telemetryUrl}/metrics`)).text();
    const v1 = gw.policy.current.version;

    // A valid edit, saved the way editors do (write a temp file, rename it over the policy).
    writeFileSync(`${policyPath}.tmp`, original.replace('class: broad-use', 'class: eval-only').replace('id: everything-broad', 'id: everything-eval'));
    renameSync(`${policyPath}.tmp`, policyPath);
    await until(() => gw.policy.current.version !== v1);
    const v2 = gw.policy.current.version;
    await send();
    await sink.waitForSpans(1);
    const span = sink.spans()[0]!;
    expect(getStringAttribute(span.attributes, 'loopgate.policy.version')).toBe(v2);
    expect(getStringAttribute(span.attributes, 'loopgate.class')).toBe('eval-only');
    expect(await metrics()).toContain(`loopgate_policy_info{version="${v2}"} 1`);

    // An invalid edit: refused, logged as validate prints it, the running policy keeps serving.
    writeFileSync(policyPath, original.replace('class: broad-use', 'class: everywhere'));
    await until(async () => /loopgate_policy_reloads_total\{outcome="failure"\} 1/.test(await metrics()));
    expect(gw.policy.current.version).toBe(v2);
    const refused = lines.map((l) => JSON.parse(l) as { msg: string; diagnostics?: string[] }).find((l) => l.msg.startsWith('policy reload refused'));
    expect(refused?.diagnostics?.[0]).toMatch(/policy\.yaml:\d+:\d+: .*class/);
    await send();
    await sink.waitForSpans(2);
    expect(getStringAttribute(sink.spans()[1]!.attributes, 'loopgate.policy.version')).toBe(v2);
    expect(await metrics()).toMatch(/loopgate_policy_reloads_total\{outcome="success"\} 2/);
  });
});
