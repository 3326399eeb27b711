/**
 * The gateway config file's shape (design.md, "Gateway config file"), in the OpenTelemetry Collector's
 * style: `receivers`, `exporters` keyed `<type>/<name>`, `routes`, `service`. Strict everywhere: an
 * unknown key is a mistake to point at, not something to ignore. Units are parsed here so the loaded
 * config holds milliseconds and bytes only.
 *
 * This is the ONE validation layer: every rule a value must meet to start the gateway is checked here
 * (value rules from rules.ts, cross-key rules in superRefine, references across sections in load.ts),
 * so each mistake is reported at its file:line:col in our wording. What the config builds (exporters,
 * queues, retry) only asserts; a config that validates starts.
 *
 * The zod schemas are the single source of the shape; `GatewayConfigFile` is derived from them.
 * Sections: units → receivers → exporters (shared retry and queue, then one schema per type in
 * EXPORTER_SCHEMAS) → routes and service → cap store.
 */
import { z } from 'zod';
import { DEFAULT_RETRY, type ExporterOptions, type FileExporterOptions, type OtlpGrpcExporterOptions, type OtlpHttpExporterOptions } from '../export/options.js';
import { metadataProblem, parseOtlpGrpcEndpoint } from '../export/otlp-grpc-endpoint.js';
import { headerProblem, parseOtlpHttpEndpoint } from '../export/otlphttp-endpoint.js';
import { LOG_LEVELS } from '../telemetry/logger.js';
import { DEFAULTS } from './types.js';
import { atLeast, fractionBelow, isMapping, MAX_HTTP2_SETTING, notBlank, orderProblem, positiveSize, tenantName, timerDuration, wholeNumber, type Rule } from './rules.js';
import { formatByteSize, formatDuration, parseByteSize, parseDurationValue, parseHostPort, type Parsed } from './units.js';

// ---- units and value rules ----

/** Turns a unit parser (and rules on its result) into a zod transform that reports at the value. */
function parsedBy<I, O>(parse: (input: I) => Parsed<O>, ...rules: Rule<O>[]) {
  return (input: I, ctx: z.RefinementCtx): O => {
    const r = parse(input);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    for (const rule of rules) {
      const message = rule(r.value);
      if (message !== undefined) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
    }
    return r.value;
  };
}

/** `schema` with `rules` checked on its value, each failure one message in our wording. */
function where<S extends z.ZodType>(schema: S, ...rules: Rule<z.output<S>>[]) {
  return schema.superRefine((value, ctx) => {
    for (const rule of rules) {
      const message = rule(value);
      if (message !== undefined) {
        ctx.addIssue({ code: 'custom', message });
        return;
      }
    }
  });
}

const DurationInput = z.union([z.string(), z.number()]);
/**
 * A superRefine for two keys of one mapping that must be ordered (`small` ≤ `large`), either of
 * which may be left to its default: the message goes on the key that was written (orderProblem).
 */
function ordered<K1 extends string, K2 extends string>(small: K1, large: K2, smallDefault: number, largeDefault: number, format: (n: number) => string) {
  return (o: Partial<Record<K1 | K2, number>>, ctx: z.RefinementCtx): void => {
    const problem = orderProblem(
      { key: small, value: o[small] ?? smallDefault, isDefault: o[small] === undefined },
      { key: large, value: o[large] ?? largeDefault, isDefault: o[large] === undefined },
      format,
    );
    if (problem) ctx.addIssue({ code: 'custom', path: [o[large] !== undefined ? large : small], message: problem });
  };
}

/** Any duration (`300ms`, `5s`, `1m30s`, `0`), in milliseconds. */
const Duration = DurationInput.transform(parsedBy(parseDurationValue));
/** A duration that becomes a timer: more than 0, at most the longest timer Node.js keeps. */
const TimerDuration = DurationInput.transform(parsedBy(parseDurationValue, timerDuration()));
/** Any size (`512KiB`, `20MiB`, a number of bytes), in bytes. */
const ByteSize = z.union([z.number(), z.string()]).transform(parsedBy(parseByteSize));
/** A size of at least one byte. */
const PositiveByteSize = z.union([z.number(), z.string()]).transform(parsedBy(parseByteSize, positiveSize));
const Endpoint = z.string().transform(parsedBy(parseHostPort));
/** A mapping with string keys ("a mapping" to YAML authors, where zod would say "record"). */
const mapping = <S extends z.ZodType>(value: S) => where(z.unknown(), isMapping).pipe(z.record(z.string(), value));
const NonEmpty = where(z.string(), notBlank);

