/**
 * The policy worker pool through a running gateway (a child process, src/gateway/policy-workers.ts):
 *
 * - issue #13.3: while one huge request (about 20 MiB, every byte scanned by redact-all) is processed,
 *   /healthz and other clients' requests are answered: the policy runs on a worker thread, never on
 *   the event loop. Asserted by order (answered after the huge body was sent and before its answer),
 *   never by wall-clock thresholds;
 * - a worker that crashes (throws at top level, exits, runs out of heap) is replaced, the request it
 *   held is answered 503 with Retry-After (never acknowledged, never silently lost), and the next
 *   request succeeds. The crash is real, set off by the test-only hook LOOPGATE_WORKER_CRASH.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CODECS } from '../../src/otlp/signal.js';
import type { TracesData } from '../../src/otlp/model.js';
import { PRODUCERS_DIR, REPO_ROOT } from '../support/fixture-paths.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

const fixture = readFileSync(join(PRODUCERS_DIR, 'traceloop.pb'));

function config(dir: string, workers: number): string {
  const file = join(dir, `loopgate-${workers}.yaml`);
  writeFileSync(
    file,
    [
      'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
      `policy: ${JSON.stringify(join(REPO_ROOT, 'policies/examples/redact-all.yaml'))}`,
      `exporters: { file/out: { path: ${JSON.stringify(join(dir, 'out.jsonl'))} } }`,
      'routes: { broad-use: [file/out], tenant-only: [file/out], eval-only: [file/out] }',
      `service: { telemetry: { metrics: { address: "127.0.0.1:0" } }, shutdown_timeout: 5s, workers: ${workers} }`,
      '',
    ].join('\n'),
  );
  return file;
}

/** The fixture with one attribute of ~`bytes` of prose-like text on every span, ~20 MiB in all. */
function huge(bytes: number): Uint8Array {
  const r = CODECS.traces.decode(fixture, 'protobuf');
  if (!r.ok) throw new Error(r.error);
  const data = r.value as TracesData;
  const spans = data.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  const words = 'the model answered the question about the weather in a friendly tone and then stopped ';
  const text = words.repeat(Math.ceil(bytes / spans.length / words.length));
  for (const s of spans) s.attributes.push({ key: 'gen_ai.completion.big', value: { kind: 'string', value: text } });
  return CODECS.traces.encode(data, 'protobuf');
}

/** The fixture with the marker that makes a worker run with LOOPGATE_WORKER_CRASH crash on it. */
function poison(): Uint8Array {
  const r = CODECS.traces.decode(fixture, 'protobuf');
  if (!r.ok) throw new Error(r.error);
  const data = r.value as TracesData;
  data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'loopgate-test-crash-worker';
  return CODECS.traces.encode(data, 'protobuf');
}

/** Sends `body` until it is not 503 busy (for up to `maxMs`, `pauseMs` between tries), as a retrying client does; the last status. */
async function resendUntilAdmitted(gw: GatewayProcess, body: Uint8Array, pauseMs: number, maxMs: number): Promise<number> {
  for (let waited = 0; ; waited += pauseMs) {
    const res = await post(gw, body);
    await res.arrayBuffer();
    if (res.status !== 503 || waited >= maxMs) return res.status;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

const post = (gw: GatewayProcess, body: Uint8Array, extra: Record<string, string> = {}): Promise<Response> =>
  fetch(`${gw.receiverUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...extra }, body });

describe('policy workers through a running gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-workers-'));
  const running: GatewayProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((g) => g.stop()));
  });

  it('/healthz and another client are answered while a ~20 MiB scanned request is processed', async () => {
    const gw = await startGatewayProcess(config(dir, 2));
    running.push(gw);
    const body = huge(18 * 1024 * 1024);
    const events: string[] = [];
    const big = post(gw, body).then(async (res) => {
      events.push(`big:${res.status}`);
      await res.arrayBuffer();
    });
    // Until the big request is answered: /healthz and ordinary requests from another client.
    let done = false;
    void big.finally(() => (done = true));
    while (!done) {
      const h = await fetch(`${gw.telemetryUrl}/healthz`);
      if (!done) events.push(`healthz:${h.status}`);
      const small = await post(gw, fixture);
      if (!done) events.push(`small:${small.status}`);
      await small.arrayBuffer();
    }
    await big;
    expect(events.at(-1)).toBe('big:200');
    // Answered while the big one was still in the gateway: the loop was never held by it.
    expect(events.filter((e) => e === 'healthz:200').length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => e === 'small:200').length).toBeGreaterThanOrEqual(3);
    expect(events.filter((e) => !e.endsWith(':200'))).toEqual([]);
  }, 120_000);

  it.each(['throw', 'exit', 'oom'])('a worker that crashes (%s) is replaced; its request gets 503 + Retry-After, the next one 200', async (mode) => {
    const gw = await startGatewayProcess(config(dir, 1), { env: { LOOPGATE_WORKER_CRASH: mode } });
    running.push(gw);
    const crash = await post(gw, poison());
    expect(crash.status).toBe(503);
    expect(crash.headers.get('retry-after')).toMatch(/^\d+$/);
    await crash.arrayBuffer();
    // The one worker was replaced: the next request (the client's resend of other data) is admitted.
    expect(await resendUntilAdmitted(gw, fixture, 200, 10_000)).toBe(200);
    expect(gw.logs.some((l) => l.msg.startsWith('policy worker stopped: replaced'))).toBe(true);
    // The crash is counted on the metrics endpoint, beside the pool's state (the replacement is idle).
    const metrics = await (await fetch(`${gw.telemetryUrl}/metrics`)).text();
    expect(metrics).toMatch(/^loopgate_policy_worker_crashes_total 1$/m);
    expect(metrics).toMatch(/^loopgate_policy_workers\{state="idle"\} 1$/m);
    expect(metrics).toMatch(/^loopgate_policy_worker_queue_requests\{size="huge"\} 0$/m);
    expect(gw.exited()).toBeUndefined();
    await gw.stop();
  }, 120_000);

  it('a slot whose workers keep dying soon after they start is refilled after a doubling pause, not in a loop', async () => {
    const gw = await startGatewayProcess(config(dir, 1), { env: { LOOPGATE_WORKER_CRASH: 'exit' } });
    running.push(gw);
    for (let crash = 0; crash < 3; crash++) {
      const answer = await post(gw, poison());
      expect(answer.status).toBe(503);
      await answer.arrayBuffer();
      // the replacement serves again before the next poison request reaches it
      expect(await resendUntilAdmitted(gw, fixture, 50, 5_000)).toBe(200);
    }
    const pauses = gw.logs.filter((l) => l.msg.startsWith('policy worker stopped: replaced')).map((l) => (l as { restartInMs?: number }).restartInMs);
    expect(pauses).toEqual([0, 100, 200]);
    expect(gw.exited()).toBeUndefined();
    await gw.stop();
  }, 120_000);
});

