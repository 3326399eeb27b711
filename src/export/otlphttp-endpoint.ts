/**
 * The rules for an otlphttp exporter's `endpoint` and `headers`, in one place: the config schema
 * reports a broken one at its YAML position (src/config/schema.ts), and the exporter, handed only
 * validated options, takes the parsed target from here.
 *
 * Endpoint rule, as the Collector's otlphttp exporter: the endpoint is a base URL and each signal's
 * path (/v1/traces, /v1/logs, /v1/metrics) is appended to it. One that already ends in `/v1/traces`
 * (the way this exporter was configured before it sent logs; like the Collector's `traces_endpoint`)
 * is the spans' URL as is, and the other signals go to the same base with their own path. `{tenant}` is
 * filled per item at export time, so it may sit in the path or query only: in the host it would let a
 * client's tenant choose where its records go.
 */
import http from 'node:http';
import { CODECS, SIGNALS, type Signal } from '../otlp/signal.js';
import { TENANT_PLACEHOLDER } from './tenant-template.js';

const TRACES_PATH = CODECS.traces.path;
/** A token that survives URL parsing unchanged (braces would be percent-encoded in the path). */
const MARKER = '__loopgate_tenant_placeholder__';

export interface OtlpHttpTarget {
  protocol: 'http:' | 'https:';
  /** `http://host:port` as the URL spells it (default port left out, IPv6 bracketed). */
  origin: string;
  /** Bare (an IPv6 literal without brackets), as node:http wants it. */
  hostname: string;
  port: string;
  /** `user:password` from the URL, decoded; undefined when the URL has none. */
  auth: string | undefined;
  /** Per signal: path and query to POST to, still holding `{tenant}` where the endpoint had it. */
  pathTemplates: Record<Signal, string>;
}

export type EndpointResult = { ok: true; value: OtlpHttpTarget } | { ok: false; error: string };

/** Messages never quote the endpoint: its user info may be a credential. */
export function parseOtlpHttpEndpoint(endpoint: string): EndpointResult {
  let url: URL;
  try {
    url = new URL(endpoint.split(TENANT_PLACEHOLDER).join(MARKER));
  } catch {
    return { ok: false, error: 'expected an http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: `expected an http:// or https:// URL, not ${url.protocol}` };
  }
  if ((url.host + url.username + url.password).includes(MARKER)) {
    return { ok: false, error: '{tenant} may appear only in the path or query, not in the host or user info' };
  }
  if (url.hash) return { ok: false, error: 'must not have a #fragment (it is never sent)' };
  let auth: string | undefined;
  try {
    auth = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  } catch {
    return { ok: false, error: 'the user info is not valid percent-encoding' };
  }
  let base = url.pathname;
  if (base.endsWith(TRACES_PATH)) base = base.slice(0, -TRACES_PATH.length);
  base = base.replace(/\/$/, '');
  const template = (signal: Signal): string => (base + CODECS[signal].path + url.search).split(MARKER).join(TENANT_PLACEHOLDER);
  return {
    ok: true,
    value: {
      protocol: url.protocol,
      origin: url.origin,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      auth,
      pathTemplates: Object.fromEntries(SIGNALS.map((s) => [s, template(s)])) as Record<Signal, string>,
    },
  };
}

/** What is wrong with one configured header, or undefined. Names the header only: values are often credentials. */
export function headerProblem(name: string, value: string): string | undefined {
  try {
    http.validateHeaderName(name);
  } catch {
    return `'${name}' is not a valid HTTP header name`;
  }
  try {
    http.validateHeaderValue(name, value);
  } catch {
    return `the value of header '${name}' has characters HTTP does not allow (such as a line break)`;
  }
  return undefined;
}