// ---- receivers ----

const Auth = z.strictObject({
  tokens: z
    .array(z.strictObject({ token: NonEmpty, tenant: where(z.string(), notBlank, tenantName) }))
    .min(1, 'auth needs at least one token: with auth present, every request must carry one'),
});

const HttpProtocol = z
  .strictObject({
    endpoint: Endpoint.optional(),
    max_request_body_size: PositiveByteSize.optional(),
    /** All requests in flight, on either protocol, together. */
    max_inflight_body_size: PositiveByteSize.optional(),
    read_header_timeout: TimerDuration.optional(),
    read_timeout: TimerDuration.optional(),
    idle_timeout: TimerDuration.optional(),
    max_connections: where(z.number(), wholeNumber(1)).optional(),
  })
  .superRefine((http, ctx) => {
    // Node refuses a headers timeout longer than the request timeout.
    ordered('read_header_timeout', 'read_timeout', DEFAULTS.connections.readHeaderTimeoutMs, DEFAULTS.connections.readTimeoutMs, formatDuration)(http, ctx);
    // One request of the largest allowed size must fit the in-flight budget, or it is refused forever.
    ordered('max_request_body_size', 'max_inflight_body_size', DEFAULTS.maxRequestBodyBytes, DEFAULTS.maxInflightBodyBytes, formatByteSize)(http, ctx);
  });

/** Present (even empty) to serve OTLP/gRPC, as in the Collector; absent, only OTLP/HTTP listens. */
const GrpcProtocol = z
  .strictObject({
    endpoint: Endpoint.optional(),
    /** One message, compressed and after decompression. */
    max_request_body_size: PositiveByteSize.optional(),
    /** Open connections at once, as for HTTP; one more is closed as soon as it is accepted. */
    max_connections: where(z.number(), wholeNumber(1)).optional(),
    /** The Collector's key: the HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS the receiver announces. */
    max_concurrent_streams: where(z.number(), wholeNumber(1, MAX_HTTP2_SETTING)).optional(),
    keepalive: z
      .strictObject({
        server_parameters: z
          .strictObject({
            max_connection_idle: TimerDuration.optional(),
            max_connection_age: TimerDuration.optional(),
            max_connection_age_grace: TimerDuration.optional(),
            time: TimerDuration.optional(),
            timeout: TimerDuration.optional(),
          })
          .superRefine((p, ctx) => {
            // grpc-js starts the grace period only when the age runs out: alone it does nothing.
            if (p.max_connection_age_grace !== undefined && p.max_connection_age === undefined) {
              ctx.addIssue({ code: 'custom', path: ['max_connection_age_grace'], message: "has no effect without 'max_connection_age'; set both, or neither" });
            }
          })
          .optional(),
        enforcement_policy: z
          .strictObject({
            /** 0 lets a client ping as often as it likes (permit_without_stream still applies). */
            min_time: DurationInput.transform(parsedBy(parseDurationValue, timerDuration(true))).optional(),
            permit_without_stream: z.boolean().optional(),
          })
          .optional(),
      })
      .optional(),
  })
  .nullable();

const Receivers = z.strictObject({
  otlp: z.strictObject({
    protocols: z
      .strictObject({
        http: HttpProtocol.optional(),
        grpc: GrpcProtocol.optional(),
      })
      .optional(),
    auth: Auth.optional(),
  }),
});

// ---- exporters: what every type shares ----

const Retry = z
  .strictObject({
    enabled: z.boolean().optional(),
    initial_interval: TimerDuration.optional(),
    max_interval: TimerDuration.optional(),
    /** 0 = retry until shutdown; only compared with elapsed time, never a timer. */
    max_elapsed_time: Duration.optional(),
    multiplier: where(z.number(), atLeast(1, ' (1 keeps every interval the same)')).optional(),
    /** Each delay is drawn from d·(1 ± r): r = 1 would allow a zero delay, a busy retry loop. */
    randomization_factor: where(z.number(), fractionBelow(0, 1)).optional(),
  })
  .superRefine(ordered('initial_interval', 'max_interval', DEFAULT_RETRY.initialIntervalMs, DEFAULT_RETRY.maxIntervalMs, formatDuration));

