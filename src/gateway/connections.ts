/**
 * Bounds on the receiver's client connections, in time and in number (receivers.otlp.protocols.http:
 * read_header_timeout, read_timeout, idle_timeout, max_connections; README, "Connections").
 *
 * Node's own defaults leave a connection that sends nothing open for 30–60 s (headers timeout 60 s,
 * checked every 30 s), keep none in number, and accept from a backlog of 511. Under a burst of
 * connects the kernel drops handshakes that overflow that backlog; with tcp_abort_on_overflow off the
 * client is never told, so a client that then sends nothing believes it holds a connection the
 * gateway never had: the "idle connections still open after 130 s" seen from the client side were
 * those (the gateway itself held none past 60 s). A larger backlog makes that rarer; a client that
 * sends a request on such a connection gets a reset, as TCP intends.
 */
import type { Server, ServerOptions } from 'node:http';
import type { ConnectionLimits } from '../config/types.js';

/** Connections waiting to be accepted; the kernel caps it at net.core.somaxconn. */
export const LISTEN_BACKLOG = 4096;

/**
 * Options the server must be created with: how often Node checks the header and request timeouts.
 * Its default of 30 s lets a connection outlive its timeout by up to that long; a second is cheap
 * (one pass over the open connections) and keeps the bounds what they say.
 */
export function connectionServerOptions(limits: ConnectionLimits): ServerOptions {
  return { connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.readHeaderTimeoutMs / 2))) };
}

export function applyConnectionLimits(server: Server, limits: ConnectionLimits): void {
  // A client trickling a body holds its share of memory, and one trickling headers holds a socket.
  server.requestTimeout = limits.readTimeoutMs;
  // Node refuses a headers timeout longer than the request timeout.
  server.headersTimeout = Math.min(limits.readHeaderTimeoutMs, limits.readTimeoutMs);
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.maxConnections = limits.maxConnections;
}
