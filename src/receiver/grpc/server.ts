/**
 * The OTLP/gRPC receiver (specification: opentelemetry.io/docs/specs/otlp/#otlpgrpc) on @grpc/grpc-js:
 *
 *   opentelemetry.proto.collector.trace.v1.TraceService/Export
 *   opentelemetry.proto.collector.logs.v1.LogsService/Export
 *   opentelemetry.proto.collector.metrics.v1.MetricsService/Export
 *
 * Transport only, as the HTTP receiver: grpc-js frames the message and inflates a gzip-compressed one
 * (`grpc-encoding: gzip`) under `grpc.max_receive_message_length`, which it applies to the message
 * before and after decompression (so a gzip bomb stops at the limit); the services are registered
 * with a raw-bytes deserializer, so nothing is decoded here and never through generated code. Then:
 * the bearer token from the `authorization` metadata → tenant, the message's bytes and its decoding
 * taken from the receiver-wide in-flight budget (shared with OTLP/HTTP), and the raw request handed
 * to the pipeline, whose answer status.ts maps to a gRPC status.
 */
import type { EventEmitter } from 'node:events';
import type { ServerHttp2Session } from 'node:http2';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { Server, ServerCredentials, status as GrpcStatus, type Metadata, type ServerUnaryCall, type sendUnaryData, type ServiceDefinition } from '@grpc/grpc-js';
import { DEFAULTS, type AuthToken, type GrpcConnectionLimits } from '../../config/types.js';
import { LISTEN_BACKLOG } from '../../gateway/connections.js';
import { DecodeBudget } from '../../otlp/limits.js';
import { CODECS, SIGNALS, type Signal } from '../../otlp/signal.js';
import type { GatewayMetrics } from '../../telemetry/metrics-types.js';
import { createAuthenticator, type Authenticator } from '../auth.js';
import { defaultMaxDecodedBytes, type ReceiverLogger } from '../receiver-deps.js';
import { InflightBudget } from '../inflight-budget.js';
import type { IntakeSwitch } from '../intake.js';
import type { HandleRequest } from '../types.js';
import { boundArrivingMessages, enforcePingPolicy, grpcServerOptions } from './connections.js';
import { grpcAnswer, grpcAnswers, type GrpcAnswer } from './status.js';
import { errorFields, listen as listenOn } from '../../telemetry/listen.js';

export interface GrpcReceiverDeps {
  limits: {
    /** One message, compressed and decompressed. */
    maxRequestBodyBytes: number;
    /** Estimated memory one decoded request may take. Default as for HTTP (app.ts). */
    maxDecodedBytes?: number;
    /** Connections, streams, idle time and pings (connections.ts). Default DEFAULTS.grpcConnections. */
    connections?: GrpcConnectionLimits;
  };
  /** The receiver-wide budget, shared with the HTTP receiver. */
  inflight: InflightBudget;
  auth?: { tokens: readonly AuthToken[] } | undefined;
  handle: HandleRequest;
  metrics: GatewayMetrics;
  logger: ReceiverLogger;
  /** Closed at shutdown: from then on every call, on any connection, is answered UNAVAILABLE with RetryInfo. */
  intake?: IntakeSwitch;
}

export interface GrpcReceiver {
  /** Binds `host:port` (port 0: any free one); resolves with the port bound. */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting; calls in flight finish until `deadlineMs` (absolute), then are cut. */
  close(deadlineMs: number): Promise<void>;
}

/** After the last call in flight is answered, how long close() lets sessions close by themselves. */
const IDLE_GRACE_MS = 1000;

/** The bytes exactly as they came: decoding is the pipeline's (one decode, our codec). */
const rawBytes = (b: Buffer): Buffer => b;

function serviceFor(signal: Signal): ServiceDefinition {
  return {
    Export: {
      path: CODECS[signal].grpcMethod,
      requestStream: false,
      responseStream: false,
      requestSerialize: rawBytes,
      requestDeserialize: rawBytes,
      responseSerialize: rawBytes,
      responseDeserialize: rawBytes,
    },
  };
}

/** The value of `authorization` as an HTTP header would carry it (grpc metadata keys are lower case). */
function authorizationOf(metadata: Metadata): string | undefined {
  const v = metadata.get('authorization')[0];
  return typeof v === 'string' ? v : undefined;
}

