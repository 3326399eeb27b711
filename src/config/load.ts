/**
 * Loads the gateway config: read the file, expand `${env:NAME}` on the YAML document (so errors keep
 * their positions), validate with the strict schema, check cross-references (routes name exporters
 * that exist), fill defaults and resolve relative paths against the config file's folder, so the
 * gateway behaves the same whatever directory it is started from.
 *
 * Returns diagnostics as values; the CLI prints them as `file:line:col: message` and exits 1.
 */
import { readFileSync } from 'node:fs';
import { readBoundedText } from '../yaml/read-file.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatPath, parseYamlWithSchema, type Diagnostic, type DiagnosticOptions } from '../yaml/index.js';
import { expandConfigEnv } from './env.js';
import { EXPORT_CLASSES } from '../policy/types.js';
import type { ClassRoutes, SignalRoutes } from '../export/types.js';
import { GatewayConfigSchema, ROUTE_CLASS_KEYS, toExporterOptions, type GatewayConfigFile } from './schema.js';
import { DEFAULTS, type GatewayConfig, type GrpcConnectionLimits } from './types.js';
import type { HostPort } from './units.js';
import type { ExporterOptions } from '../export/options.js';

/** A gateway config is a page of YAML; anything near this is a mistake (a wrong path, a device). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export type LoadConfigResult =
  | {
      ok: true;
      config: GatewayConfig;
      /** A diagnostic at a key of the config file (for checks that need more than the config, as validate's). */
      at: (path: readonly PropertyKey[], message: string, options?: DiagnosticOptions) => Diagnostic;
    }
  | { ok: false; errors: Diagnostic[] };

export interface LoadConfigOptions {
  env?: Readonly<Record<string, string | undefined>>;
}

export async function loadGatewayConfig(path: string, options: LoadConfigOptions = {}): Promise<LoadConfigResult> {
  const file = resolve(path);
  // The same bounded read as policy files: a regular file of at most MAX_CONFIG_FILE_BYTES.
  const read = readBoundedText(file, MAX_CONFIG_FILE_BYTES, { what: 'config file', limit: 'a config limit' });
  if (!read.ok) {
    const reason = read.code === 'not_found' ? 'config file not found' : read.message;
    return { ok: false, errors: [{ file: path, line: 1, col: 1, message: reason, severity: 'error' }] };
  }
  return parseGatewayConfig(read.text, file, options);
}

