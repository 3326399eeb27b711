/**
 * The `otlp` (OTLP/gRPC) exporter's endpoint and metadata rules, shared by the config schema (which
 * reports a problem at its position) and the exporter (which only asserts).
 *
 * The endpoint follows the Collector's otlp exporter: `host:port` (TLS, unless `tls.insecure: true`),
 * `https://host[:port]` (TLS, whatever `tls.insecure` says) or `http://host[:port]` (plaintext). IPv6
 * hosts in brackets. No path, query or user info: a gRPC method has its own fixed path, and credentials
 * belong in headers. No `{tenant}` either: a gRPC target is one channel; a tenant goes in a header
 * (`X-Scope-OrgID: "{tenant}"`), expanded per request.
 */
import http from 'node:http';
import { TENANT_PLACEHOLDER } from './tenant-template.js';

export interface OtlpGrpcTarget {
  /** `host:port` as grpc-js takes it (IPv6 in brackets). */
  address: string;
  /** The scheme asked for TLS (`https://`); undefined when the endpoint had no scheme. */
  scheme: 'http' | 'https' | undefined;
}

export type GrpcEndpointResult = { ok: true; value: OtlpGrpcTarget } | { ok: false; error: string };

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d{1,5}))?$/;

export function parseOtlpGrpcEndpoint(endpoint: string): GrpcEndpointResult {
  if (endpoint.includes(TENANT_PLACEHOLDER)) {
    return { ok: false, error: "{tenant} has no place in a gRPC endpoint; put it in a header, e.g. headers: { X-Scope-OrgID: '{tenant}' }" };
  }
  let scheme: OtlpGrpcTarget['scheme'];
  let rest = endpoint;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(endpoint);
  if (m) {
    const s = m[1]!.toLowerCase();
    if (s !== 'http' && s !== 'https') return { ok: false, error: `scheme '${m[1]}' is not one of http:// (plaintext) or https:// (TLS); or write host:port` };
    scheme = s;
    rest = endpoint.slice(m[0].length).replace(/\/$/, '');
  }
  const hp = HOST_PORT.exec(rest);
  if (!hp) {
    return { ok: false, error: `'${endpoint}' is not host:port, http://host[:port] or https://host[:port] (no path, query or user info)` };
  }
  const host = hp[1]!;
  let port = hp[2];
  if (port === undefined) {
    if (scheme === undefined) return { ok: false, error: `'${endpoint}' has no port (OTLP/gRPC listens on 4317 by default: ${host}:4317)` };
    port = scheme === 'https' ? '443' : '80';
  }
  const n = Number(port);
  if (n < 1 || n > 65535) return { ok: false, error: `port ${port} is not in 1..65535` };
  return { ok: true, value: { address: `${host}:${n}`, scheme } };
}

/** Metadata grpc-js or HTTP/2 sets itself, which a configured header must not replace. */
const RESERVED = new Set(['content-type', 'te', 'host', 'user-agent', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding']);

/** What is wrong with one configured header (gRPC metadata), or undefined. Names the header only. */
export function metadataProblem(name: string, value: string): string | undefined {
  try {
    http.validateHeaderName(name);
  } catch {
    return `'${name}' is not a valid header name`;
  }
  const lower = name.toLowerCase();
  if (lower.endsWith('-bin')) return `'${name}': binary (-bin) metadata cannot be configured`;
  if (lower.startsWith('grpc-') || RESERVED.has(lower)) return `'${name}' is set by the gRPC transport itself`;
  // gRPC ASCII metadata values: printable ASCII and space (PROTOCOL-HTTP2.md, "ASCII-Value").
  if (!/^[\x20-\x7e]*$/.test(value)) return `the value of header '${name}' has characters gRPC metadata does not allow (printable ASCII only)`;
  return undefined;
}
