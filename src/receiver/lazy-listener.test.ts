import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyListener } from './lazy-listener.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('lazyListener', () => {
  it('loads once, on the first request, and serves the requests that arrived meanwhile with their bodies', async () => {
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const url = await serve(
      lazyListener(async () => {
        loads++;
        await gate;
        return (req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString()));
          req.on('end', () => res.end(`${req.url} ${body}`));
        };
      }, () => {}),
    );
    expect(loads).toBe(0);
    const waiting = ['/a', '/b', '/c'].map((p) => fetch(`${url}${p}`, { method: 'POST', body: `body of ${p}` }).then((r) => r.text()));
    await new Promise((r) => setTimeout(r, 50));
    expect(loads).toBe(1);
    release();
    expect(await Promise.all(waiting)).toEqual(['/a body of /a', '/b body of /b', '/c body of /c']);
    expect(await (await fetch(`${url}/d`, { method: 'POST', body: 'x' })).text()).toBe('/d x');
    expect(loads).toBe(1);
  });

  it('answers 500 when the code fails to load, reports it, and tries again on the next request', async () => {
    let loads = 0;
    const errors: unknown[] = [];
    const url = await serve(
      lazyListener(async () => {
        if (++loads === 1) throw new Error('cannot load');
        return (_req, res) => res.end('loaded');
      }, (err) => errors.push(err)),
    );
    const first = await fetch(`${url}/`, { method: 'POST', body: 'unread' });
    expect(first.status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(await (await fetch(`${url}/`)).text()).toBe('loaded');
    expect(loads).toBe(2);
  });
});
