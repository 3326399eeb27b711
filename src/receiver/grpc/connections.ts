/**
 * Bounds on the gRPC receiver's client connections (receivers.otlp.protocols.grpc: max_connections,
 * max_concurrent_streams, keepalive.server_parameters, keepalive.enforcement_policy; README,
 * "The receiver's limits").
 *
 * grpc-js (1.14) enforces the server parameters itself, from channel options: streams per connection
 * (SETTINGS_MAX_CONCURRENT_STREAMS), GOAWAY after an idle time or an age, and its own keepalive pings.
 * It has neither a connection count nor an enforcement policy for the client's pings (its server acks
 * every PING, however many), so both are here: the receiver accepts on its own net.Server, which
 * closes connection N+1 at accept, and hands each socket to grpc-js through
 * `Server.createConnectionInjector`; the ping policy watches each HTTP/2 session that grpc-js makes.
 */
import { constants as http2, type ServerHttp2Session } from 'node:http2';
import type { ChannelOptions } from '@grpc/grpc-js';
import type { GrpcConnectionLimits } from '../../config/types.js';
import type { InflightBudget } from '../inflight-budget.js';

/** grpc-go's maxPingStrikes: a third ping too soon closes the connection. */
export const MAX_PING_STRIKES = 2;
/**
 * With no call in progress and pings not permitted, a ping counts as a strike unless the previous one
 * was this long ago: grpc-go's defaultPingTimeout, so a client's occasional ping is tolerated.
 */
const PING_WITHOUT_STREAM_INTERVAL_MS = 2 * 60 * 60 * 1000;

export function grpcServerOptions(limits: GrpcConnectionLimits): ChannelOptions {
  return {
    'grpc.max_concurrent_streams': limits.maxConcurrentStreams,
    'grpc.max_connection_idle_ms': limits.maxConnectionIdleMs,
    ...(limits.maxConnectionAgeMs !== undefined && { 'grpc.max_connection_age_ms': limits.maxConnectionAgeMs }),
    ...(limits.maxConnectionAgeGraceMs !== undefined && { 'grpc.max_connection_age_grace_ms': limits.maxConnectionAgeGraceMs }),
    'grpc.keepalive_time_ms': limits.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': limits.keepaliveTimeoutMs,
  };
}

/**
 * The enforcement policy as grpc-go applies it (internal/transport/http2_server.go, handlePing): a
 * ping sooner than `minPingIntervalMs` after the previous one (with no call in progress and pings
 * not permitted: sooner than 2 h) is a strike; anything the server sends resets the count, so pings
 * that answer traffic (BDP probes) never add up. Pure: the session watcher feeds it events.
 */
export class PingPolicy {
  private strikes = 0;
  private lastPingAt: number | undefined;
  private sentSincePing = false;

  constructor(private readonly limits: Pick<GrpcConnectionLimits, 'minPingIntervalMs' | 'permitPingsWithoutStream'>) {}

  /** The server sent headers or data (a call was answered). */
  sent(): void {
    this.sentSincePing = true;
  }

  /** A PING from the client at `now`, with `activeStreams` calls in progress: true once it is one too many. */
  ping(now: number, activeStreams: number): boolean {
    const last = this.lastPingAt;
    this.lastPingAt = now;
    if (this.sentSincePing) {
      this.sentSincePing = false;
      this.strikes = 0;
      return false;
    }
    const interval = activeStreams === 0 && !this.limits.permitPingsWithoutStream ? PING_WITHOUT_STREAM_INTERVAL_MS : this.limits.minPingIntervalMs;
    if (last !== undefined && now - last < interval) this.strikes++;
    return this.strikes > MAX_PING_STRIKES;
  }
}

/** What grpc-js clients read as "double your keepalive time" (gRFC A8), in the GOAWAY's debug data. */
const TOO_MANY_PINGS = Buffer.from('too_many_pings');

/**
 * Applies the ping policy to one session: past the strikes, GOAWAY ENHANCE_YOUR_CALM with
 * `too_many_pings` (as grpc-go and C-core send it), then the session is closed.
 */
export function enforcePingPolicy(session: ServerHttp2Session, limits: GrpcConnectionLimits, onViolation: () => void): void {
  const policy = new PingPolicy(limits);
  let active = 0;
  session.on('stream', (stream) => {
    active++;
    stream.once('close', () => {
      active--;
      policy.sent();
    });
  });
  let closing = false;
  session.on('ping', () => {
    // Pings read in one batch arrive before the destroy below: the connection is closed once.
    if (closing || session.destroyed || !policy.ping(Date.now(), active)) return;
    closing = true;
    onViolation();
    session.goaway(http2.NGHTTP2_ENHANCE_YOUR_CALM, 0, TOO_MANY_PINGS);
    // Let the GOAWAY frame go out, then drop the connection (grpc-go closes it too).
    setImmediate(() => session.destroy());
  });
}

/**
 * Bytes of request messages still arriving, on every stream together, held to `arriving`. grpc-js
 * keeps reading a stream while its message is incomplete (HTTP/2 flow control does not hold it back)
 * and hands a message over only whole, so before the in-flight budget sees a message, up to
 * max_connections × max_concurrent_streams × max_request_body_size could sit in its buffers (with the
 * defaults, 8,000 GiB). Charged per DATA frame, released when the stream has sent its last frame or
 * closed; a frame that does not fit resets its stream with REFUSED_STREAM, which clients read as
 * UNAVAILABLE (gRPC's HTTP/2 mapping, doc/PROTOCOL-HTTP2.md) and retry, as OTLP retries UNAVAILABLE.
 */
export function boundArrivingMessages(session: ServerHttp2Session, arriving: InflightBudget, onRefused: () => void): void {
  session.on('stream', (stream) => {
    // grpc-js has paused the stream and reads it when it wants the message: listening here too
    // sees the same frames without changing when they are read.
    let held = 0;
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      arriving.release(held);
      held = 0;
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      if (arriving.tryTake(chunk.byteLength)) {
        held += chunk.byteLength;
        return;
      }
      release();
      onRefused();
      stream.close(http2.NGHTTP2_REFUSED_STREAM);
    });
    stream.once('end', release);
    stream.once('close', release);
  });
}