/** Parses config text; `file` names it in messages and anchors relative paths. */
export function parseGatewayConfig(text: string, file: string, options: LoadConfigOptions = {}): LoadConfigResult {
  const parsed = parseYamlWithSchema(text, file, GatewayConfigSchema, {
    transformScalar: expandConfigEnv(options.env ?? process.env),
  });
  if (!parsed.ok) return parsed;
  const raw = parsed.value;
  const base = dirname(resolve(file));
  const resolvePath = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const errors: Diagnostic[] = [];

  const exporters: Record<string, ExporterOptions> = {};
  for (const [id, entry] of Object.entries(raw.exporters ?? {})) {
    const options = (exporters[id] = toExporterOptions(entry, resolvePath));
    // The otlp exporter reads its TLS files when it is built: one it cannot read is a config error, here.
    if (entry.type === 'otlp' && entry.raw.tls && options.type === 'otlp') {
      const files = [['ca_file', entry.raw.tls.ca_file, options.tls?.caFile], ['cert_file', entry.raw.tls.cert_file, options.tls?.certFile], ['key_file', entry.raw.tls.key_file, options.tls?.keyFile]] as const;
      for (const [key, written, at] of files) {
        if (written === undefined || at === undefined) continue;
        try {
          readFileSync(at);
        } catch (err) {
          const path = ['exporters', id, 'tls', key];
          errors.push(parsed.diagnosticAt(path, `${formatPath(path)}: cannot read '${written}' (${(err as NodeJS.ErrnoException).code ?? 'error'}${isAbsolute(written) ? '' : "; relative to the config file's folder"})`));
        }
      }
    }
  }

  /** Checks that every id names an exporter, each at its own YAML position; returns them deduplicated. */
  const exporterIds = (ids: readonly string[], path: (string | number)[]): string[] => {
    ids.forEach((id, i) => {
      if (!(id in exporters)) {
        const known = Object.keys(exporters);
        const hint = known.length > 0 ? `; defined exporters: ${known.join(', ')}` : '; no exporters are defined';
        errors.push(parsed.diagnosticAt([...path, i], `${[...path].join('.')}[${i}]: unknown exporter '${id}'${hint}`));
      }
    });
    return [...new Set(ids)];
  };
  const classRoutes = (r: Partial<Record<(typeof ROUTE_CLASS_KEYS)[number], string[]>>, path: string[]): ClassRoutes => {
    const out: ClassRoutes = {};
    for (const cls of EXPORT_CLASSES) {
      const ids = r[cls];
      if (ids !== undefined) out[cls] = exporterIds(ids, [...path, cls]);
    }
    return out;
  };
  const routes: SignalRoutes = {};
  const rawRoutes = raw.routes;
  if (rawRoutes === undefined || ROUTE_CLASS_KEYS.some((k) => rawRoutes[k] !== undefined) || (rawRoutes.traces === undefined && rawRoutes.logs === undefined && rawRoutes.metrics === undefined)) {
    // Bare (or no) routes: spans only, as before logs and metrics were accepted.
    routes.traces = classRoutes(rawRoutes ?? {}, ['routes']);
  } else {
    if (rawRoutes.traces !== undefined) routes.traces = classRoutes(rawRoutes.traces, ['routes', 'traces']);
    if (rawRoutes.logs !== undefined) routes.logs = classRoutes(rawRoutes.logs, ['routes', 'logs']);
    if (rawRoutes.metrics !== undefined) routes.metrics = exporterIds(rawRoutes.metrics, ['routes', 'metrics']);
  }

  const tokens = raw.receivers?.otlp.auth?.tokens;
  if (tokens) {
    const seen = new Set<string>();
    tokens.forEach((t, i) => {
      // Never echo the token itself: config errors end up in CI logs.
      if (seen.has(t.token)) {
        errors.push(parsed.diagnosticAt(['receivers', 'otlp', 'auth', 'tokens', i, 'token'], `receivers.otlp.auth.tokens[${i}].token: the same token is listed twice`));
      }
      seen.add(t.token);
    });
  }
  const http = raw.receivers?.otlp.protocols?.http;
  // `grpc:` with nothing under it (null in YAML) serves gRPC with the defaults, as the Collector does.
  const protocols = raw.receivers?.otlp.protocols;
  const grpcServed = protocols !== undefined && Object.hasOwn(protocols, 'grpc') && protocols.grpc !== undefined;
  const grpcRaw = protocols?.grpc ?? undefined;
  errors.push(...sharedPorts(
    [
      { path: ['receivers', 'otlp', 'protocols', 'http', 'endpoint'], at: http?.endpoint ?? DEFAULTS.receiverEndpoint },
      ...(grpcServed ? [{ path: ['receivers', 'otlp', 'protocols', 'grpc', 'endpoint'], at: grpcRaw?.endpoint ?? DEFAULTS.grpcEndpoint }] : []),
      { path: ['service', 'telemetry', 'metrics', 'address'], at: raw.service?.telemetry?.metrics?.address ?? DEFAULTS.metricsAddress },
    ],
    parsed.diagnosticAt,
  ));
  if (errors.length > 0) return { ok: false, errors };

  const redis = raw.cap_store?.redis;
  const config: GatewayConfig = {
    file: resolve(file),
    receiver: {
      endpoint: http?.endpoint ?? { ...DEFAULTS.receiverEndpoint },
      maxRequestBodyBytes: http?.max_request_body_size ?? DEFAULTS.maxRequestBodyBytes,
      maxValueDepth: DEFAULTS.maxValueDepth,
      maxInflightBodyBytes: http?.max_inflight_body_size ?? DEFAULTS.maxInflightBodyBytes,
      connections: {
        readHeaderTimeoutMs: http?.read_header_timeout ?? DEFAULTS.connections.readHeaderTimeoutMs,
        readTimeoutMs: http?.read_timeout ?? DEFAULTS.connections.readTimeoutMs,
        idleTimeoutMs: http?.idle_timeout ?? DEFAULTS.connections.idleTimeoutMs,
        maxConnections: http?.max_connections ?? DEFAULTS.connections.maxConnections,
      },
      ...(tokens && { auth: { tokens } }),
      ...(grpcServed && {
        grpc: {
          endpoint: grpcRaw?.endpoint ?? { ...DEFAULTS.grpcEndpoint },
          maxRequestBodyBytes: grpcRaw?.max_request_body_size ?? DEFAULTS.maxRequestBodyBytes,
          connections: grpcConnectionLimits(grpcRaw ?? undefined),
        },
      }),
    },
    policyPath: resolvePath(raw.policy),
    exporters,
    routes,
    ...(redis && {
      capStore: {
        redis: {
          host: redis.endpoint.host,
          port: redis.endpoint.port,
          ...(redis.username !== undefined && { username: redis.username }),
          ...(redis.password !== undefined && redis.password !== '' && { password: redis.password }),
          db: redis.db ?? 0,
          ...(redis.tls && {
            tls: {
              ...(redis.tls.ca_file !== undefined && { caFile: resolvePath(redis.tls.ca_file) }),
              ...(redis.tls.cert_file !== undefined && { certFile: resolvePath(redis.tls.cert_file) }),
              ...(redis.tls.key_file !== undefined && { keyFile: resolvePath(redis.tls.key_file) }),
              insecureSkipVerify: redis.tls.insecure_skip_verify ?? false,
              ...(redis.tls.server_name_override !== undefined && { serverName: redis.tls.server_name_override }),
            },
          }),
          keyPrefix: redis.key_prefix ?? DEFAULTS.capStoreKeyPrefix,
          timeoutMs: redis.timeout ?? DEFAULTS.capStoreTimeoutMs,
          onUnavailable: redis.on_unavailable ?? 'closed',
        },
      },
    }),
    service: {
      metricsAddress: raw.service?.telemetry?.metrics?.address ?? { ...DEFAULTS.metricsAddress },
      logLevel: raw.service?.telemetry?.logs?.level ?? DEFAULTS.logLevel,
      shutdownTimeoutMs: raw.service?.shutdown_timeout ?? DEFAULTS.shutdownTimeoutMs,
      ...(raw.service?.workers !== undefined && { workers: raw.service.workers }),
      workerQueue: {
        maxWaitingPerWorker: raw.service?.worker_queue?.max_waiting_per_worker ?? DEFAULTS.workerQueue.maxWaitingPerWorker,
        maxWaitMs: raw.service?.worker_queue?.max_wait ?? DEFAULTS.workerQueue.maxWaitMs,
      },
    },
  };
  return { ok: true, config, at: (path, message, options) => parsed.diagnosticAt(path, message, options) };
}

