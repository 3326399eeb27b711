/**
 * A request listener whose code is loaded by the first request it serves. The receiver's fallback (the
 * Hono app: 404, 405, queries, unusual Hosts) answers few requests, if any, on a gateway whose clients
 * only export, so @hono/node-server and hono stay unloaded until one arrives (README, "Memory of the
 * main thread"). Requests that arrive while the code loads wait for it, in order; their bodies are not
 * read meanwhile (an IncomingMessage stays paused until someone reads it).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export function lazyListener(load: () => Promise<RequestListener>, onLoadError: (err: unknown) => void): RequestListener {
  let listener: RequestListener | undefined;
  let loading: Promise<RequestListener> | undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (listener !== undefined) return listener(req, res);
    loading ??= load();
    loading.then(
      (l) => {
        listener = l;
        l(req, res);
      },
      (err: unknown) => {
        // Our own code failed to load: say so once per request, and try again on the next one.
        loading = undefined;
        onLoadError(err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
        res.end('internal error\n');
        req.resume();
      },
    );
  };
}
