/**
 * The gateway config file's shape (design.md, "Gateway config file"), in the OpenTelemetry Collector's
 * style: `receivers`, `exporters` keyed `<type>/<name>`, `routes`, `service`. Strict everywhere: an
 * unknown key is a mistake to point at, not something to ignore. Units are parsed here so the loaded
 * config holds milliseconds and bytes only.
 *
 * The zod schemas are the single source of the shape; `GatewayConfigFile` is derived from them.
 */
import { z } from 'zod';
import { LOG_LEVELS } from '../telemetry/logger.js';
import { parseByteSize, parseDuration, parseHostPort, type Parsed } from './units.js';
import type { ExporterOptions, FileExporterOptions, OtlpHttpExporterOptions } from '../export/options.js';

/** Turns a unit parser into a zod transform that reports the parser's message at the value. */
function parsedBy<I, O>(parse: (input: I) => Parsed<O>) {
  return (input: I, ctx: z.RefinementCtx): O => {
    const r = parse(input);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  };
}

const Duration = z.string().transform(parsedBy(parseDuration));
const ByteSize = z.union([z.number(), z.string()]).transform(parsedBy(parseByteSize));
const Endpoint = z.string().transform(parsedBy(parseHostPort));
const NonEmpty = z.string().min(1, 'must not be empty');

const Auth = z.strictObject({
  tokens: z
    .array(z.strictObject({ token: NonEmpty, tenant: NonEmpty }))
    .min(1, 'auth needs at least one token: with auth present, every request must carry one'),
});

const Receivers = z.strictObject({
  otlp: z.strictObject({
    protocols: z
      .strictObject({
        http: z
          .strictObject({
            endpoint: Endpoint.optional(),
            max_request_body_size: ByteSize.optional(),
            max_inflight_body_size: ByteSize.optional(),
          })
          .optional(),
      })
      .optional(),
    auth: Auth.optional(),
  }),
});

const Retry = z.strictObject({
  enabled: z.boolean().optional(),
  initial_interval: Duration.optional(),
  max_interval: Duration.optional(),
  max_elapsed_time: Duration.optional(),
  multiplier: z.number().min(1).optional(),
  randomization_factor: z.number().min(0).max(1).optional(),
});

const Queue = z.strictObject({
  num_consumers: z.number().int().min(1).optional(),
  max_bytes: ByteSize.refine((n) => n >= 1, 'max_bytes must be at least 1 byte').optional(),
  max_batch_bytes: ByteSize.optional(),
  /** A folder for the persistent queue (relative to the config file); unset = in memory. */
  storage: NonEmpty.optional(),
  /** With storage: fsync before answering the client (default true). */
  fsync: z.boolean().optional(),
}).refine((q) => q.fsync === undefined || q.storage !== undefined, {
  message: "'fsync' applies to a persistent queue only: set 'storage' too, or remove 'fsync'",
  path: ['fsync'],
});

const OtlpHttpExporter = z.strictObject({
  endpoint: z.string().refine(isHttpUrl, 'expected an http:// or https:// URL'),
  encoding: z.enum(['protobuf', 'json']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeout: Duration.optional(),
  compression: z.enum(['gzip', 'none']).optional(),
  compression_level: z.number().int().min(1).max(9).optional(),
  retry_on_failure: Retry.optional(),
  sending_queue: Queue.optional(),
});

const FileExporter = z.strictObject({
  path: NonEmpty,
  retry_on_failure: Retry.optional(),
  sending_queue: Queue.optional(),
});

function isHttpUrl(endpoint: string): boolean {
  try {
    // `{tenant}` is filled per span at export time; any segment value makes the same URL shape.
    const url = new URL(endpoint.replaceAll('{tenant}', 't'));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const EXPORTER_TYPES = ['otlphttp', 'file'] as const;
const EXPORTER_ID = /^(otlphttp|file)(?:\/[A-Za-z0-9_.-]+)?$/;

type RawExporter = z.infer<typeof OtlpHttpExporter> | z.infer<typeof FileExporter>;

/**
 * Exporters are keyed `<type>/<name>`; the key chooses the schema. Issues from the chosen schema are
 * re-raised with the key in their path, so they still point at the right line.
 */
const Exporters = z.record(z.string(), z.unknown()).transform((entries, ctx) => {
  const out: Record<string, { type: 'otlphttp' | 'file'; raw: RawExporter }> = {};
  for (const [id, value] of Object.entries(entries)) {
    const m = EXPORTER_ID.exec(id);
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        path: [id],
        message: `exporter id '${id}' must be <type>/<name> with type one of ${EXPORTER_TYPES.join(', ')}`,
      });
      continue;
    }
    const type = m[1] as 'otlphttp' | 'file';
    const parsed = (type === 'otlphttp' ? OtlpHttpExporter : FileExporter).safeParse(value ?? {});
    if (parsed.success) out[id] = { type, raw: parsed.data };
    else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [id, ...issue.path] } as never);
  }
  return out;
});

