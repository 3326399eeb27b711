/**
 * OTLP/gRPC exporter (the Collector's `otlp` exporter type): one unary Export call per queued request
 * to TraceService, LogsService or MetricsService of a downstream Collector, Tempo or Loki gateway.
 *
 * What it sends is the queue's request as it is: protobuf bytes, gzip-compressed once at admission
 * (`compression: gzip`, the default, as the Collector's exporter) or not, framed as a gRPC message by
 * grpc-unary.ts over one HTTP/2 session (plaintext or TLS: a server CA, a client certificate for
 * mTLS). Nothing is re-encoded or re-compressed per attempt.
 *
 * Outcomes are values (principle 6), from the OTLP specification's failure table
 * (retryable-status.ts): OK (partial_success read from the response), retryable codes with the
 * server's RetryInfo delay as the retry delay, and the rest permanent. A deadline per attempt
 * (`timeout`). Neither request nor response content, nor the server's status message (which may quote
 * data), is logged or kept: an error names the gRPC code only.
 *
 * A request's target is `grpc[s]://host:port/<service>/Export`, followed by the values of headers that
 * hold `{tenant}` (`;x-scope-orgid=acme`): a tenant is told apart by its headers here, so a request
 * stored for one tenant header is refused, not sent, when the configured header would now name another.
 */
import { readFileSync } from 'node:fs';
import { decodeResponse } from '../otlp/response.js';
import { decodeRpcStatus } from '../otlp/rpc-status.js';
import { CODECS, type Signal } from '../otlp/signal.js';
import { GRPC, GrpcUnaryChannel } from './grpc-unary.js';
import { assertOption, DEFAULT_OTLP_GRPC, type OtlpGrpcExporterOptions } from './options.js';
import { metadataProblem, parseOtlpGrpcEndpoint } from './otlp-grpc-endpoint.js';
import { isRetryableGrpcCode } from './retryable-status.js';
import { compileTenantTemplate, type TenantTemplate } from './tenant-template.js';
import type { BodyFormat, ExportItem, ExportRequest, ExportResult, Exporter, TargetResult } from './types.js';

const USER_AGENT = 'loopgate-otlp/0.1';
/** A response (ExportXServiceResponse: partial_success) larger than this is not read. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Names of the codes, for error strings. */
const CODE_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

export class OtlpGrpcExporter implements Exporter {
  readonly format: BodyFormat;
  private readonly channel: GrpcUnaryChannel;
  private readonly timeoutMs: number;
  /** `grpc://host:port` or `grpcs://host:port`. */
  private readonly origin: string;
  /** Configured headers as gRPC metadata; values may hold `{tenant}`. */
  private readonly headers: { name: string; value: TenantTemplate }[];

