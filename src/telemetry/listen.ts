/** Binding and closing node:http servers with promises; shared by the receiver and telemetry servers. */
import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { HostPort } from '../config/units.js';

export type { HostPort };

/**
 * Listens and resolves with the bound address (the real port when port 0 was asked for). `backlog`:
 * connections the kernel may queue before they are accepted (Node's default 511). Once listening, an
 * accept can still fail (EMFILE or ENFILE when file descriptors run out, as a client opening sockets
 * by the thousand can make them): Node reports that as the server's 'error' event, which unheard would
 * end the process. `onAcceptError` hears it; the server goes on listening.
 */
export function listen(server: NetServer, at: HostPort, onAcceptError: (err: NodeJS.ErrnoException) => void, backlog = 511): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port: at.port, host: at.host, backlog }, () => {
      server.off('error', onError);
      server.on('error', onAcceptError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The error's kind for the log, never more (an accept error carries no payload, but keep one shape). */
export function errorFields(err: NodeJS.ErrnoException): { name: string; message: string; code: string | undefined } {
  return { name: err.name, message: err.message, code: err.code };
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
