/**
 * The receiver's connection bounds and HTTP framing over real sockets (issue #13, "HTTP edges"):
 * slowloris and trickled bodies get 408, idle connections are closed, the number of connections is
 * bounded, and malformed framing (bad or repeated Content-Length, Content-Length with
 * Transfer-Encoding) gets 400. Timeouts are set short in the config so the tests wait little; nothing
 * here asserts a duration.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfig } from '../../test/support/gateway-config.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';
import { startOtlpSink, type OtlpSink } from '../../test/support/otlp-sink.js';
import { silentLogger } from '../telemetry/logger.js';
import { startGateway, type RunningGateway } from './start.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BODY = readFileSync(join(PRODUCERS_DIR, 'otel-openai.pb'));

let sink: OtlpSink;
let gateway: RunningGateway;
let port: number;

beforeAll(async () => {
  sink = await startOtlpSink();
  const text = [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    '        endpoint: 127.0.0.1:0',
    '        read_header_timeout: 1s',
    '        read_timeout: 2s',
    '        idle_timeout: 1s',
    '        max_connections: 4',
    `policy: ${join(ROOT, 'policies/examples/redact-all.yaml')}`,
    'exporters:',
    '  otlphttp/sink:',
    `    endpoint: ${sink.url}`,
    'routes:',
    '  broad-use: [otlphttp/sink]',
    'service:',
    '  telemetry:',
    '    metrics: { address: 127.0.0.1:0 }',
  ].join('\n');
  gateway = await startGateway(gatewayConfig(text, join(ROOT, 'test-loopgate.yaml')), { env: {}, logger: silentLogger() });
  port = Number(new URL(gateway.receiverUrl).port);
});

afterAll(async () => {
  await gateway?.close();
  await sink?.close();
});

/** A raw client connection: what the server sent, and a promise that resolves when it closed. */
interface Raw {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
}

function open(): Promise<Raw> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolvePromise({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

const head = (extra: string[]): string => ['POST /v1/traces HTTP/1.1', 'Host: loopgate', 'Content-Type: application/x-protobuf', ...extra, '', ''].join('\r\n');

async function exchange(request: string | Buffer): Promise<string> {
  const c = await open();
  c.socket.end(request);
  await c.closed;
  return c.received();
}

describe('HTTP framing over a real socket', () => {
  it.each([
    ['a repeated Content-Length', head([`Content-Length: ${BODY.length}`, `Content-Length: ${BODY.length}`])],
    ['a Content-Length that is not a number', head(['Content-Length: 12abc'])],
    ['Content-Length together with Transfer-Encoding', head([`Content-Length: ${BODY.length}`, 'Transfer-Encoding: chunked'])],
  ])('%s is 400', async (_name, request) => {
    const answer = await exchange(Buffer.concat([Buffer.from(request, 'latin1'), BODY]));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('a 413 whose body is left unread says Connection: close and closes, so no request is sent into a closing socket', async () => {
    const c = await open();
    c.socket.write(head([`Content-Length: ${30 * 1024 * 1024}`]));
    c.socket.write(Buffer.alloc(64 * 1024));
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(c.received()).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('a well-formed request on the same server is answered 200', async () => {
    const answer = await exchange(Buffer.concat([Buffer.from(head([`Content-Length: ${BODY.length}`, 'Connection: close']), 'latin1'), BODY]));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('connection bounds', () => {
  it('slowloris: headers trickled a line at a time get 408 and the connection is closed', async () => {
    const c = await open();
    c.socket.write('POST /v1/traces HTTP/1.1\r\nHost: loopgate\r\n');
    const trickle = setInterval(() => c.socket.writable && c.socket.write('X-Slow: 1\r\n'), 200);
    await c.closed;
    clearInterval(trickle);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body trickled past read_timeout gets 408 and the connection is closed', async () => {
    const c = await open();
    c.socket.write(head([`Content-Length: ${BODY.length}`]));
    let sent = 0;
    const trickle = setInterval(() => {
      if (c.socket.writable && sent < BODY.length - 1) c.socket.write(BODY.subarray(sent, ++sent));
    }, 100);
    await c.closed;
    clearInterval(trickle);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a connection that sends nothing is closed', async () => {
    const c = await open();
    await c.closed;
    expect(c.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('an idle keep-alive connection is closed after its request was answered', async () => {
    const c = await open();
    c.socket.write(Buffer.concat([Buffer.from(head([`Content-Length: ${BODY.length}`]), 'latin1'), BODY]));
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(c.received()).toMatch(/keep-alive/i);
  });

  it('max_connections: a connection past the limit is closed at once; once one closes, new ones are served', async () => {
    const held = await Promise.all([open(), open(), open(), open()]);
    // keep them busy with unfinished headers so they count as open for a while
    for (const c of held) c.socket.write('POST /v1/traces HTTP/1.1\r\n');
    await new Promise((r) => setTimeout(r, 100));
    const extra = await open();
    await extra.closed;
    expect(extra.received()).toBe('');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    await new Promise((r) => setTimeout(r, 100));
    const answer = await exchange(Buffer.concat([Buffer.from(head([`Content-Length: ${BODY.length}`, 'Connection: close']), 'latin1'), BODY]));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