const Routes = z.strictObject({
  'broad-use': z.array(z.string()).optional(),
  'tenant-only': z.array(z.string()).optional(),
  'eval-only': z.array(z.string()).optional(),
});

const Service = z.strictObject({
  telemetry: z
    .strictObject({
      metrics: z.strictObject({ address: Endpoint.optional() }).optional(),
      logs: z.strictObject({ level: z.enum(LOG_LEVELS).optional() }).optional(),
    })
    .optional(),
  shutdown_timeout: Duration.optional(),
});

export const GatewayConfigSchema = z.strictObject({
  receivers: Receivers.optional(),
  policy: NonEmpty,
  exporters: Exporters.optional(),
  routes: Routes.optional(),
  service: Service.optional(),
});

export type GatewayConfigFile = z.output<typeof GatewayConfigSchema>;

/** Maps one validated exporter section onto the export factory's option type (durations in ms). */
export function toExporterOptions(
  entry: { type: 'otlphttp' | 'file'; raw: RawExporter },
  resolvePath: (p: string) => string,
): ExporterOptions {
  const { raw } = entry;
  const retry = raw.retry_on_failure && {
    ...(raw.retry_on_failure.enabled !== undefined && { enabled: raw.retry_on_failure.enabled }),
    ...(raw.retry_on_failure.initial_interval !== undefined && { initialIntervalMs: raw.retry_on_failure.initial_interval }),
    ...(raw.retry_on_failure.max_interval !== undefined && { maxIntervalMs: raw.retry_on_failure.max_interval }),
    ...(raw.retry_on_failure.max_elapsed_time !== undefined && { maxElapsedTimeMs: raw.retry_on_failure.max_elapsed_time }),
    ...(raw.retry_on_failure.multiplier !== undefined && { multiplier: raw.retry_on_failure.multiplier }),
    ...(raw.retry_on_failure.randomization_factor !== undefined && {
      randomizationFactor: raw.retry_on_failure.randomization_factor,
    }),
  };
  const queue = raw.sending_queue && {
    ...(raw.sending_queue.num_consumers !== undefined && { numConsumers: raw.sending_queue.num_consumers }),
    ...(raw.sending_queue.max_bytes !== undefined && { maxBytes: raw.sending_queue.max_bytes }),
    ...(raw.sending_queue.max_batch_bytes !== undefined && { maxBatchBytes: raw.sending_queue.max_batch_bytes }),
    ...(raw.sending_queue.storage !== undefined && { storage: resolvePath(raw.sending_queue.storage) }),
    ...(raw.sending_queue.fsync !== undefined && { fsync: raw.sending_queue.fsync }),
  };
  if (entry.type === 'file') {
    const f = raw as z.infer<typeof FileExporter>;
    const options: FileExporterOptions = { type: 'file', path: resolvePath(f.path) };
    if (retry) options.retry = retry;
    if (queue) options.queue = queue;
    return options;
  }
  const o = raw as z.infer<typeof OtlpHttpExporter>;
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