const Queue = z.strictObject({
  num_consumers: where(z.number(), wholeNumber(1)).optional(),
  max_bytes: PositiveByteSize.optional(),
  /** 0 = never merge queued items into one request. */
  max_batch_bytes: ByteSize.optional(),
  /** A folder for the persistent queue (relative to the config file); unset = in memory. */
  storage: NonEmpty.optional(),
  /** With storage: fsync before answering the client (default true). */
  fsync: z.boolean().optional(),
}).superRefine((q, ctx) => {
  if (q.fsync !== undefined && q.storage === undefined) {
    ctx.addIssue({ code: 'custom', path: ['fsync'], message: "applies to a persistent queue only: set 'storage' too, or remove 'fsync'" });
  }
});

// ---- exporters: one schema per type ----

const Headers = mapping(z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});

const OtlpHttpExporter = z.strictObject({
  endpoint: z.string().transform(parsedBy((e: string) => {
    const r = parseOtlpHttpEndpoint(e);
    return r.ok ? { ok: true as const, value: e } : r;
  })),
  encoding: z.enum(['protobuf', 'json']).optional(),
  headers: Headers.optional(),
  timeout: TimerDuration.optional(),
  compression: z.enum(['gzip', 'none']).optional(),
  compression_level: where(z.number(), wholeNumber(1, 9, ' (1 fastest, 9 smallest)')).optional(),
  retry_on_failure: Retry.optional(),
  sending_queue: Queue.optional(),
});

const GrpcHeaders = mapping(z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    const problem = metadataProblem(name, value);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});

const OtlpGrpcExporter = z.strictObject({
  endpoint: z.string().transform(parsedBy((e: string) => {
    const r = parseOtlpGrpcEndpoint(e);
    return r.ok ? { ok: true as const, value: e } : r;
  })),
  tls: z
    .strictObject({
      insecure: z.boolean().optional(),
      ca_file: NonEmpty.optional(),
      cert_file: NonEmpty.optional(),
      key_file: NonEmpty.optional(),
      server_name_override: NonEmpty.optional(),
    })
    .superRefine((tls, ctx) => {
      if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
        ctx.addIssue({ code: 'custom', path: [tls.cert_file === undefined ? 'key_file' : 'cert_file'], message: 'cert_file and key_file go together (a client certificate and its key, for mTLS)' });
      }
    })
    .optional(),
  headers: GrpcHeaders.optional(),
  timeout: TimerDuration.optional(),
  compression: z.enum(['gzip', 'none']).optional(),
  compression_level: where(z.number(), wholeNumber(1, 9, ' (1 fastest, 9 smallest)')).optional(),
  retry_on_failure: Retry.optional(),
  sending_queue: Queue.optional(),
});

const FileExporter = z.strictObject({
  path: NonEmpty,
  retry_on_failure: Retry.optional(),
  sending_queue: Queue.optional(),
});

/** The exporter types, each with its section's schema: a new type is one entry here and one case in toExporterOptions. */
const EXPORTER_SCHEMAS = {
  otlphttp: OtlpHttpExporter,
  otlp: OtlpGrpcExporter,
  file: FileExporter,
} as const;

export type ExporterType = keyof typeof EXPORTER_SCHEMAS;
export const EXPORTER_TYPES = Object.keys(EXPORTER_SCHEMAS) as ExporterType[];
const EXPORTER_ID = new RegExp(`^(${EXPORTER_TYPES.join('|')})(?:/[A-Za-z0-9_.-]+)?$`);

type RawExporter = { [T in ExporterType]: { type: T; raw: z.output<(typeof EXPORTER_SCHEMAS)[T]> } }[ExporterType];

/**
 * Exporters are keyed `<type>/<name>`; the key chooses the schema. Issues from the chosen schema are
 * re-raised with the key in their path, so they still point at the right line.
 */
const Exporters = mapping(z.unknown()).transform((entries, ctx) => {
  const out: Record<string, RawExporter> = {};
  for (const [id, value] of Object.entries(entries)) {
    const m = EXPORTER_ID.exec(id);
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        path: [id],
        message: `exporter id '${id}' must be <type> or <type>/<name> with type one of ${EXPORTER_TYPES.join(', ')} and a name of letters, digits, '_', '.' or '-'`,
      });
      continue;
    }
    const type = m[1] as ExporterType;
    const parsed = EXPORTER_SCHEMAS[type].safeParse(value ?? {});
    if (parsed.success) out[id] = { type, raw: parsed.data } as RawExporter;
    else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [id, ...issue.path] } as never);
  }
  return out;
});

