/**
 * A gRPC unary call over node:http2, for the otlp exporter: the message goes on the wire exactly as the
 * queue holds it (protobuf, gzip-compressed once at admission, or not), framed as gRPC frames it
 * (PROTOCOL-HTTP2.md): a 5-byte prefix (compressed flag, big-endian length) with `grpc-encoding: gzip`
 * when the bytes are compressed. grpc-js has no way to send bytes that are already compressed (it
 * compresses every attempt itself, at zlib's default level), which would double the CPU the queue's
 * one compression saves and store each body twice as large.
 *
 * One HTTP/2 session per channel, opened on first use and reopened after the peer closes it or it
 * fails; calls are multiplexed on it. The answer is the gRPC status from the trailers (or a
 * trailers-only response), or, for a non-gRPC answer, the code the spec's HTTP-to-gRPC table gives
 * its HTTP status; a transport failure (refused, reset, GOAWAY before the answer) is UNAVAILABLE, as
 * gRPC clients report it. Never throws; resolves once per call.
 */
import http2 from 'node:http2';
import { gunzipSync } from 'node:zlib';

/** gRPC status codes (google/rpc/code.proto) this module produces itself. */
export const GRPC = { OK: 0, CANCELLED: 1, UNKNOWN: 2, DEADLINE_EXCEEDED: 4, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

export interface GrpcChannelOptions {
  /** `host:port` (IPv6 in brackets). */
  address: string;
  secure: boolean;
  /** PEM: CA to trust instead of the system's; client certificate and key for mTLS. */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** The name the server's certificate must carry, when not the host. */
  serverName?: string;
  userAgent: string;
  /** Largest response message read (an Export*ServiceResponse is tiny). */
  maxResponseBytes: number;
}

export interface UnaryResult {
  /** The gRPC status code. */
  code: number;
  /** grpc-message, percent-decoded (may quote data: callers do not log it). */
  message: string;
  /** grpc-status-details-bin, decoded from base64: a google.rpc.Status. */
  details?: Buffer;
  /** The response message on OK (decompressed). */
  response?: Buffer;
  /** Set when the call ended by `signal` or the deadline rather than by an answer. */
  ended?: 'aborted' | 'deadline';
}

/** PROTOCOL-HTTP2.md, "HTTP to gRPC Status Code Mapping", for answers that are not gRPC. */
function codeOfHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return GRPC.INTERNAL;
    case 401:
      return GRPC.UNAUTHENTICATED;
    case 403:
      return GRPC.PERMISSION_DENIED;
    case 404:
      return GRPC.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GRPC.UNAVAILABLE;
    default:
      return GRPC.UNKNOWN;
  }
}

/** grpc-timeout: at most 8 digits and a unit. */
function grpcTimeout(ms: number): string {
  const whole = Math.max(1, Math.ceil(ms));
  return whole < 100_000_000 ? `${whole}m` : `${Math.min(99_999_999, Math.ceil(whole / 1000))}S`;
}

