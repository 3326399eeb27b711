/**
 * A running gateway for the interop suites, configured as a user would write it (YAML through the real
 * loader): free loopback ports, a shipped policy, optional bearer-token auth, and the given exporters
 * and routes. Its logs are silenced; what it exports is what the suites inspect.
 */
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../src/gateway/start.js';
import type { ExportClass } from '../../src/policy/types.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { REPO_ROOT } from './fixture-paths.js';
import { gatewayConfig } from './gateway-config.js';

export interface InteropGatewayOptions {
  /** A policy under policies/, e.g. `examples/redact-all.yaml`. */
  policy: string;
  /** When given, every request needs this bearer token, which names the tenant. */
  auth?: { token: string; tenant: string };
  /** Exporter sections as YAML flow mappings, by id: `{ 'otlphttp/a': '{ endpoint: "http://…" }' }`. */
  exporters: Record<string, string>;
  /** Bare class routes (traces only), or routes per signal. */
  routes: Partial<Record<ExportClass, readonly string[]>> | SignalRoutes;
  /** Serve OTLP/gRPC too (on a free port: RunningGateway.grpcAddress). */
  grpc?: boolean;
}

export interface SignalRoutes {
  traces?: Partial<Record<ExportClass, readonly string[]>>;
  logs?: Partial<Record<ExportClass, readonly string[]>>;
  metrics?: readonly string[];
}

const isSignalRoutes = (r: InteropGatewayOptions['routes']): r is SignalRoutes => 'traces' in r || 'logs' in r || 'metrics' in r;
const flow = (r: Partial<Record<ExportClass, readonly string[]>>): string => `{ ${Object.entries(r).map(([cls, ids]) => `${cls}: [${ids!.join(', ')}]`).join(', ')} }`;

function routeLines(r: InteropGatewayOptions['routes']): string[] {
  if (!isSignalRoutes(r)) return Object.entries(r).map(([cls, ids]) => `  ${cls}: [${ids!.join(', ')}]`);
  return [
    ...(r.traces ? [`  traces: ${flow(r.traces)}`] : []),
    ...(r.logs ? [`  logs: ${flow(r.logs)}`] : []),
    ...(r.metrics ? [`  metrics: [${r.metrics.join(', ')}]`] : []),
  ];
}

export function startInteropGateway(o: InteropGatewayOptions): Promise<RunningGateway> {
  const text = [
    'receivers:',
    '  otlp:',
    `    protocols: { http: { endpoint: "127.0.0.1:0" }${o.grpc ? ', grpc: { endpoint: "127.0.0.1:0" }' : ''} }`,
    ...(o.auth ? [`    auth: { tokens: [ { token: ${o.auth.token}, tenant: ${o.auth.tenant} } ] }`] : []),
    `policy: ${JSON.stringify(join(REPO_ROOT, 'policies', o.policy))}`,
    'exporters:',
    ...Object.entries(o.exporters).map(([id, section]) => `  ${id}: ${section}`),
    'routes:',
    ...routeLines(o.routes),
    'service: { telemetry: { metrics: { address: "127.0.0.1:0" } } }',
    '',
  ].join('\n');
  return startGateway(gatewayConfig(text, join(REPO_ROOT, 'loopgate.interop.yaml')), { env: {}, logger: createLogger({ level: 'silent' }) });
}
