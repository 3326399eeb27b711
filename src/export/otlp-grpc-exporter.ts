/**
 * OTLP/gRPC exporter (the Collector's `otlp` exporter type): one unary Export call per item to
 * TraceService, LogsService or MetricsService of a downstream Collector, Tempo or Loki gateway.
 *
 * Transport: one @grpc/grpc-js channel per exporter (HTTP/2, connections reused, reconnecting with
 * grpc-js's own backoff), plaintext or TLS (server CA, client certificate for mTLS). The message is the
 * exact protobuf bytes the queue holds (the same encode as every protobuf exporter of the request),
 * sent through a raw-bytes serializer: nothing is re-encoded and no generated code is involved. gzip
 * message compression (`grpc-encoding: gzip`) by default, as the Collector's exporter.
 *
 * Outcomes are values (principle 6), from the OTLP specification's failure table
 * (retryable-status.ts): OK (partial_success read from the response), retryable codes with the
 * server's RetryInfo delay as the retry delay, and the rest permanent. A deadline per attempt
 * (`timeout`). Neither request nor response content, nor the server's status message (which may quote
 * data), is logged or kept: an error names the gRPC code only.
 */
import { readFileSync } from 'node:fs';
import { Client, credentials, Metadata, status as GrpcStatus, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { decodeResponse } from '../otlp/response.js';
import { decodeRpcStatus } from '../otlp/rpc-status.js';
import { CODECS, type Signal } from '../otlp/signal.js';
import { assertOption, DEFAULT_OTLP_GRPC, type Compression, type OtlpGrpcExporterOptions } from './options.js';
import { metadataProblem, parseOtlpGrpcEndpoint } from './otlp-grpc-endpoint.js';
import { isRetryableGrpcCode } from './retryable-status.js';
import { compileTenantTemplate, type TenantTemplate } from './tenant-template.js';
import type { ExportItem, ExportResult, Exporter } from './types.js';

const USER_AGENT = 'loopgate-otlp/0.1';
/** A response (ExportXServiceResponse: partial_success) larger than this is refused by grpc-js. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** grpc-js's compressionAlgorithms enum: identity 0, deflate 1, gzip 2. */
const COMPRESSION_ALGORITHM: Record<Compression, number> = { none: 0, gzip: 2 };

const toBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const identity = (b: Buffer): Buffer => b;

export class OtlpGrpcExporter implements Exporter {
  readonly encoding = 'protobuf' as const;
  private readonly client: Client;
  private readonly timeoutMs: number;
  /** Configured headers as gRPC metadata; values may hold `{tenant}`. */
  private readonly headers: { name: string; value: TenantTemplate }[];

  constructor(
    readonly id: string,
    options: OtlpGrpcExporterOptions,
  ) {
    const compression = options.compression ?? DEFAULT_OTLP_GRPC.compression;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OTLP_GRPC.timeoutMs;
    // The config schema refuses all of these with positions; reaching here with one is a bug.
    assertOption(compression === 'gzip' || compression === 'none', `exporters.${id}.compression`);
    assertOption(Number.isFinite(this.timeoutMs) && this.timeoutMs > 0, `exporters.${id}.timeout`);
    const target = parseOtlpGrpcEndpoint(options.endpoint);
    assertOption(target.ok, `exporters.${id}.endpoint`);
    this.headers = Object.entries(options.headers ?? {}).map(([name, value]) => {
      assertOption(metadataProblem(name, value) === undefined, `exporters.${id}.headers`);
      return { name: name.toLowerCase(), value: compileTenantTemplate(value) };
    });

    const tls = options.tls ?? {};
    // https:// always means TLS; http:// never; host:port means TLS unless tls.insecure (the Collector's rule).
    const secure = target.value.scheme === 'https' || (target.value.scheme === undefined && tls.insecure !== true);
    let creds: ChannelCredentials;
    if (secure) {
      // Files were checked readable when the config loaded; read at construction, never per call.
      const read = (file: string | undefined): Buffer | null => (file === undefined ? null : readFileSync(file));
      creds = credentials.createSsl(read(tls.caFile), read(tls.keyFile), read(tls.certFile));
    } else creds = credentials.createInsecure();
    const channelOptions: Record<string, string | number> = {
      'grpc.primary_user_agent': USER_AGENT,
      'grpc.default_compression_algorithm': COMPRESSION_ALGORITHM[compression],
      // The queue bounds what is sent; the downstream's own limit (4 MiB in a Collector) answers over it.
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': MAX_RESPONSE_BYTES,
    };
    if (secure && tls.serverNameOverride !== undefined) channelOptions['grpc.ssl_target_name_override'] = tls.serverNameOverride;
    this.client = new Client(target.value.address, creds, channelOptions);
  }

  encode(item: ExportItem): Uint8Array {
    return CODECS[item.signal].encode(item.data as never, 'protobuf');
  }

  export(item: ExportItem, body: Uint8Array, signal?: AbortSignal): Promise<ExportResult> {
    const metadata = new Metadata();
    for (const h of this.headers) {
      const v = h.value.expand(item.tenant);
      if (!v.ok) return Promise.resolve({ status: 'failure', error: `header ${h.name}: ${v.error}` });
      metadata.set(h.name, v.value);
    }
    if (signal?.aborted) return Promise.resolve({ status: 'retryable', error: 'aborted' });
    return new Promise<ExportResult>((resolve) => {
      let settled = false;
      const finish = (r: ExportResult): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const call = this.client.makeUnaryRequest<Buffer, Buffer>(
        CODECS[item.signal].grpcMethod,
        identity,
        identity,
        toBuffer(body),
        metadata,
        { deadline: Date.now() + this.timeoutMs },
        (err, response) => finish(err ? this.failed(err) : accepted(response, item.signal)),
      );
      const onAbort = (): void => {
        finish({ status: 'retryable', error: 'aborted' });
        call.cancel();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async shutdown(): Promise<void> {
    this.client.close();
  }

  private failed(err: ServiceError): ExportResult {
    const code = typeof err.code === 'number' ? err.code : GrpcStatus.UNKNOWN;
    const name = GrpcStatus[code] ?? String(code);
    if (code === GrpcStatus.DEADLINE_EXCEEDED) return { status: 'retryable', error: `timeout after ${this.timeoutMs}ms (DEADLINE_EXCEEDED)` };
    const details = err.metadata?.get('grpc-status-details-bin')[0];
    const rpc = Buffer.isBuffer(details) ? decodeRpcStatus(details) : undefined;
    const hasRetryInfo = rpc?.retryInfo === true;
    if (!isRetryableGrpcCode(code, hasRetryInfo)) {
      return { status: 'failure', error: code === GrpcStatus.RESOURCE_EXHAUSTED ? `gRPC ${name} without RetryInfo` : `gRPC ${name}` };
    }
    return rpc?.retryDelayMs !== undefined ? { status: 'retryable', error: `gRPC ${name}`, retryAfterMs: rpc.retryDelayMs } : { status: 'retryable', error: `gRPC ${name}` };
  }
}

/** OK: full success, or partial_success (field 1 of every Export*ServiceResponse) naming refused records. */
function accepted(response: Buffer | undefined, signal: Signal): ExportResult {
  if (response === undefined || response.byteLength === 0) return { status: 'success' };
  const rejected = decodeResponse(response, 'protobuf', signal)?.partialSuccess?.rejectedSpans ?? 0n;
  if (rejected <= 0n) return { status: 'success' };
  return { status: 'success', rejectedSpans: rejected > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(rejected) };
}
