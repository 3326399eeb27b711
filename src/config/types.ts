/** The loaded gateway config: defaults filled, units parsed, paths absolute. What `startGateway` takes. */
import type { ExporterOptions } from '../export/options.js';
import type { ExportClass } from '../policy/types.js';
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
  /** Present when every request must carry a bearer token. */
  auth?: { tokens: AuthToken[] };
}

export interface ServiceConfig {
  metricsAddress: HostPort;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
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
  routes: Partial<Record<ExportClass, readonly string[]>>;
  capStore?: { redis: RedisCapStoreConfig };
  service: ServiceConfig;
}

export const DEFAULTS = {
  receiverEndpoint: { host: '127.0.0.1', port: 4318 },
  maxRequestBodyBytes: 20 * 1024 * 1024,
  maxValueDepth: 64,
  // bodies and their decoded models (receiver/app.ts); one request may take at most half
  maxInflightBodyBytes: 512 * 1024 * 1024,
  metricsAddress: { host: '127.0.0.1', port: 8888 },
  logLevel: 'info' as LogLevel,
  shutdownTimeoutMs: 30_000,
  capStoreKeyPrefix: 'loopgate:cap:',
  /** A LAN round trip is well under a millisecond; past this the cap counts as unavailable. */
  capStoreTimeoutMs: 100,
} as const;
