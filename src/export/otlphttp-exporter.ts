/**
 * OTLP/HTTP trace exporter (opentelemetry-proto docs/specification.md, "OTLP/HTTP"): POSTs an
 * ExportTraceServiceRequest as `application/x-protobuf` or `application/json`, optionally gzip-compressed,
 * to `<endpoint>/v1/traces`.
 *
 * Transport: node:http(s) with a keep-alive Agent per exporter, so connections are reused across exports
 * and released at shutdown, and one timer per attempt that destroys the request (connect, send and
 * response together) when it fires. Outcomes are values (principle 6): 2xx success; 429/502/503/504,
 * network errors and timeouts retryable (with Retry-After); any other status a permanent failure.
 * Neither request nor response bodies are ever logged or kept: the response body is drained unread.
 *
 * Defaults follow the Collector's otlphttp exporter: protobuf, gzip. The endpoint rule too: a URL that
 * already ends in `/v1/traces` is used as is (like `traces_endpoint`), anything else gets `/v1/traces`
 * appended.
 */
import http from 'node:http';
import https from 'node:https';
import { CONTENT_TYPE, type Encoding } from '../otlp/codec.js';
import { encodeTracesJson } from '../otlp/encode-json.js';
import { encodeTracesProtobuf } from '../otlp/encode-protobuf.js';
import { decodeResponse } from '../otlp/response.js';
import { DEFAULT_OTLPHTTP, type Compression, type OtlpHttpExporterOptions } from './options.js';
import { isRetryableStatus, isSuccessStatus, parseRetryAfter } from './retryable-status.js';
import { compileTenantTemplate, TENANT_PLACEHOLDER, type TenantTemplate } from './tenant-template.js';
import type { BodyFormat, ExportItem, ExportRequest, ExportResult, Exporter, TargetResult } from './types.js';

const TRACES_PATH = '/v1/traces';
const USER_AGENT = 'loopgate-otlphttp/0.1';
/** A 2xx body is read (for partial_success) up to this size; anything beyond is drained unread. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** A token that survives URL parsing unchanged (braces would be percent-encoded in the path). */
const MARKER = '__loopgate_tenant_placeholder__';

const utf8 = new TextEncoder();

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
  private readonly host: { protocol: string; hostname: string; port: string; auth: string | undefined };
  private readonly path: TenantTemplate;
  /** Headers that do not change per request, computed once. */
  private readonly baseHeaders: Record<string, string>;

  constructor(
    readonly id: string,
    options: OtlpHttpExporterOptions,
  ) {
    const key = (k: string): string => `exporters.${id}.${k}`;
    this.encoding = options.encoding ?? DEFAULT_OTLPHTTP.encoding;
    this.compression = options.compression ?? DEFAULT_OTLPHTTP.compression;
    this.compressionLevel = options.compressionLevel ?? DEFAULT_OTLPHTTP.compressionLevel;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OTLPHTTP.timeoutMs;
    if (this.encoding !== 'protobuf' && this.encoding !== 'json') {
      throw new Error(`${key('encoding')} must be protobuf or json, got '${String(this.encoding)}'`);
    }
    if (this.compression !== 'gzip' && this.compression !== 'none') {
      throw new Error(`${key('compression')} must be gzip or none, got '${String(this.compression)}'`);
    }
    if (!(Number.isInteger(this.compressionLevel) && this.compressionLevel >= 1 && this.compressionLevel <= 9)) {
      throw new Error(`${key('compression_level')} must be an integer from 1 to 9, got ${this.compressionLevel}`);
    }
    if (!(Number.isFinite(this.timeoutMs) && this.timeoutMs > 0)) {
      throw new Error(`${key('timeout')} must be > 0, got ${this.timeoutMs}ms`);
    }

    let url: URL;
    try {
      url = new URL(options.endpoint.split(TENANT_PLACEHOLDER).join(MARKER));
    } catch {
      throw new Error(`${key('endpoint')} is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`${key('endpoint')} must be an http:// or https:// URL, got '${url.protocol}'`);
    }
    if ((url.host + url.username + url.password).includes(MARKER)) {
      throw new Error(`${key('endpoint')}: {tenant} may appear only in the path or query, not in the host`);
    }
    if (url.hash) throw new Error(`${key('endpoint')} must not have a #fragment`);
    let pathname = url.pathname;
    if (!pathname.endsWith(TRACES_PATH)) pathname = pathname.replace(/\/$/, '') + TRACES_PATH;
    this.path = compileTenantTemplate((pathname + url.search).split(MARKER).join(TENANT_PLACEHOLDER));

    this.format = { encoding: this.encoding, compression: this.compression, compressionLevel: this.compressionLevel };
    this.origin = `${url.protocol}//${url.host}`;
    this.transport = url.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
    this.host = {
      protocol: url.protocol,
      // IPv6 literals come back bracketed from URL; node:http wants them bare.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
    };

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      try {
        http.validateHeaderName(name);
        http.validateHeaderValue(name, value);
      } catch {
        // Name only: header values are often credentials.
        throw new Error(`${key('headers')}: header '${name}' has an invalid name or value`);
      }
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
    return this.encoding === 'protobuf' ? encodeTracesProtobuf(item.data) : utf8.encode(encodeTracesJson(item.data));
  }

  /** The full URL a tenant's requests go to. */
  target(tenant: string | undefined): TargetResult {
    const path = this.path.expand(tenant);
    return path.ok ? { ok: true, value: this.origin + path.value } : path;
  }

  async export(request: ExportRequest, signal?: AbortSignal): Promise<ExportResult> {
    const target = this.target(request.tenant);
    if (!target.ok) return { status: 'failure', error: target.error };
    // A request admitted for another URL (the endpoint changed since it was stored) is never sent here
    // with this exporter's credentials: that could hand one tenant's or vendor's data to another.
    if (target.value !== request.target) return { status: 'failure', error: 'target changed since the request was queued' };
    if (signal?.aborted) return { status: 'retryable', error: 'aborted' };
    const headers: Record<string, string> = { ...this.baseHeaders, 'content-type': CONTENT_TYPE[request.encoding] };
    if (request.compression === 'gzip') headers['content-encoding'] = 'gzip';
    return this.post(target.value.slice(this.origin.length), headers, request.body, signal, true);
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
  private post(path: string, headers: Record<string, string>, payload: Uint8Array, signal: AbortSignal | undefined, mayResendOnStaleSocket: boolean): Promise<ExportResult> {
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
              finish(acceptedResult(Buffer.concat(chunks), res.headers['content-type'], this.encoding));
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
          resolve(this.post(path, headers, payload, signal, false));
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
function acceptedResult(body: Buffer, contentType: string | undefined, requestEncoding: Encoding): ExportResult {
  if (body.byteLength === 0) return { status: 'success' };
  const ct = (contentType ?? '').toLowerCase();
  const encoding: Encoding = ct.includes('json') ? 'json' : ct.includes('protobuf') ? 'protobuf' : requestEncoding;
  const rejected = decodeResponse(body, encoding)?.partialSuccess?.rejectedSpans ?? 0n;
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
