import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../yaml/index.js';
import { loadGatewayConfig, MAX_CONFIG_FILE_BYTES, parseGatewayConfig } from './load.js';
import { DEFAULTS, type GatewayConfig } from './types.js';

const FILE = '/etc/loopgate/loopgate.yaml';

function ok(text: string, env: Record<string, string> = {}): GatewayConfig {
  const r = parseGatewayConfig(text, FILE, { env });
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.config;
}

function errors(text: string, env: Record<string, string> = {}): string[] {
  const r = parseGatewayConfig(text, FILE, { env });
  if (r.ok) throw new Error('expected errors');
  return r.errors.map(formatDiagnostic);
}

const FULL = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 0.0.0.0:4318
        max_request_body_size: 512KiB
    auth:
      tokens:
        - token: \${env:ACME_TOKEN}
          tenant: acme
policy: policies/default.yaml
exporters:
  otlphttp/broad:
    endpoint: http://127.0.0.1:9101
    encoding: json
    headers: { authorization: "Bearer x" }
    timeout: 3s
    compression: none
    retry_on_failure: { enabled: true, initial_interval: 300ms, max_interval: 5s, max_elapsed_time: 1m }
    sending_queue: { num_consumers: 2, max_bytes: 8MiB }
  otlphttp/tenant:
    endpoint: http://tenant-store.internal:4318/{tenant}
  file/eval:
    path: ./data/eval-only.jsonl
routes:
  broad-use: [otlphttp/broad]
  tenant-only: [otlphttp/tenant]
  eval-only: [file/eval]
service:
  telemetry:
    metrics: { address: 127.0.0.1:0 }
    logs: { level: debug }
  shutdown_timeout: 10s