// ---- routes and service ----

/** More policy workers than this is a typo, not a machine. */
export const MAX_WORKERS = 256;
/** More waiting requests per worker than this would wait far longer than any client's timeout. */
export const MAX_WAITING_PER_WORKER = 100_000;

const ExporterIds = z.array(z.string());

const ClassRoutes = z.strictObject({
  'broad-use': ExporterIds.optional(),
  'tenant-only': ExporterIds.optional(),
  'eval-only': ExporterIds.optional(),
});

export const ROUTE_CLASS_KEYS = ['broad-use', 'tenant-only', 'eval-only'] as const;
export const ROUTE_SIGNAL_KEYS = ['traces', 'logs', 'metrics'] as const;

/**
 * Two forms. Bare, as before logs: `routes: {broad-use: […], …}` routes spans (and only spans). Per
 * signal: `routes: {traces: {broad-use: […], …}, logs: {…}, metrics: […]}`; metrics are not classified,
 * so theirs is a list. A signal not named is not served. The two forms do not mix.
 */
const Routes = z
  .strictObject({
    ...ClassRoutes.shape,
    traces: ClassRoutes.optional(),
    logs: ClassRoutes.optional(),
    metrics: ExporterIds.optional(),
  })
  .superRefine((r, ctx) => {
    const bare = ROUTE_CLASS_KEYS.filter((k) => r[k] !== undefined);
    const signals = ROUTE_SIGNAL_KEYS.filter((k) => r[k] !== undefined);
    if (bare.length > 0 && signals.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: [bare[0]!],
        message: `'${bare[0]}' beside '${signals[0]}': with routes per signal, span routes go under 'traces' (routes.traces.${bare[0]})`,
      });
    }
  });

const Service = z.strictObject({
  telemetry: z
    .strictObject({
      metrics: z.strictObject({ address: Endpoint.optional() }).optional(),
      logs: z.strictObject({ level: z.enum(LOG_LEVELS).optional() }).optional(),
    })
    .optional(),
  /** 0 = do not wait for the queues to drain. */
  shutdown_timeout: DurationInput.transform(parsedBy(parseDurationValue, timerDuration(true))).optional(),
  /** Policy worker threads (gateway/policy-workers.ts); unset: one per CPU; 0: on the main thread. */
  workers: where(z.number(), wholeNumber(0, MAX_WORKERS, ' (0 runs the policy on the main thread)')).optional(),
  /** Requests waiting for a policy worker: how many per worker, and how long each at most (then 503). */
  worker_queue: z
    .strictObject({
      max_waiting_per_worker: where(z.number(), wholeNumber(1, MAX_WAITING_PER_WORKER)).optional(),
      max_wait: TimerDuration.optional(),
    })
    .optional(),
});

// ---- cap store ----

/** TLS to the cap store, in the Collector's `configtls` words; the block's presence turns TLS on. */
const ClientTls = z
  .strictObject({
    ca_file: NonEmpty.optional(),
    cert_file: NonEmpty.optional(),
    key_file: NonEmpty.optional(),
    insecure_skip_verify: z.boolean().optional(),
    server_name_override: NonEmpty.optional(),
  })
  .superRefine((tls, ctx) => {
    if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
      ctx.addIssue({ code: 'custom', path: [tls.cert_file === undefined ? 'key_file' : 'cert_file'], message: 'cert_file and key_file go together: a client certificate needs its key' });
    }
  });

/** `${env:REDIS_DB}` expands to text: a whole number written either way. */
const DatabaseNumber = z.union([z.number(), z.string()]).transform(
  parsedBy((v: number | string): Parsed<number> => {
    if (typeof v === 'number') return { ok: true, value: v };
    return /^\d+$/.test(v.trim()) ? { ok: true, value: Number(v) } : { ok: false, error: `expected a database number such as 0, got '${v}'` };
  }, wholeNumber(0)),
);

/**
 * Where caps are counted. Unset: in this process's memory (one replica). `redis`: one Redis shared by
 * every replica, so "at most N per window" holds across all of them.
 */
