import { afterEach, describe, expect, it } from 'vitest';
import { createTelemetry } from './metrics.js';
import { startTelemetryServer, type TelemetryServer } from './health.js';

describe('telemetry server', () => {
  let server: TelemetryServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /metrics with the gateway counters, gauges and policy info', async () => {
    const telemetry = createTelemetry();
    const m = telemetry.metrics;
    m.spansReceived(7);
    m.spansRejected(2, 'tenant_mismatch');
    m.spansDiscarded(1, 'no_rule_matched');
    m.spansRouted(4, 'broad-use', 'file/broad');
    m.spansRefusedQueueFull(3, 'otlphttp/x');
    m.spansExported(4, 'file/broad');
    m.spansExportFailed(1, 'otlphttp/x', 'retries_exhausted');
    m.exportRetries('otlphttp/x');
    m.redactions(5, 'EMAIL_ADDRESS');
    m.requests(200, 'protobuf');
    m.observeQueue('file/broad', () => ({ bytes: 10, items: 1, capacityBytes: 1024 }));
    m.policyLoaded('abc123', 'success');
    server = await startTelemetryServer({
      address: { host: '127.0.0.1', port: 0 },
      handleMetricsRequest: telemetry.handleMetricsRequest,
      onAcceptError: () => {},
      readiness: { notReadyReason: () => undefined },
    });
    const body = await (await fetch(`${server.url}/metrics`)).text();
    expect(body).toContain('loopgate_spans_received_total 7');
    expect(body).toContain('loopgate_spans_rejected_total{reason="tenant_mismatch"} 2');
    expect(body).toContain('loopgate_spans_discarded_total{reason="no_rule_matched"} 1');
    expect(body).toContain('loopgate_spans_routed_total{class="broad-use",exporter="file/broad"} 4');
    expect(body).toContain('loopgate_spans_refused_queue_full_total{exporter="otlphttp/x"} 3');
    expect(body).toContain('loopgate_spans_exported_total{exporter="file/broad"} 4');
    expect(body).toContain('loopgate_spans_export_failed_total{exporter="otlphttp/x",reason="retries_exhausted"} 1');
    expect(body).toContain('loopgate_export_retries_total{exporter="otlphttp/x"} 1');
    expect(body).toContain('loopgate_redactions_total{entity="EMAIL_ADDRESS"} 5');
    expect(body).toContain('loopgate_http_requests_total{status="200",encoding="protobuf"} 1');
    expect(body).toContain('loopgate_queue_bytes{exporter="file/broad"} 10');
    expect(body).toContain('loopgate_queue_capacity_bytes{exporter="file/broad"} 1024');
    expect(body).toContain('loopgate_policy_info{version="abc123"} 1');
    expect(body).toContain('loopgate_policy_reloads_total{outcome="success"} 1');
    await telemetry.shutdown();
  });

  it('answers /healthz always and /readyz by the readiness probe', async () => {
    let reason: string | undefined = 'policy not loaded';
    const telemetry = createTelemetry();
    server = await startTelemetryServer({
      address: { host: '127.0.0.1', port: 0 },
      handleMetricsRequest: telemetry.handleMetricsRequest,
      onAcceptError: () => {},
      readiness: { notReadyReason: () => reason },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('policy not loaded');
    reason = undefined;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await telemetry.shutdown();
  });
});
