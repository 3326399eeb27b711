/**
 * Principle 7: logs never carry payload values. The whole gateway runs at `trace` level with its log
 * captured while it processes every producer fixture (which carry PII and secrets), refuses bad
 * requests, fails exports and shuts down; no listed value may appear in any log line.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOtlpSink } from '../../test/support/otlp-sink.js';
import { startGateway } from '../gateway/start.js';
import { createLogger } from './logger.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';
import { gatewayConfig } from '../../test/support/gateway-config.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = PRODUCERS_DIR;

/** Values the fixtures carry (see the fixtures' README): none may reach a log line, whole or in part. */
const PII = [
  'jane.doe@example.com',
  'priya.patel@globex.example',
  'Priya Patel',
  '+44 20 7946 0958',
  '415-555-0132',
  '5555 5555 5555 4444',
  'sk_live_51H8xYz',
  'ghp_1234567890',
  '203.0.113.42',
];

describe('gateway logs', () => {
  it('carry no payload values, at trace level, through success, refusals, export failures and shutdown', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } });
    const sink = await startOtlpSink();
    const text = [
      'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
      `policy: ${join(ROOT, 'policies/examples/redact-all.yaml')}`,
      'exporters:',
      `  otlphttp/sink: { endpoint: "${sink.url}", retry_on_failure: { enabled: false } }`,
      'routes: { broad-use: [otlphttp/sink] }',
      'service: { telemetry: { metrics: { address: "127.0.0.1:0" } }, shutdown_timeout: 5s }',
    ].join('\n');
    const gateway = await startGateway(gatewayConfig(text, join(ROOT, 'x.yaml')), { env: {}, logger });
    try {
      const post = (body: Uint8Array | string, type: string) =>
        fetch(`${gateway.receiverUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body });
      for (const file of readdirSync(FIXTURES).filter((f) => /\.(pb|json)$/.test(f))) {
        const type = file.endsWith('.pb') ? 'application/x-protobuf' : 'application/json';
        const body = readFileSync(join(FIXTURES, file));
        expect((await post(body, type)).status).toBe(200);
        // The same payload, mangled: refused as undecodable. Its bytes must not be echoed to the log.
        expect((await post(Buffer.concat([body.subarray(0, body.length / 2), Buffer.from([0xff])]), type)).status).toBe(400);
      }
      // A downstream that refuses what it is sent: export failures are logged (without the spans).
      sink.setBehavior({ kind: 'status', status: 400 });
      expect((await post(readFileSync(join(FIXTURES, 'traceloop.json')), 'application/json')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await gateway.close();
      await sink.close();
    }

    if (process.env.SHOW_LOGS) console.log(lines.join(""));
    expect(lines.length).toBeGreaterThan(3);
    const all = lines.join('');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(all).toContain('loopgate serving');
    expect(all).toContain('loopgate stopped');
    for (const value of PII) expect(all).not.toContain(value);
  });
});
