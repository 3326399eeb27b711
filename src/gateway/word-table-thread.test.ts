/**
 * The policy workers' PERSON word table is built on a thread that then ends, not on the main thread:
 * with workers the main thread never builds one, and the off-thread table is the table this thread
 * would have built, cell for cell (so findings cannot differ).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../../test/support/otlp-sink.js';
import { gatewayConfig } from '../../test/support/gateway-config.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';
import { builtWordTable, sharedWordTable } from '../policy/detect/lexicon/lexicon.js';
import { silentLogger } from '../telemetry/logger.js';
import { startGateway, type RunningGateway } from './start.js';
import { buildWordTableOffThread } from './word-table-thread.js';

const ROOT = resolve(import.meta.dirname, '../..');

let sink: OtlpSink | undefined;
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  await sink?.close();
  gateway = sink = undefined;
});

// In this order: the second test builds this isolate's table, which the first asserts was never built.
describe('word table thread', () => {
  it('with policy workers the main thread never builds the word table, and spans are served', async () => {
    sink = await startOtlpSink();
    const text = [
      'receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } } }',
      `policy: ${join(ROOT, 'policies/examples/redact-all.yaml')}`,
      'exporters:',
      '  otlphttp/sink:',
      `    endpoint: ${sink.url}`,
      'routes: { broad-use: [otlphttp/sink] }',
      'service:',
      '  telemetry: { metrics: { address: 127.0.0.1:0 } }',
      '  workers: 1',
    ].join('\n');
    gateway = await startGateway(gatewayConfig(text, join(ROOT, 'test-loopgate.yaml')), { env: {}, logger: silentLogger() });
    const body = readFileSync(join(PRODUCERS_DIR, 'otel-openai.pb'));
    const res = await fetch(`${gateway.receiverUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(res.status).toBe(200);
    await sink.waitForSpans(1);
    expect(builtWordTable()).toBe(false);
  });

  it('builds the same table as this thread would, cell for cell', async () => {
    const off = await buildWordTableOffThread();
    expect(off.cells.buffer).toBeInstanceOf(SharedArrayBuffer);
    const here = sharedWordTable();
    expect(builtWordTable()).toBe(true);
    expect(off.count).toBe(here.count);
    expect(off.cells.length).toBe(here.cells.length);
    expect(Buffer.from(off.cells.buffer).equals(Buffer.from(here.cells.buffer))).toBe(true);
  });
});
