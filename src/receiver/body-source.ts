/**
 * Where a request body comes from, one chunk at a time: a web ReadableStream (Hono's `c.req.raw.body`,
 * the app.request() tests) or Node's IncomingMessage read straight from the socket (the OTLP/HTTP fast
 * path, node-listener.ts). readBody holds the limits and the budget; a source only moves bytes, and
 * knows how to throw away what is left of a refused body.
 */
import type { IncomingMessage } from 'node:http';

export interface BodySource {
  /** The next chunk, undefined at the end; rejects when the client's stream fails (reset, abort). */
  next(): Promise<Uint8Array | undefined>;
  /**
   * The body was refused (413, 503) while the client may still be writing: read and drop the rest,
   * bounded by DISCARD_LIMIT_BYTES, so the answer reaches the client instead of a reset.
   */
  discardRest(): void;
  /** Reading stopped (read to the end, or failed): let go of the stream. */
  cancel(): void;
}

/**
 * How much of a refused body is still read and thrown away before the connection is cut. A client
 * still writing when the 413 or 503 goes out would otherwise meet a reset (EPIPE, ECONNRESET) instead
 * of the answer, because cancelling the stream destroys the socket. This is the lingering close HTTP
 * servers do (RFC 9112 §9.6); the read timeout bounds its time, this its bytes.
 */
export const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

/** Reads and drops what remains of a refused body, up to DISCARD_LIMIT_BYTES, then cancels. */
async function discardWebRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let dropped = 0;
  try {
    while (dropped <= DISCARD_LIMIT_BYTES) {
      const next = await reader.read();
      if (next.done) return;
      dropped += next.value.byteLength;
    }
  } catch {
    // the client went away: nothing left to drain
  }
  await reader.cancel().catch(() => {});
}

export function webBodySource(stream: ReadableStream<Uint8Array>): BodySource {
  const reader = stream.getReader();
  return {
    next: () => reader.read().then((r) => (r.done ? undefined : r.value)),
    discardRest: () => void discardWebRest(reader),
    cancel: () => void reader.cancel().catch(() => {}),
  };
}

const draining = new WeakSet<IncomingMessage>();

/**
 * Reads and drops what is left of a request body nobody will read (refused, or answered before it
 * was read: 401, 415, a declared 413, shutdown), up to DISCARD_LIMIT_BYTES, then closes the socket
 * once the answer is written. Left unread, the body would stall a keep-alive connection (its next
 * request sits behind it) and closing with unread bytes makes the kernel answer with a reset that
 * can overtake the response (RFC 9112 §9.6). @hono/node-server does the same for the Hono fallback.
 */
export function drainUnread(req: IncomingMessage): void {
  if (req.readableEnded || req.destroyed || draining.has(req)) return;
  draining.add(req);
  let dropped = 0;
  const stop = (): void => {
    req.off('data', onData);
    req.off('end', stop);
    req.off('error', stop);
  };
  const onData = (chunk: Buffer): void => {
    dropped += chunk.byteLength;
    if (dropped > DISCARD_LIMIT_BYTES) {
      stop();
      const socket = req.socket;
      if (socket && !socket.destroyed) socket.destroySoon();
    }
  };
  req.on('data', onData);
  req.on('end', stop);
  req.on('error', stop);
  req.resume();
}

/**
 * An IncomingMessage as a BodySource. Chunks arrive as 'data' events; one that comes while nobody
 * waits is kept and the stream paused, so at most one chunk is held beyond what readBody counted
 * against the limit. A client that goes away before the end ('error' or 'close' without 'end')
 * fails the read: readBody answers 'aborted'.
 */
export function incomingBodySource(req: IncomingMessage): BodySource {
  const held: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let waiter: { resolve: (chunk: Uint8Array | undefined) => void; reject: (err: Error) => void } | undefined;

  const settle = (): void => {
    const w = waiter;
    if (w === undefined) return;
    if (held.length > 0) {
      waiter = undefined;
      w.resolve(held.shift());
    } else if (failure !== undefined) {
      waiter = undefined;
      w.reject(failure);
    } else if (ended) {
      waiter = undefined;
      w.resolve(undefined);
    }
  };
  const onData = (chunk: Buffer): void => {
    held.push(chunk);
    if (waiter === undefined) req.pause();
    else settle();
  };
  const onEnd = (): void => {
    ended = true;
    settle();
  };
  const onError = (err: Error): void => {
    failure ??= err;
    settle();
  };
  const onClose = (): void => {
    if (!ended) onError(new Error('request body aborted'));
  };
  const detach = (): void => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);

  return {
    next: () => {
      if (held.length > 0) return Promise.resolve(held.shift());
      if (failure !== undefined) return Promise.reject(failure);
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        req.resume();
      });
    },
    discardRest: () => {
      detach();
      drainUnread(req);
    },
    cancel: detach,
  };
}
