/**
 * The telemetry server: one small node:http server on `service.telemetry.metrics.address` with
 *   /metrics  Prometheus exposition of the gateway's own metrics
 *   /healthz  200 while the process is up (liveness)
 *   /readyz   200 only while a policy is loaded, the receiver listens and no shutdown has begun
 * Kept apart from the receiver so a probe or scrape never competes with OTLP traffic for limits.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listen, type HostPort } from './listen.js';

export interface Readiness {
  /** Why the gateway is not ready, or undefined when it is. */
  notReadyReason(): string | undefined;
}

export interface TelemetryServerOptions {
  address: HostPort;
  handleMetricsRequest(req: IncomingMessage, res: ServerResponse): void;
  readiness: Readiness;
  /** An accept that failed once listening (EMFILE …); the server goes on. */
  onAcceptError(err: NodeJS.ErrnoException): void;
}

export interface TelemetryServer {
  /** e.g. http://127.0.0.1:8888, with the port actually bound (port 0 works). */
  readonly url: string;
  close(): Promise<void>;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

export async function startTelemetryServer(options: TelemetryServerOptions): Promise<TelemetryServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return text(res, 405, 'method not allowed\n');
    }
    switch (path) {
      case '/metrics':
        return options.handleMetricsRequest(req, res);
      case '/healthz':
        return text(res, 200, 'ok\n');
      case '/readyz': {
        const reason = options.readiness.notReadyReason();
        return reason === undefined ? text(res, 200, 'ready\n') : text(res, 503, `not ready: ${reason}\n`);
      }
      default:
        return text(res, 404, 'not found\n');
    }
  });
  const bound: AddressInfo = await listen(server, options.address, options.onAcceptError);
  return {
    url: `http://${formatHost(bound.address)}:${bound.port}`,
    close: () => closeServer(server),
  };
}

export function formatHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