const CapStore = z.strictObject({
  redis: z.strictObject({
    endpoint: z.string().transform(parsedBy(parseHostPort, (hp) => (hp.port > 0 ? undefined : 'needs the Redis port, e.g. redis.internal:6379 (port 0 is for listening)'))),
    username: NonEmpty.optional(),
    password: z.string().optional(),
    db: DatabaseNumber.optional(),
    tls: ClientTls.optional(),
    key_prefix: NonEmpty.optional(),
    /** One cap check per request; past it the check counts as unavailable. */
    timeout: TimerDuration.optional(),
    on_unavailable: z.enum(['closed', 'open']).optional(),
  }),
});

export const GatewayConfigSchema = z.strictObject({
  receivers: Receivers.optional(),
  policy: NonEmpty,
  exporters: Exporters.optional(),
  routes: Routes.optional(),
  cap_store: CapStore.optional(),
  service: Service.optional(),
});

export type GatewayConfigFile = z.output<typeof GatewayConfigSchema>;

// ---- validated YAML → the export side's options ----

type RawRetry = z.output<typeof Retry>;
type RawQueue = z.output<typeof Queue>;

function retryOptions(r: RawRetry | undefined): ExporterOptions['retry'] {
  if (!r) return undefined;
  return {
    ...(r.enabled !== undefined && { enabled: r.enabled }),
    ...(r.initial_interval !== undefined && { initialIntervalMs: r.initial_interval }),
    ...(r.max_interval !== undefined && { maxIntervalMs: r.max_interval }),
    ...(r.max_elapsed_time !== undefined && { maxElapsedTimeMs: r.max_elapsed_time }),
    ...(r.multiplier !== undefined && { multiplier: r.multiplier }),
    ...(r.randomization_factor !== undefined && { randomizationFactor: r.randomization_factor }),
  };
}

function queueOptions(q: RawQueue | undefined, resolvePath: (p: string) => string): ExporterOptions['queue'] {
  if (!q) return undefined;
  return {
    ...(q.num_consumers !== undefined && { numConsumers: q.num_consumers }),
    ...(q.max_bytes !== undefined && { maxBytes: q.max_bytes }),
    ...(q.max_batch_bytes !== undefined && { maxBatchBytes: q.max_batch_bytes }),
    ...(q.storage !== undefined && { storage: resolvePath(q.storage) }),
    ...(q.fsync !== undefined && { fsync: q.fsync }),
  };
}

/** Maps one validated exporter section onto the export factory's option type (durations in ms). */
export function toExporterOptions(entry: RawExporter, resolvePath: (p: string) => string): ExporterOptions {
  const retry = retryOptions(entry.raw.retry_on_failure);
  const queue = queueOptions(entry.raw.sending_queue, resolvePath);
  switch (entry.type) {
    case 'file': {
      const options: FileExporterOptions = { type: 'file', path: resolvePath(entry.raw.path) };
      if (retry) options.retry = retry;
      if (queue) options.queue = queue;
      return options;
    }
    case 'otlp': {
      const o = entry.raw;
      const options: OtlpGrpcExporterOptions = { type: 'otlp', endpoint: o.endpoint };
      if (o.tls) {
        const t = o.tls;
        options.tls = {
          ...(t.insecure !== undefined && { insecure: t.insecure }),
          ...(t.ca_file !== undefined && { caFile: resolvePath(t.ca_file) }),
          ...(t.cert_file !== undefined && { certFile: resolvePath(t.cert_file) }),
          ...(t.key_file !== undefined && { keyFile: resolvePath(t.key_file) }),
          ...(t.server_name_override !== undefined && { serverNameOverride: t.server_name_override }),
        };
      }
      if (o.headers) options.headers = o.headers;
      if (o.timeout !== undefined) options.timeoutMs = o.timeout;
      if (o.compression) options.compression = o.compression;
      if (o.compression_level !== undefined) options.compressionLevel = o.compression_level;
      if (retry) options.retry = retry;
      if (queue) options.queue = queue;
      return options;
    }
    case 'otlphttp': {
      const o = entry.raw;
      const options: OtlpHttpExporterOptions = { type: 'otlphttp', endpoint: o.endpoint };
      if (o.encoding) options.encoding = o.encoding;
      if (o.headers) options.headers = o.headers;
      if (o.timeout !== undefined) options.timeoutMs = o.timeout;
      if (o.compression) options.compression = o.compression;
      if (o.compression_level !== undefined) options.compressionLevel = o.compression_level;
      if (retry) options.retry = retry;
      if (queue) options.queue = queue;
      return options;
    }
  }
}