function decodeGrpcMessage(v: unknown): string {
  if (typeof v !== 'string') return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export class GrpcUnaryChannel {
  private session: http2.ClientHttp2Session | undefined;
  private closed = false;

  constructor(private readonly options: GrpcChannelOptions) {}

  private sessionNow(): http2.ClientHttp2Session {
    const s = this.session;
    if (s !== undefined && !s.closed && !s.destroyed) return s;
    const o = this.options;
    const tls: http2.SecureClientSessionOptions = {};
    if (o.secure) {
      if (o.ca) tls.ca = o.ca;
      if (o.cert) tls.cert = o.cert;
      if (o.key) tls.key = o.key;
      if (o.serverName !== undefined) tls.servername = o.serverName;
      tls.ALPNProtocols = ['h2'];
    }
    const session = http2.connect(`${o.secure ? 'https' : 'http'}://${o.address}`, tls);
    // Errors reach each stream as well; this listener keeps an unanswered 'error' from throwing.
    session.on('error', () => {});
    const forget = (): void => {
      if (this.session === session) this.session = undefined;
    };
    session.on('close', forget);
    session.on('goaway', forget);
    this.session = session;
    return session;
  }

  call(path: string, metadata: readonly [string, string][], message: Uint8Array, compressed: boolean, timeoutMs: number, signal?: AbortSignal): Promise<UnaryResult> {
    if (this.closed) return Promise.resolve({ code: GRPC.UNAVAILABLE, message: 'channel closed' });
    return new Promise<UnaryResult>((resolve) => {
      let settled = false;
      let stream: http2.ClientHttp2Stream | undefined;
      const finish = (r: UnaryResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const cut = (r: UnaryResult): void => {
        finish(r);
        if (stream && !stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
      };
      const onAbort = (): void => cut({ code: GRPC.CANCELLED, message: 'aborted', ended: 'aborted' });
      const timer = setTimeout(() => cut({ code: GRPC.DEADLINE_EXCEEDED, message: 'deadline exceeded', ended: 'deadline' }), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });

      const headers: http2.OutgoingHttpHeaders = {
        [http2.constants.HTTP2_HEADER_METHOD]: 'POST',
        [http2.constants.HTTP2_HEADER_PATH]: path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': grpcTimeout(timeoutMs),
        'grpc-accept-encoding': 'identity,gzip',
        'user-agent': this.options.userAgent,
      };
      if (compressed) headers['grpc-encoding'] = 'gzip';
      for (const [k, v] of metadata) headers[k] = v;

      try {
        stream = this.sessionNow().request(headers, { endStream: false });
      } catch (err) {
        finish({ code: GRPC.UNAVAILABLE, message: errorCode(err) });
        return;
      }
      const s = stream;
      let httpStatus = 0;
      let responseHeaders: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      s.on('response', (h) => {
        responseHeaders = h;
        httpStatus = Number(h[':status'] ?? 0);
      });
      s.on('data', (c: Buffer) => {
        size += c.length;
        if (size > this.options.maxResponseBytes + 5) tooLarge = true;
        else chunks.push(c);
      });
      s.on('trailers', (t) => {
        trailers = t;
      });
      s.on('error', (err) => finish({ code: GRPC.UNAVAILABLE, message: errorCode(err) }));
      s.on('close', () => {
        if (settled) return;
        // Trailers, or a trailers-only response (status in the headers).
        const t = trailers ?? (responseHeaders['grpc-status'] !== undefined ? responseHeaders : undefined);
        if (t === undefined) {
          if (httpStatus !== 0 && httpStatus !== 200) return finish({ code: codeOfHttpStatus(httpStatus), message: `HTTP ${httpStatus}` });
          // Reset or closed before any status: the call may not have been processed.
          return finish({ code: GRPC.UNAVAILABLE, message: `stream closed (${s.rstCode})` });
        }
        const code = Number(t['grpc-status']);
        const result: UnaryResult = { code: Number.isInteger(code) ? code : GRPC.UNKNOWN, message: decodeGrpcMessage(t['grpc-message']) };
        const bin = t['grpc-status-details-bin'];
        if (typeof bin === 'string') result.details = Buffer.from(bin, 'base64');
        if (result.code === GRPC.OK) {
          if (tooLarge) return finish({ code: GRPC.OK, message: '' }); // accepted; the response is not read
          const r = responseMessage(Buffer.concat(chunks), responseHeaders['grpc-encoding'], this.options.maxResponseBytes);
          if (r !== undefined) result.response = r;
        }
        finish(result);
      });

      const prefix = Buffer.alloc(5);
      prefix[0] = compressed ? 1 : 0;
      prefix.writeUInt32BE(message.byteLength, 1);
      s.write(prefix);
      s.end(message);
    });
  }

  close(): void {
    this.closed = true;
    const s = this.session;
    this.session = undefined;
    if (s && !s.destroyed) {
      s.close();
      // Streams still open are the caller's to abort; do not let a dead peer hold the session.
      setTimeout(() => s.destroy(), 1000).unref();
    }
  }
}

/** The first length-prefixed message of a response body, inflated when its flag and encoding say so. */
function responseMessage(body: Buffer, encoding: unknown, max: number): Buffer | undefined {
  if (body.length < 5) return body.length === 0 ? Buffer.alloc(0) : undefined;
  const n = body.readUInt32BE(1);
  if (n > max || 5 + n > body.length) return undefined;
  const msg = body.subarray(5, 5 + n);
  if (body[0] === 0) return msg;
  if (encoding !== 'gzip') return undefined;
  try {
    return gunzipSync(msg, { maxOutputLength: max });
  } catch {
    return undefined;
  }
}

/** errno-style code or the error's class name: never its message, which may quote data. */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.name : 'unknown';
}
