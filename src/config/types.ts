/** The loaded gateway config: defaults filled, units parsed, paths absolute. What `startGateway` takes. */
import type { ExporterOptions } from '../export/options.js';
import type { SignalRoutes } from '../export/types.js';
import type { LogLevel } from '../telemetry/logger.js';
import type { HostPort } from './units.js';

export interface AuthToken {
  token: string;
  tenant: string;
}

export interface ReceiverConfig {
  endpoint: HostPort;
  /** Limit on the request body after decompression (and on the raw body). */
  maxRequestBodyBytes: number;
  /** Deepest AnyValue nesting accepted (OTLP values nest arrays and kvlists). */
  maxValueDepth: number;
  /** Body bytes (after decompression) all requests in flight may hold together; past it, 503. */
  maxInflightBodyBytes: number;
  /** Present when every request must carry a bearer token (HTTP and gRPC alike). */
  auth?: { tokens: AuthToken[] };
  /** Connection bounds (gateway/connections.ts); defaults in DEFAULTS.connections. */
  connections?: ConnectionLimits;
  /** Present when OTLP/gRPC is served (receivers.otlp.protocols.grpc). */
  grpc?: GrpcReceiverConfig;
}

export interface GrpcReceiverConfig {
  endpoint: HostPort;
  /** Limit on one request message after decompression (and on the compressed one). */
  maxRequestBodyBytes: number;
  /** Connection, stream and keepalive bounds (receiver/grpc/connections.ts); defaults in DEFAULTS.grpcConnections. */
  connections: GrpcConnectionLimits;
}

/**
 * How many, how long and how chatty gRPC client connections may be (receivers.otlp.protocols.grpc:
 * max_connections, max_concurrent_streams, keepalive.server_parameters, keepalive.enforcement_policy;
 * the Collector's keys and, where it has one, its default).
 */
export interface GrpcConnectionLimits {
  /** Open connections at once; one more is closed as soon as it is accepted. */
  maxConnections: number;
  /** Calls at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS); a client queues the rest. */
  maxConcurrentStreams: number;
  /** A connection with no call in progress for this long gets GOAWAY. */
  maxConnectionIdleMs: number;
  /** Absent: connections live as long as they are used. Present: GOAWAY after this long (±10%). */
  maxConnectionAgeMs?: number;
  /** After max_connection_age, how long calls in progress get before the connection is cut. */
  maxConnectionAgeGraceMs?: number;
  /** The server pings a connection after this long without activity... */
  keepaliveTimeMs: number;
  /** ...and closes it when the ping is not answered within this. */
  keepaliveTimeoutMs: number;
  /** A client ping sooner than this after its previous one is a strike; past 2 strikes, GOAWAY ENHANCE_YOUR_CALM. */
  minPingIntervalMs: number;
  /** Whether a client may ping a connection with no call in progress at all. */
  permitPingsWithoutStream: boolean;
}

/** How long and how many client connections the receiver keeps (receivers.otlp.protocols.http). */
export interface ConnectionLimits {
  /** From a connection's (or a request's) first byte to the end of its headers; then 408 and closed. */
  readHeaderTimeoutMs: number;
  /** For a whole request, body included; then 408 and closed. */
  readTimeoutMs: number;
  /** A keep-alive connection with no request in progress is closed after this long. */
  idleTimeoutMs: number;
  /** Open connections at once; one more is closed as soon as it is accepted. */
  maxConnections: number;
}

export interface ServiceConfig {
  metricsAddress: HostPort;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  /**
   * Policy worker threads: the policy step of each request runs on one (gateway/policy-workers.ts).
   * Absent: one per CPU (os.availableParallelism()). 0: on the main thread, as tools and some tests do.
   */
  workers?: number;
  /**
   * Requests waiting for a policy worker (gateway/policy-workers.ts): at most `maxWaitingPerWorker` ×
   * workers of them, each for at most `maxWaitMs`; past either, 503 + Retry-After (gRPC UNAVAILABLE).
   */
  workerQueue: { maxWaitingPerWorker: number; maxWaitMs: number };
}

/** The shared cap store (cap_store.redis); absent: caps are counted in this process's memory. */
export interface RedisCapStoreConfig {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  /** Present when the connection uses TLS; file paths absolute. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify: boolean; serverName?: string };
  keyPrefix: string;
  timeoutMs: number;
  /** What a cap does when the store does not answer in time: `closed` treats it as reached. */
  onUnavailable: 'closed' | 'open';
}

export interface GatewayConfig {
  /** Absolute path of the config file, for messages. */
  file: string;
  receiver: ReceiverConfig;
  /** Absolute path of the policy file or folder (resolved against the config file's folder). */
  policyPath: string;
  exporters: Record<string, ExporterOptions>;
  /** Per signal; bare `routes:` in the file is `traces` here. A signal absent is not served. */
  routes: SignalRoutes;
  capStore?: { redis: RedisCapStoreConfig };
  service: ServiceConfig;
}

export const DEFAULTS = {
  receiverEndpoint: { host: '127.0.0.1', port: 4318 },
  grpcEndpoint: { host: '127.0.0.1', port: 4317 },
  maxRequestBodyBytes: 20 * 1024 * 1024,
  maxValueDepth: 64,
  // bodies and their decoded models (receiver/app.ts); one request may take at most half
  maxInflightBodyBytes: 512 * 1024 * 1024,
  connections: { readHeaderTimeoutMs: 10_000, readTimeoutMs: 60_000, idleTimeoutMs: 30_000, maxConnections: 4096 },
  /**
   * grpc-go's defaults (the Collector's) for time, timeout and the enforcement policy. The Collector
   * leaves streams, idle time and age unbounded; here streams get RFC 9113's recommended floor
   * (§5.1.2: at least 100) and an idle connection 5 minutes, the enforcement policy's own period.
   */
  grpcConnections: {
    maxConnections: 4096,
    maxConcurrentStreams: 100,
    maxConnectionIdleMs: 300_000,
    keepaliveTimeMs: 7_200_000,
    keepaliveTimeoutMs: 20_000,
    minPingIntervalMs: 300_000,
    permitPingsWithoutStream: false,
  },
  metricsAddress: { host: '127.0.0.1', port: 8888 },
  logLevel: 'info' as LogLevel,
  shutdownTimeoutMs: 30_000,
  /** service.worker_queue: requests waiting for a policy worker, per worker, and for how long at most. */
  workerQueue: { maxWaitingPerWorker: 64, maxWaitMs: 5_000 },
  capStoreKeyPrefix: 'loopgate:cap:',
  /**
   * A LAN round trip is well under a millisecond, but the timer runs on the gateway's event loop: on a
   * CPU-saturated replica the reply waits behind the policy work of other requests (bench:caps saw a
   * p99 of 100 to 250 ms on a saturated shared machine). Past this the cap counts as unavailable.
   */
  capStoreTimeoutMs: 500,
} as const;