`;

describe('gateway config', () => {
  it('loads the design.md example with units parsed, env expanded and paths resolved', () => {
    const c = ok(FULL, { ACME_TOKEN: 'tok-1' });
    expect(c.receiver).toEqual({
      endpoint: { host: '0.0.0.0', port: 4318 },
      maxRequestBodyBytes: 512 * 1024,
      maxValueDepth: 64,
      maxInflightBodyBytes: 512 * 1024 * 1024,
      connections: DEFAULTS.connections,
      auth: { tokens: [{ token: 'tok-1', tenant: 'acme' }] },
    });
    expect(c.policyPath).toBe('/etc/loopgate/policies/default.yaml');
    expect(c.exporters).toEqual({
      'otlphttp/broad': {
        type: 'otlphttp',
        endpoint: 'http://127.0.0.1:9101',
        encoding: 'json',
        headers: { authorization: 'Bearer x' },
        timeoutMs: 3000,
        compression: 'none',
        retry: { enabled: true, initialIntervalMs: 300, maxIntervalMs: 5000, maxElapsedTimeMs: 60_000 },
        queue: { numConsumers: 2, maxBytes: 8 * 1024 * 1024 },
      },
      'otlphttp/tenant': { type: 'otlphttp', endpoint: 'http://tenant-store.internal:4318/{tenant}' },
      'file/eval': { type: 'file', path: '/etc/loopgate/data/eval-only.jsonl' },
    });
    // Bare routes are the span routes; logs and metrics are not served.
    expect(c.routes).toEqual({
      traces: {
        'broad-use': ['otlphttp/broad'],
        'tenant-only': ['otlphttp/tenant'],
        'eval-only': ['file/eval'],
      },
    });
    expect(c.service).toEqual({ metricsAddress: { host: '127.0.0.1', port: 0 }, logLevel: 'debug', shutdownTimeoutMs: 10_000, workerQueue: { maxWaitingPerWorker: 64, maxWaitMs: 5_000 } });
  });

  it('service.worker_queue sets how many requests wait for a policy worker, and how long', () => {
    const c = ok('policy: p.yaml\nservice:\n  workers: 2\n  worker_queue: { max_waiting_per_worker: 8, max_wait: 250ms }\n');
    expect(c.service.workerQueue).toEqual({ maxWaitingPerWorker: 8, maxWaitMs: 250 });
  });

  it('fills defaults for a minimal config', () => {
    const c = ok('policy: p.yaml\n');
    expect(c.receiver).toEqual({ endpoint: { host: '127.0.0.1', port: 4318 }, maxRequestBodyBytes: 20 * 1024 * 1024, maxValueDepth: 64, maxInflightBodyBytes: 512 * 1024 * 1024, connections: DEFAULTS.connections });
    expect(c.exporters).toEqual({});
    expect(c.routes).toEqual({ traces: {} });
    expect(c.service).toEqual({ metricsAddress: { host: '127.0.0.1', port: 8888 }, logLevel: 'info', shutdownTimeoutMs: 30_000, workerQueue: { maxWaitingPerWorker: 64, maxWaitMs: 5_000 } });
  });

  it('names an unset environment variable where it is used', () => {
    expect(errors(FULL)).toEqual([
      `${FILE}:10:18: receivers.otlp.auth.tokens[0].token: environment variable 'ACME_TOKEN' is not set`,
    ]);
  });

  it('refuses a route to an exporter that does not exist, at the list item', () => {
    const text = 'policy: p.yaml\nexporters:\n  file/a:\n    path: a.jsonl\nroutes:\n  broad-use: [file/a, file/b]\n';
    expect(errors(text)).toEqual([`${FILE}:6:23: routes.broad-use[1]: unknown exporter 'file/b'; defined exporters: file/a`]);
  });

  it('serves OTLP/gRPC when protocols.grpc is present, even empty, on 127.0.0.1:4317 by default', () => {
    expect(ok('policy: p.yaml\n').receiver.grpc).toBeUndefined();
    expect(ok('policy: p.yaml\nreceivers:\n  otlp:\n    protocols:\n      grpc:\n').receiver.grpc).toEqual({ endpoint: { host: '127.0.0.1', port: 4317 }, maxRequestBodyBytes: 20 * 1024 * 1024, connections: DEFAULTS.grpcConnections });
    expect(ok('policy: p.yaml\nreceivers: { otlp: { protocols: { grpc: { endpoint: 0.0.0.0:14317, max_request_body_size: 4MiB } } } }\n').receiver.grpc).toEqual({ endpoint: { host: '0.0.0.0', port: 14317 }, maxRequestBodyBytes: 4 * 1024 * 1024, connections: DEFAULTS.grpcConnections });
    // The Collector's keys, each to its bound; the age only when written.
    const keys = 'grpc: { max_connections: 8, max_concurrent_streams: 16, keepalive: { server_parameters: { max_connection_idle: 1m, max_connection_age: 1h, max_connection_age_grace: 30s, time: 30s, timeout: 5s }, enforcement_policy: { min_time: 10s, permit_without_stream: true } } }';
    expect(ok(`policy: p.yaml\nreceivers: { otlp: { protocols: { ${keys} } } }\n`).receiver.grpc?.connections).toEqual({
      maxConnections: 8,
      maxConcurrentStreams: 16,
      maxConnectionIdleMs: 60_000,
      maxConnectionAgeMs: 3_600_000,
      maxConnectionAgeGraceMs: 30_000,
      keepaliveTimeMs: 30_000,
      keepaliveTimeoutMs: 5000,
      minPingIntervalMs: 10_000,
      permitPingsWithoutStream: true,
    });
    expect(errors('policy: p.yaml\nreceivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:5000 }, grpc: { endpoint: 127.0.0.1:5000 } } } }\n')[0]).toMatch(/receivers\.otlp\.protocols\.grpc\.endpoint: port 5000 is already taken by receivers\.otlp\.protocols\.http\.endpoint/);
    expect(errors('policy: p.yaml\nreceivers: { otlp: { protocols: { grpc: { max_recv_msg_size_mib: 4 } } } }\n')[0]).toMatch(/unknown key 'max_recv_msg_size_mib'; expected one of endpoint, max_request_body_size, max_connections, max_concurrent_streams, keepalive/);
  });

  it('maps an otlp (gRPC) exporter: endpoint, TLS files resolved against the config folder, metadata, timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-otlp-'));
    await writeFile(join(dir, 'ca.pem'), 'pem');
    const file = join(dir, 'loopgate.yaml');
    const r = parseGatewayConfig(
      ['policy: p.yaml', 'exporters:', '  otlp/tempo:', '    endpoint: tempo:4317', '    tls: { ca_file: ca.pem, server_name_override: tempo.internal }', "    headers: { X-Scope-OrgID: '{tenant}' }", '    timeout: 2s', '    compression: none', 'routes:', '  traces: { tenant-only: [otlp/tempo] }'].join('\n'),
      file,
      { env: {} },
    );
    if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
    expect(r.config.exporters['otlp/tempo']).toEqual({
      type: 'otlp',
      endpoint: 'tempo:4317',
      tls: { caFile: join(dir, 'ca.pem'), serverNameOverride: 'tempo.internal' },
      headers: { 'X-Scope-OrgID': '{tenant}' },
      timeoutMs: 2000,
      compression: 'none',
    });
  });

  it('reads routes per signal: traces and logs by class, metrics as one list; a signal not named is not served', () => {
    const text = [
      'policy: p.yaml',
      'exporters:',
      '  file/a: { path: a.jsonl }',
      '  file/m: { path: m.jsonl }',
      'routes:',
      '  traces: { broad-use: [file/a] }',
      '  logs: { tenant-only: [file/a, file/a] }',
      '  metrics: [file/m]',
      '',
    ].join('\n');
    expect(ok(text).routes).toEqual({ traces: { 'broad-use': ['file/a'] }, logs: { 'tenant-only': ['file/a'] }, metrics: ['file/m'] });
    expect(ok('policy: p.yaml\nexporters: { file/a: { path: a } }\nroutes:\n  logs: { eval-only: [file/a] }\n').routes).toEqual({ logs: { 'eval-only': ['file/a'] } });
  });

  it('refuses mixing the bare and the per-signal forms, at the bare key', () => {
    const text = 'policy: p.yaml\nexporters: { file/a: { path: a } }\nroutes:\n  logs: { broad-use: [file/a] }\n  broad-use: [file/a]\n';
    expect(errors(text)).toEqual([`${FILE}:5:14: routes.broad-use: 'broad-use' beside 'logs': with routes per signal, span routes go under 'traces' (routes.traces.broad-use)`]);
  });

  it('names the per-signal key of an unknown exporter, and refuses classes under metrics', () => {
    const text = 'policy: p.yaml\nexporters: { file/a: { path: a } }\nroutes:\n  logs: { tenant-only: [file/a, file/zz] }\n  metrics: [file/yy]\n';
    expect(errors(text)).toEqual([
      `${FILE}:4:33: routes.logs.tenant-only[1]: unknown exporter 'file/zz'; defined exporters: file/a`,
      `${FILE}:5:13: routes.metrics[0]: unknown exporter 'file/yy'; defined exporters: file/a`,
    ]);
    expect(errors('policy: p.yaml\nroutes:\n  metrics: { broad-use: [] }\n')[0]).toMatch(/:3:12: routes\.metrics: /);
    expect(errors('policy: p.yaml\nroutes:\n  logs: { discard: [] }\n')[0]).toMatch(/routes\.logs: unknown key 'discard'; expected one of broad-use, tenant-only, eval-only/);
  });

  it('refuses unknown keys at their position, inside exporters too', () => {
    const text = [
      'policy: p.yaml',
      'recievers: {}',
      'exporters:',
      '  otlphttp/x:',
      '    endpoint: http://h:1',
      '    retry_on_failure:',
      '      enabled: true',
      '      max_retries: 3',
    ].join('\n');
    const e = errors(text);
    expect(e).toHaveLength(2);
    expect(e[0]).toMatch(new RegExp(`^${FILE}:2:1: \\(root\\): unknown key 'recievers'; expected one of receivers, policy`));
    expect(e[1]).toMatch(new RegExp(`^${FILE}:8:7: .*retry_on_failure.*unknown key 'max_retries'`));
  });

  it('refuses bad units, endpoints, encodings and exporter types with positions', () => {
    const text = [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      '        endpoint: localhost',
      '        max_request_body_size: 20 MiBs',
      'policy: p.yaml',
      'exporters:',
      '  otlphttp/x:',
      '    endpoint: ftp://h',
      '    encoding: xml',
      '    timeout: 10',
      '  kafka/y: {}',
      'service:',
      '  shutdown_timeout: soon',
    ].join('\n');
    const e = errors(text);
    expect(e).toEqual([
      expect.stringMatching(/:5:19: receivers\.otlp\.protocols\.http\.endpoint: expected host:port/),
      expect.stringMatching(/:6:32: .*max_request_body_size: expected a size/),
      expect.stringMatching(/:10:15: exporters\["otlphttp\/x"\]\.endpoint: expected an http:\/\/ or https:\/\/ URL/),
      expect.stringMatching(/:11:15: exporters\["otlphttp\/x"\]\.encoding: expected one of "protobuf", "json"/),
      expect.stringMatching(/:12:14: exporters\["otlphttp\/x"\]\.timeout: expected a duration with a unit .*, got the bare number 10/),
      expect.stringMatching(/:13:12: exporters\["kafka\/y"\]: exporter id 'kafka\/y' must be <type> or <type>\/<name>/),
      expect.stringMatching(/:15:21: service\.shutdown_timeout: expected a duration/),
    ]);
  });

  it('reads a persistent queue: storage resolved against the config folder', () => {
    const c = ok('policy: p.yaml\nexporters:\n  file/a:\n    path: a.jsonl\n    sending_queue: { storage: ./queue, fsync: false, max_bytes: 1MiB }\n');
    expect(c.exporters['file/a']).toMatchObject({ queue: { storage: join(dirname(FILE), 'queue'), fsync: false, maxBytes: 1024 * 1024 } });
    // The mistakes (an empty folder, fsync without storage) are pinned in testdata/bad/queue-storage.yaml.
  });

  it('refuses a class that is not exportable in routes', () => {
    expect(errors('policy: p.yaml\nroutes:\n  discard: []\n')[0]).toMatch(/:3:3: routes: unknown key 'discard'; expected one of broad-use, tenant-only, eval-only/);
  });

  it('refuses auth with no tokens and duplicate tokens without echoing them', () => {
    expect(errors('receivers:\n  otlp:\n    auth:\n      tokens: []\npolicy: p\n')[0]).toMatch(/tokens: auth needs at least one token/);
    const dup = errors('receivers:\n  otlp:\n    auth:\n      tokens:\n        - {token: s3cret, tenant: a}\n        - {token: s3cret, tenant: b}\npolicy: p\n');
    expect(dup).toEqual([expect.stringMatching(/:6:19: receivers\.otlp\.auth\.tokens\[1\]\.token: the same token is listed twice/)]);
    expect(dup[0]).not.toContain('s3cret');
  });

  it('reads cap_store.redis with env expansion, defaults and TLS paths resolved; unset keeps caps in memory', () => {
    expect(ok('policy: p.yaml\n').capStore).toBeUndefined();
    const text = [
      'policy: p.yaml',
      'cap_store:',
      '  redis:',
      '    endpoint: ${env:REDIS_ADDR}',
      '    password: ${env:REDIS_PASSWORD}',
      '    db: ${env:REDIS_DB}',
      '    tls: { ca_file: certs/ca.pem, server_name_override: redis.internal }',
      '    key_prefix: "prod:caps:"',
      '    timeout: 250ms',
      '    on_unavailable: open',
      '',
    ].join('\n');
    expect(ok(text, { REDIS_ADDR: 'redis.internal:6380', REDIS_PASSWORD: 'pw', REDIS_DB: '2' }).capStore).toEqual({
      redis: {
        host: 'redis.internal',
        port: 6380,
        password: 'pw',
        db: 2,
        tls: { caFile: '/etc/loopgate/certs/ca.pem', insecureSkipVerify: false, serverName: 'redis.internal' },
        keyPrefix: 'prod:caps:',
        timeoutMs: 250,
        onUnavailable: 'open',
      },
    });
    expect(ok('policy: p.yaml\ncap_store: { redis: { endpoint: "127.0.0.1:6379" } }\n').capStore).toEqual({
      redis: { host: '127.0.0.1', port: 6379, db: 0, keyPrefix: 'loopgate:cap:', timeoutMs: 500, onUnavailable: 'closed' },
    });
  });

  it('reads a file from disk and reports a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgate-config-'));
    await writeFile(join(dir, 'loopgate.yaml'), 'policy: policies/p.yaml\n');
    const r = await loadGatewayConfig(join(dir, 'loopgate.yaml'), { env: {} });
    expect(r.ok && r.config.policyPath).toBe(join(dir, 'policies/p.yaml'));
    const missing = await loadGatewayConfig(join(dir, 'nope.yaml'), { env: {} });
    expect(!missing.ok && missing.errors.map(formatDiagnostic)).toEqual([`${join(dir, 'nope.yaml')}:1:1: config file not found`]);
  });
});

describe('reading the config file', () => {
  it('refuses a device, a FIFO and an oversized file with a clear line, never hanging or growing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-config-read-'));
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(MAX_CONFIG_FILE_BYTES)}\n`);
    const messageOf = async (p: string) => {
      const r = await loadGatewayConfig(p);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.errors[0]!.message;
    };
    expect(await messageOf('/dev/zero')).toBe('cannot read config file: not a regular file (a device, FIFO, socket or folder)');
    expect(await messageOf(fifo)).toBe('cannot read config file: not a regular file (a device, FIFO, socket or folder)');
    expect(await messageOf(big)).toBe(`config file is larger than ${MAX_CONFIG_FILE_BYTES} bytes (a config limit)`);
    expect(await messageOf(join(dir, 'missing.yaml'))).toBe('config file not found');
  });
});