  constructor(
    readonly id: string,
    options: OtlpGrpcExporterOptions,
  ) {
    const compression = options.compression ?? DEFAULT_OTLP_GRPC.compression;
    const level = options.compressionLevel ?? DEFAULT_OTLP_GRPC.compressionLevel;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OTLP_GRPC.timeoutMs;
    // The config schema refuses all of these with positions; reaching here with one is a bug.
    assertOption(compression === 'gzip' || compression === 'none', `exporters.${id}.compression`);
    assertOption(Number.isInteger(level) && level >= 1 && level <= 9, `exporters.${id}.compression_level`);
    assertOption(Number.isFinite(this.timeoutMs) && this.timeoutMs > 0, `exporters.${id}.timeout`);
    const target = parseOtlpGrpcEndpoint(options.endpoint);
    assertOption(target.ok, `exporters.${id}.endpoint`);
    this.format = { encoding: 'protobuf', compression, compressionLevel: level };
    this.headers = Object.entries(options.headers ?? {}).map(([name, value]) => {
      assertOption(metadataProblem(name, value) === undefined, `exporters.${id}.headers`);
      return { name: name.toLowerCase(), value: compileTenantTemplate(value) };
    });

    const tls = options.tls ?? {};
    // https:// always means TLS; http:// never; host:port means TLS unless tls.insecure (the Collector's rule).
    const secure = target.value.scheme === 'https' || (target.value.scheme === undefined && tls.insecure !== true);
    this.origin = `${secure ? 'grpcs' : 'grpc'}://${target.value.address}`;
    // Files were checked readable when the config loaded; read once here, never per call.
    const read = (file: string | undefined): Buffer | undefined => (file === undefined ? undefined : readFileSync(file));
    this.channel = new GrpcUnaryChannel({
      address: target.value.address,
      secure,
      ...(secure && tls.caFile !== undefined && { ca: read(tls.caFile) }),
      ...(secure && tls.certFile !== undefined && { cert: read(tls.certFile) }),
      ...(secure && tls.keyFile !== undefined && { key: read(tls.keyFile) }),
      ...(secure && tls.serverNameOverride !== undefined && { serverName: tls.serverNameOverride }),
      userAgent: USER_AGENT,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
  }

  encode(item: ExportItem): Uint8Array {
    return CODECS[item.signal].encode(item.data as never, 'protobuf');
  }

  /** The method's URL, and the values of the headers that name the tenant. */
  target(signal: Signal, tenant: string | undefined): TargetResult {
    let value = this.origin + CODECS[signal].grpcMethod;
    for (const h of this.headers) {
      if (!h.value.needsTenant) continue;
      const v = h.value.expand(tenant);
      if (!v.ok) return { ok: false, error: `header ${h.name}: ${v.error}` };
      value += `;${h.name}=${v.value}`;
    }
    return { ok: true, value };
  }

  async export(request: ExportRequest, signal?: AbortSignal): Promise<ExportResult> {
    const target = this.target(request.signal, request.tenant);
    if (!target.ok) return { status: 'failure', error: target.error };
    if (target.value !== request.target) return { status: 'failure', error: 'target changed since the request was queued' };
    if (request.encoding !== 'protobuf') return { status: 'failure', error: `cannot send a ${request.encoding} body over OTLP/gRPC` };
    if (signal?.aborted) return { status: 'retryable', error: 'aborted' };
    const metadata: [string, string][] = [];
    for (const h of this.headers) {
      const v = h.value.expand(request.tenant);
      if (!v.ok) return { status: 'failure', error: `header ${h.name}: ${v.error}` };
      metadata.push([h.name, v.value]);
    }
    const r = await this.channel.call(CODECS[request.signal].grpcMethod, metadata, request.body, request.compression === 'gzip', this.timeoutMs, signal);
    if (r.ended === 'aborted') return { status: 'retryable', error: 'aborted' };
    if (r.ended === 'deadline') return { status: 'retryable', error: `timeout after ${this.timeoutMs}ms (DEADLINE_EXCEEDED)` };
    if (r.code === GRPC.OK) return accepted(r.response, request.signal);
    const name = CODE_NAMES[r.code] ?? String(r.code);
    const rpc = r.details !== undefined ? decodeRpcStatus(r.details) : undefined;
    if (!isRetryableGrpcCode(r.code, rpc?.retryInfo === true)) {
      return { status: 'failure', error: r.code === 8 ? `gRPC ${name} without RetryInfo` : `gRPC ${name}` };
    }
    return rpc?.retryDelayMs !== undefined ? { status: 'retryable', error: `gRPC ${name}`, retryAfterMs: rpc.retryDelayMs } : { status: 'retryable', error: `gRPC ${name}` };
  }

  async shutdown(): Promise<void> {
    this.channel.close();
  }
}

/** OK: full success, or partial_success (field 1 of every Export*ServiceResponse) naming refused records. */
function accepted(response: Buffer | undefined, signal: Signal): ExportResult {
  if (response === undefined || response.byteLength === 0) return { status: 'success' };
  const rejected = decodeResponse(response, 'protobuf', signal)?.partialSuccess?.rejectedSpans ?? 0n;
  if (rejected <= 0n) return { status: 'success' };
  return { status: 'success', rejectedSpans: rejected > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(rejected) };
}