interface Listener {
  /** The key that sets it (its position is reported; a default points at the nearest written parent). */
  path: readonly (string | number)[];
  at: HostPort;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * Every address the gateway listens on must have its own port, or `serve` dies binding the second. Port
 * 0 (the OS picks) never clashes; a wildcard host clashes with any host on the same port.
 */
function sharedPorts(listeners: readonly Listener[], at: (path: readonly PropertyKey[], message: string) => Diagnostic): Diagnostic[] {
  const out: Diagnostic[] = [];
  listeners.forEach((b, i) => {
    const a = listeners.slice(0, i).find((l) => l.at.port !== 0 && l.at.port === b.at.port && (l.at.host === b.at.host || WILDCARDS.has(l.at.host) || WILDCARDS.has(b.at.host)));
    if (a) out.push(at(b.path, `${formatPath(b.path)}: port ${b.at.port} is already taken by ${formatPath(a.path)}; give each listener its own port`));
  });
  return out;
}
type GrpcProtocolFile = NonNullable<NonNullable<NonNullable<GatewayConfigFile['receivers']>['otlp']['protocols']>['grpc']>;

/** The file's gRPC connection keys over DEFAULTS.grpcConnections. */
function grpcConnectionLimits(grpc: GrpcProtocolFile | undefined): GrpcConnectionLimits {
  const d = DEFAULTS.grpcConnections;
  const server = grpc?.keepalive?.server_parameters;
  const enforcement = grpc?.keepalive?.enforcement_policy;
  return {
    maxConnections: grpc?.max_connections ?? d.maxConnections,
    maxConcurrentStreams: grpc?.max_concurrent_streams ?? d.maxConcurrentStreams,
    maxConnectionIdleMs: server?.max_connection_idle ?? d.maxConnectionIdleMs,
    ...(server?.max_connection_age !== undefined && { maxConnectionAgeMs: server.max_connection_age }),
    ...(server?.max_connection_age_grace !== undefined && { maxConnectionAgeGraceMs: server.max_connection_age_grace }),
    keepaliveTimeMs: server?.time ?? d.keepaliveTimeMs,
    keepaliveTimeoutMs: server?.timeout ?? d.keepaliveTimeoutMs,
    minPingIntervalMs: enforcement?.min_time ?? d.minPingIntervalMs,
    permitPingsWithoutStream: enforcement?.permit_without_stream ?? d.permitPingsWithoutStream,
  };
}