export function createGrpcReceiver(deps: GrpcReceiverDeps): GrpcReceiver {
  const { handle, metrics, logger, inflight } = deps;
  const limit = deps.limits.maxRequestBodyBytes;
  const maxDecoded = deps.limits.maxDecodedBytes ?? defaultMaxDecodedBytes(limit, inflight.capacityBytes);
  const authenticate: Authenticator | undefined = deps.auth ? createAuthenticator(deps.auth.tokens) : undefined;
  const connections = deps.limits.connections ?? DEFAULTS.grpcConnections;
  const server = new Server({
    'grpc.max_receive_message_length': limit,
    // Our responses are tiny; anything bigger is a bug to refuse, not to send.
    'grpc.max_send_message_length': 64 * 1024,
    ...grpcServerOptions(connections),
  });
  // Connections come through our own listener (listen below), so that their number is bounded.
  // Messages still arriving, before grpc-js hands them over whole: at most the in-flight budget's
  // size again (sizing.ts counts it), on their own budget so a message that arrives is answered as before.
  const arriving = new InflightBudget(inflight.capacityBytes);
  const injector = injectorWithSessions(server, (session) => {
    enforcePingPolicy(session, connections, () => {
      metrics.connectionsClosed('grpc', 'too_many_pings');
      logger.warn({ remote: session.socket?.remoteAddress }, 'gRPC client pinged too often (keepalive.enforcement_policy); connection closed with GOAWAY ENHANCE_YOUR_CALM');
    });
    boundArrivingMessages(session, arriving, () => {
      metrics.grpcStreamsRefused('inflight_budget');
      logger.debug({ remote: session.socket?.remoteAddress }, 'gRPC messages arriving hold the in-flight budget; stream refused (REFUSED_STREAM)');
    });
  });
  let listener: NetServer | undefined;

  /** Calls being handled (not yet answered), and what close() waits on once they are none. */
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const callEnded = (): void => {
    inFlight--;
    if (inFlight === 0) onIdle?.();
  };

  const exportFor = (signal: Signal) => {
    const method = CODECS[signal].grpcMethod;
    const answer = (callback: sendUnaryData<Buffer>, a: GrpcAnswer): void => {
      metrics.requests(a.ok ? GrpcStatus.OK : a.error.code, method, 'grpc');
      if (a.ok) callback(null, a.response);
      else callback(a.error);
      callEnded();
    };
    return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
      inFlight++;
      void receive(signal, call).then(
        (a) => answer(callback, a),
        (err: unknown) => {
          // A bug, not a bad request: log its kind (never payload) and answer INTERNAL.
          logger.error({ err: { name: (err as Error).name, message: (err as Error).message, stack: (err as Error).stack }, method }, 'gRPC receiver failed on a request');
          answer(callback, grpcAnswers.internal());
        },
      );
    };
  };

  async function receive(signal: Signal, call: ServerUnaryCall<Buffer, Buffer>): Promise<GrpcAnswer> {
    // First of all checks, as on HTTP: after the switch no call starts, whatever stream it came on.
    if (deps.intake?.closed) return grpcAnswers.shuttingDown(deps.intake.retryAfterSeconds);
    let tenant: string | undefined;
    if (authenticate) {
      const auth = authenticate(authorizationOf(call.metadata));
      if (!auth.ok) return grpcAnswers.unauthenticated(auth.reason === 'missing' ? 'missing bearer token' : 'unknown bearer token');
      tenant = auth.tenant;
    }
    const body = call.request;
    // What this request holds of the in-flight budget stays taken until it is answered.
    let held = 0;
    const take = (n: number): boolean => {
      if (!inflight.tryTake(n)) return false;
      held += n;
      return true;
    };
    try {
      if (!take(body.byteLength)) return grpcAnswers.busy();
      const budget = new DecodeBudget(maxDecoded, take);
      const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      const result = await handle({ signal, encoding: 'protobuf', body: bytes, ctx: { authTenant: tenant }, budget });
      if (result.status === 'invalid') logger.debug({ signal, bytes: body.byteLength }, 'undecodable gRPC request');
      return grpcAnswer(result, signal);
    } finally {
      inflight.release(held);
    }
  }

  for (const signal of SIGNALS) server.addService(serviceFor(signal), { Export: exportFor(signal) });

  return {
    listen(host: string, port: number): Promise<number> {
      const net = createNetServer({ noDelay: true }, (socket) => injector.injectConnection(socket));
      // Node closes connection maxConnections + 1 as it accepts it, and says so with 'drop'.
      net.maxConnections = connections.maxConnections;
      net.on('drop', () => metrics.connectionsClosed('grpc', 'max_connections'));
      listener = net;
      return listenOn(net, { host, port }, (err) => logger.error({ err: errorFields(err) }, 'gRPC listener error'), LISTEN_BACKLOG).then((a) => a.port);
    },
    close(deadlineMs: number): Promise<void> {
      return new Promise((resolve) => {
        let done = false;
        const timers: NodeJS.Timeout[] = [];
        const finish = (force: boolean): void => {
          if (done) return;
          done = true;
          for (const t of timers) clearTimeout(t);
          onIdle = undefined;
          if (force) server.forceShutdown();
          resolve();
        };
        const at = (ms: number, force: boolean): void => {
          const t = setTimeout(() => finish(force), Math.max(0, ms));
          t.unref();
          timers.push(t);
        };
        listener?.close();
        at(deadlineMs - Date.now(), true);
        // tryShutdown waits for every HTTP/2 session to close. A session whose peer vanished (a Collector
        // stopped a moment ago) can be destroyed without being closed, and then Node never calls back
        // (grpc-js 1.14 asks `session.closed` only), so it would wait out the whole deadline with nothing
        // in flight. Once no call is in flight, the sessions get IDLE_GRACE_MS to close, then are cut.
        const idle = (): void => at(Math.min(IDLE_GRACE_MS, deadlineMs - Date.now()), true);
        if (inFlight === 0) idle();
        else onIdle = idle;
        server.tryShutdown(() => finish(false));
      });
    },
  };
}

/**
 * A connection injector, and every HTTP/2 session grpc-js makes on the sockets injected, for the ping
 * policy. grpc-js (1.14) has no public hook on its sessions: the injector's http2 server is the one
 * entry it adds to the server's private `http2Servers` map. Should a grpc-js upgrade change that,
 * this throws at startup (and every receiver test fails) rather than run without the policy.
 */
function injectorWithSessions(server: Server, onSession: (session: ServerHttp2Session) => void): { injectConnection(socket: NodeJS.ReadWriteStream & EventEmitter): void } {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) throw new Error('@grpc/grpc-js: Server.http2Servers not found; the gRPC ping policy needs it (receiver/grpc/server.ts)');
  const before = new Set(servers.keys());
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  const added = [...servers.keys()].filter((k) => !before.has(k));
  const h2 = added[0] as EventEmitter | undefined;
  if (added.length !== 1 || typeof h2?.on !== 'function') throw new Error('@grpc/grpc-js: the connection injector added no http2 server; the gRPC ping policy needs it (receiver/grpc/server.ts)');
  h2.on('session', onSession);
  return injector;
}
