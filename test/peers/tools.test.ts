/**
 * The peers scripts/peers.sh sets up are the ones the interop suites and later issues rely on: the
 * Collector has every component of its builder manifest, the Python has every pinned package
 * importable, and redis-server runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixture-paths.js';
import { describeWithPeers } from '../support/peers.js';

const run = (file: string, args: string[]): string => execFileSync(file, args, { encoding: 'utf8', timeout: 60_000 });

describeWithPeers('the OpenTelemetry Collector peer', ['otelcol'], (peer) => {
  it('has every module of test/peers/otelcol-builder.yaml, at its pinned version', () => {
    const manifest = readFileSync(join(REPO_ROOT, 'test/peers/otelcol-builder.yaml'), 'utf8');
    const wanted = [...manifest.matchAll(/^\s+- gomod: (\S+(?:receiver|exporter|processor)) (v\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(wanted.length).toBeGreaterThanOrEqual(9);
    const components = run(peer.otelcol, ['components']);
    for (const module of wanted) expect(components).toContain(`module: ${module}`);
  });
});

describeWithPeers('the Python peer', ['python'], (peer) => {
  it('imports the SDK, both OTLP exporters and the GenAI producer packages', () => {
    const modules = [
      'opentelemetry.sdk.trace',
      'opentelemetry.exporter.otlp.proto.http.trace_exporter',
      'opentelemetry.exporter.otlp.proto.grpc.trace_exporter',
      'opentelemetry.exporter.otlp.proto.http._log_exporter',
      'opentelemetry.exporter.otlp.proto.grpc._log_exporter',
      'opentelemetry.instrumentation.openai_v2',
      'opentelemetry.util.genai',
      'openai',
      'httpx',
    ];
    const out = run(peer.python, ['-c', `import importlib\nfor m in ${JSON.stringify(modules)}: importlib.import_module(m)\nprint("ok")`]);
    expect(out.trim()).toBe('ok');
  });
});

describeWithPeers('the redis-server peer', ['redisServer'], (peer) => {
  it('runs', () => {
    expect(run(peer.redisServer, ['--version'])).toMatch(/^Redis server v=\d+\.\d+/);
  });
});
