/**
 * OTLP/HTTP exporter (opentelemetry-proto docs/specification.md, "OTLP/HTTP"): POSTs each request's
 * body, an Export*ServiceRequest made at admission as `application/x-protobuf` or `application/json`,
 * optionally gzip-compressed, to the path of its signal (`<endpoint>/v1/traces`, `/v1/logs`, `/v1/metrics`).
 *
 * Transport: node:http(s) with a keep-alive Agent per exporter, so connections are reused across exports
 * and released at shutdown, and one timer per attempt that destroys the request (connect, send and
 * response together) when it fires. Outcomes are values (principle 6): 2xx success; 429/502/503/504,
 * network errors and timeouts retryable (with Retry-After); any other status a permanent failure.
 * Neither request nor response bodies are ever logged or kept: the response body is drained unread.
 *
 * Defaults follow the Collector's otlphttp exporter: protobuf, gzip. The endpoint rule too
 * (otlphttp-endpoint.ts). Options arrive validated by the config schema; the constructor only asserts.
 */
import http from 'node:http';
import https from 'node:https';
import { CONTENT_TYPE, type Encoding } from '../otlp/codec.js';
import { decodeResponse } from '../otlp/response.js';
import { CODECS, SIGNALS, type Signal } from '../otlp/signal.js';
import { assertOption, DEFAULT_OTLPHTTP, type Compression, type OtlpHttpExporterOptions } from './options.js';
import { headerProblem, parseOtlpHttpEndpoint, type OtlpHttpTarget } from './otlphttp-endpoint.js';
import { isRetryableStatus, isSuccessStatus, parseRetryAfter } from './retryable-status.js';
import { compileTenantTemplate, type TenantTemplate } from './tenant-template.js';
import type { BodyFormat, ExportItem, ExportRequest, ExportResult, Exporter, TargetResult } from './types.js';

const USER_AGENT = 'loopgate-otlphttp/0.1';
/** A 2xx body is read (for partial_success) up to this size; anything beyond is drained unread. */
const MAX_RESPONSE_BYTES = 64 * 1024;


export class OtlpHttpExporter implements Exporter {
  readonly format: BodyFormat;
  private readonly encoding: Encoding;
  private readonly compression: Compression;
  private readonly compressionLevel: number;
  /** `http://host:port`, the part of a target that is the same for every tenant. */
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  private readonly host: OtlpHttpTarget;
  /** Per signal: the path and query to POST to, `{tenant}` still to expand. */
  private readonly paths: Readonly<Record<Signal, TenantTemplate>>;
  /** Headers that do not change per request, computed once. */
  private readonly baseHeaders: Record<string, string>;

