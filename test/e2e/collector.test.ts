/**
 * The documented deployment with a real OpenTelemetry Collector in front: apps → Collector (the
 * repo's otel-collector.yaml, unchanged but for its listen ports) → Loopgate → per-class sink.
 *
 * Opt-in: set LOOPGATE_OTELCOL to a Collector binary that has the otlp receiver, the batch and
 * memory_limiter processors and the otlphttp exporter (the core distribution, or one built with the
 * Collector builder from those components). The Go toolchain is not part of `npm ci`, so CI skips it.
 *
 *   LOOPGATE_OTELCOL=/path/to/otelcol npx vitest run test/e2e/collector.test.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway/start.js';
import { decodeTracesProtobuf } from '../../src/otlp/decode-protobuf.js';
import { countSpans, getStringAttribute } from '../../src/otlp/model.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { gatewayConfig } from '../support/gateway-config.js';
import { PRODUCERS_DIR } from '../support/fixture-paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = PRODUCERS_DIR;
const COLLECTOR = process.env.LOOPGATE_OTELCOL;
const TOKEN = 'collector-token-5b1e';

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

describe.skipIf(!COLLECTOR)('behind a real OpenTelemetry Collector (otel-collector.yaml)', () => {
  let gateway: RunningGateway | undefined;
  let sink: OtlpSink | undefined;
  let collector: ChildProcess | undefined;

  afterAll(async () => {
    collector?.kill('SIGTERM');
    await gateway?.close();
    await sink?.close();
  });

  it('forwards what apps send to the Collector through Loopgate, redacted and stamped', async () => {
    sink = await startOtlpSink();
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-otelcol-'));
    const text = [
      'receivers:',
      '  otlp:',
      '    protocols: { http: { endpoint: "127.0.0.1:0" } }',
      `    auth: { tokens: [ { token: ${TOKEN}, tenant: globex } ] }`,
      `policy: ${JSON.stringify(join(ROOT, 'policies/examples/tenant-isolated.yaml'))}`,
      `exporters: { otlphttp/tenant: { endpoint: "${sink.url}/{tenant}" } }`,
      'routes: { tenant-only: [otlphttp/tenant] }',
      'service: { telemetry: { metrics: { address: "127.0.0.1:0" } } }',
      '',
    ].join('\n');
    gateway = await startGateway(gatewayConfig(text, join(dir, 'loopgate.yaml')), { env: {}, logger: createLogger({ level: 'silent' }) });

    // The shipped Collector config, moved to free loopback ports and quieted; nothing else changed.
    const [grpc, http] = [await freePort(), await freePort()];
    const collectorConfig = readFileSync(join(ROOT, 'otel-collector.yaml'), 'utf8')
      .replace('0.0.0.0:4317', `127.0.0.1:${grpc}`)
      .replace('0.0.0.0:4318', `127.0.0.1:${http}`)
      .concat('  telemetry:\n    metrics:\n      level: none\n');
    writeFileSync(join(dir, 'otelcol.yaml'), collectorConfig);
    collector = spawn(COLLECTOR!, ['--config', join(dir, 'otelcol.yaml')], {
      env: { ...process.env, LOOPGATE_ENDPOINT: gateway.receiverUrl, LOOPGATE_TOKEN: TOKEN },
      stdio: 'ignore',
    });

    let expected = 0;
    for (const name of ['traceloop', 'openinference', 'vercel-ai']) {
      const body = readFileSync(join(FIXTURES, `${name}.pb`));
      expected += countSpans((decodeTracesProtobuf(body) as { ok: true; value: never }).value);
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${http}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body,
        }).then(
          (r) => r.status,
          () => 0, // the Collector is still starting
        );
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    }

    await sink.waitForSpans(expected, 20_000);
    for (const span of sink.spans()) {
      expect(getStringAttribute(span.attributes, 'loopgate.class')).toBe('tenant-only');
      expect(getStringAttribute(span.attributes, 'loopgate.policy.version')).toBe(gateway.policy.current.version);
    }
    expect(new Set(sink.accepted().map((r) => r.path))).toEqual(new Set(['/globex/v1/traces']));
    // The Collector's otlphttp exporter sent gzip-compressed protobuf with the bearer token.
    expect(sink.accepted().length).toBeGreaterThan(0);
    const wire = JSON.stringify(sink.accepted().map((r) => r.data), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    for (const value of ['jane.doe@example.com', '+1 415-555-0132', 'sk_live_51H8xYzABCdefGHIjklMNOpqrSTUvwxYZ0123456789abcdefGHIJKLmnopQRSTuvwxyz']) {
      expect(wire).not.toContain(value);
    }
  });
});
