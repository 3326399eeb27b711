/** Binding and closing node:http servers with promises; shared by the receiver and telemetry servers. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostPort } from '../config/units.js';

export type { HostPort };

/**
 * Listens and resolves with the bound address (the real port when port 0 was asked for). `backlog`:
 * connections the kernel may queue before they are accepted (Node's default 511).
 */
export function listen(server: Server, at: HostPort, backlog = 511): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(at.port, at.host, backlog, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Stops accepting connections and resolves once open ones are done. Idle keep-alive sockets are
 * closed at once so a client holding a connection open cannot delay shutdown.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}
