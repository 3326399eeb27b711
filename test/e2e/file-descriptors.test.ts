/**
 * Out of file descriptors: a client that opens sockets by the thousand (or a host short of them) makes
 * accept fail with EMFILE. libuv answers most of that itself (it frees a reserved descriptor, accepts
 * and closes what waits, and reports nothing); what it does report, Node emits as the listening
 * server's 'error' event, which unheard would end the process, so every listener has a handler that
 * logs the error's kind (telemetry/listen.ts). The gateway, run with a small RLIMIT_NOFILE, is held at
 * the limit by raw sockets on all three listeners; it stays up and serves once they are gone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRODUCERS_DIR, REPO_ROOT } from '../support/fixture-paths.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';

const FILE_LIMIT = 128;

function open(url: string, count: number): Promise<Socket[]> {
  const { hostname, port } = new URL(url);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const s = connect({ host: hostname, port: Number(port) });
          s.on('error', () => {});
          s.once('connect', () => resolve(s));
          s.once('close', () => resolve(s));
        }),
    ),
  );
}

describe('file descriptors run out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-emfile-'));
  let gw: GatewayProcess | undefined;
  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('held at its descriptor limit on every listener, the gateway stays up and serves again', async () => {
    const file = join(dir, 'loopgate.yaml');
    writeFileSync(
      file,
      [
        'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" }, grpc: { endpoint: "127.0.0.1:0" } } } }',
        `policy: ${JSON.stringify(join(REPO_ROOT, 'policies/examples/redact-all.yaml'))}`,
        `exporters: { file/out: { path: ${JSON.stringify(join(dir, 'out.jsonl'))} } }`,
        'routes: { broad-use: [file/out], tenant-only: [file/out], eval-only: [file/out] }',
        'service: { telemetry: { metrics: { address: "127.0.0.1:0" } }, shutdown_timeout: 5s, workers: 1 }',
        '',
      ].join('\n'),
    );
    gw = await startGatewayProcess(file, { fileLimit: FILE_LIMIT });
    const grpcUrl = `http://${gw.logs.find((l) => l.msg === 'loopgate serving')?.['grpc'] as string}`;
    const held = [...(await open(gw.receiverUrl, FILE_LIMIT * 2)), ...(await open(grpcUrl, FILE_LIMIT)), ...(await open(gw.telemetryUrl, FILE_LIMIT))];
    // the gateway is at its limit: every descriptor it may open is open
    const fds = (): number => readdirSync(`/proc/${gw!.pid}/fd`).length;
    for (let i = 0; i < 100 && fds() < FILE_LIMIT; i++) await new Promise((r) => setTimeout(r, 50));
    expect(fds()).toBeGreaterThanOrEqual(FILE_LIMIT);
    // a listener error, if one came through, says only its kind
    for (const l of gw.logs.filter((l) => / listener error$/.test(l.msg))) expect(JSON.stringify(l)).toMatch(/"code":"E[A-Z]+"/);
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 500));
    expect(gw.exited()).toBeUndefined();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      const res = await fetch(`${gw.receiverUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: readFileSync(join(PRODUCERS_DIR, 'traceloop.pb')),
      }).catch(() => undefined);
      status = res?.status ?? 0;
      await res?.arrayBuffer();
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect((await fetch(`${gw.telemetryUrl}/healthz`)).status).toBe(200);
  }, 60_000);
});