  constructor(
    readonly id: string,
    options: OtlpHttpExporterOptions,
  ) {
    this.encoding = options.encoding ?? DEFAULT_OTLPHTTP.encoding;
    this.compression = options.compression ?? DEFAULT_OTLPHTTP.compression;
    this.compressionLevel = options.compressionLevel ?? DEFAULT_OTLPHTTP.compressionLevel;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OTLPHTTP.timeoutMs;
    // The config schema refuses all of these with positions; reaching here with one is a bug.
    assertOption(this.encoding === 'protobuf' || this.encoding === 'json', `exporters.${id}.encoding`);
    assertOption(this.compression === 'gzip' || this.compression === 'none', `exporters.${id}.compression`);
    assertOption(Number.isInteger(this.compressionLevel) && this.compressionLevel >= 1 && this.compressionLevel <= 9, `exporters.${id}.compression_level`);
    assertOption(Number.isFinite(this.timeoutMs) && this.timeoutMs > 0, `exporters.${id}.timeout`);
    const target = parseOtlpHttpEndpoint(options.endpoint);
    assertOption(target.ok, `exporters.${id}.endpoint`);
    const t = target.value;
    this.paths = Object.fromEntries(SIGNALS.map((s) => [s, compileTenantTemplate(t.pathTemplates[s])])) as Record<Signal, TenantTemplate>;
    this.format = { encoding: this.encoding, compression: this.compression, compressionLevel: this.compressionLevel };
    this.origin = t.origin;
    this.transport = t.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
    this.host = t;

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      assertOption(headerProblem(name, value) === undefined, `exporters.${id}.headers`);
      headers[name.toLowerCase()] = value;
    }
    // Ours, per request: the body's type, length and encoding are ours to state, whatever the config says.
    headers['user-agent'] ??= USER_AGENT;
    delete headers['content-type'];
    delete headers['content-encoding'];
    delete headers['content-length'];
    this.baseHeaders = headers;
  }

  encode(item: ExportItem): Uint8Array {
    return CODECS[item.signal].encode(item.data as never, this.encoding);
  }

  /** The full URL a tenant's requests of `signal` go to. */
  target(signal: Signal, tenant: string | undefined): TargetResult {
    const path = this.paths[signal].expand(tenant);
    return path.ok ? { ok: true, value: this.origin + path.value } : path;
  }

  async export(request: ExportRequest, signal?: AbortSignal): Promise<ExportResult> {
    const target = this.target(request.signal, request.tenant);
    if (!target.ok) return { status: 'failure', error: target.error };
    // A request admitted for another URL (the endpoint changed since it was stored) is never sent here
    // with this exporter's credentials: that could hand one tenant's or vendor's data to another.
    if (target.value !== request.target) return { status: 'failure', error: 'target changed since the request was queued' };
    if (signal?.aborted) return { status: 'retryable', error: 'aborted' };
    const headers: Record<string, string> = { ...this.baseHeaders, 'content-type': CONTENT_TYPE[request.encoding] };
    if (request.compression === 'gzip') headers['content-encoding'] = 'gzip';
    return this.post(target.value.slice(this.origin.length), headers, request.body, request.signal, signal, true);
  }

  async shutdown(): Promise<void> {
    this.agent.destroy();
  }

  /**
   * One POST. `mayResendOnStaleSocket`: a keep-alive socket the server closed while it sat idle in the pool
   * fails on reuse with ECONNRESET before any response; the request never reached the server, so it is
   * resent once at once on a fresh connection (the pattern Node's http docs recommend) instead of waiting
   * a whole retry backoff for a benign race.
   */
  private post(path: string, headers: Record<string, string>, payload: Uint8Array, otlpSignal: Signal, signal: AbortSignal | undefined, mayResendOnStaleSocket: boolean): Promise<ExportResult> {
    return new Promise<ExportResult>((resolve) => {
      let settled = false;
      let responded = false;
      let req: http.ClientRequest | undefined;
      const finish = (result: ExportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = (): void => {
        req?.destroy();
        finish({ status: 'retryable', error: 'aborted' });
      };
      const timer = setTimeout(() => {
        req?.destroy();
        finish({ status: 'retryable', error: `timeout after ${this.timeoutMs}ms` });
      }, this.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Aborted while the body was being compressed: the listener came too late to hear it.
      if (signal?.aborted) {
        onAbort();
        return;
      }

      try {
        req = this.transport.request(
          {
            agent: this.agent,
            method: 'POST',
            protocol: this.host.protocol,
            hostname: this.host.hostname,
            port: this.host.port,
            path,
            auth: this.host.auth,
            headers: { ...headers, 'content-length': String(payload.byteLength) },
          },
          (res) => {
            responded = true;
            const status = res.statusCode ?? 0;
            const retryAfter = res.headers['retry-after'];
            // The body is consumed either way: the connection goes back to the pool only then. Only a 2xx
            // body is kept (bounded), to read partial_success; it is parsed, never logged.
            const keep = isSuccessStatus(status);
            let chunks: Buffer[] = [];
            let kept = 0;
            res.on('data', (c: Buffer) => {
              if (!keep || kept < 0) return;
              kept += c.length;
              if (kept > MAX_RESPONSE_BYTES) {
                // Too large to be a response we understand: stop keeping it, count it a plain success.
                kept = -1;
                chunks = [];
              } else chunks.push(c);
            });
            res.on('end', () => {
              if (!isSuccessStatus(status)) return finish(classify(status, retryAfter));
              finish(acceptedResult(Buffer.concat(chunks), res.headers['content-type'], this.encoding, otlpSignal));
            });
            res.on('error', (err) => finish({ status: 'retryable', error: `response: ${errorCode(err)}` }));
            res.on('close', () => {
              if (!res.complete) finish({ status: 'retryable', error: 'response cut short' });
            });
          },
        );
      } catch (err) {
        finish({ status: 'failure', error: `request: ${errorCode(err)}` });
        return;
      }
      const sent = req;
      sent.on('error', (err) => {
        if (mayResendOnStaleSocket && !settled && !responded && sent.reusedSocket && errorCode(err) === 'ECONNRESET') {
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(this.post(path, headers, payload, otlpSignal, signal, false));
          return;
        }
        finish({ status: 'retryable', error: `network: ${errorCode(err)}` });
      });
      sent.end(payload);
    });
  }
}

/**
 * A 2xx answer: full success, or partial_success (ExportTraceServiceResponse field 1) naming how many
 * spans the downstream rejected. The spec says the response uses the request's encoding; we trust the
 * Content-Type when it says otherwise. An unreadable body is still a success: the status said so.
 */
function acceptedResult(body: Buffer, contentType: string | undefined, requestEncoding: Encoding, signal: Signal): ExportResult {
  if (body.byteLength === 0) return { status: 'success' };
  const ct = (contentType ?? '').toLowerCase();
  const encoding: Encoding = ct.includes('json') ? 'json' : ct.includes('protobuf') ? 'protobuf' : requestEncoding;
  const rejected = decodeResponse(body, encoding, signal)?.partialSuccess?.rejectedSpans ?? 0n;
  if (rejected <= 0n) return { status: 'success' };
  return { status: 'success', rejectedSpans: rejected > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(rejected) };
}

function classify(status: number, retryAfter: string | undefined): ExportResult {
  if (isSuccessStatus(status)) return { status: 'success' };
  if (isRetryableStatus(status)) {
    const ms = parseRetryAfter(retryAfter, Date.now());
    return ms === undefined ? { status: 'retryable', error: `HTTP ${status}` } : { status: 'retryable', error: `HTTP ${status}`, retryAfterMs: ms };
  }
  return { status: 'failure', error: `HTTP ${status}` };
}

/** errno-style code or the error's class name: never its message, which may quote data. */
function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.name : 'unknown';
}
