/**
 * Metrics through the policy: not classified, but scanned with the policy's detectors (resource, scope,
 * metadata, data point attributes, exemplar attributes) and held to the tenant boundary; never stamped.
 */
import { describe, expect, it } from 'vitest';
import type { MetricsData, NumberDataPoint } from '../otlp/metrics-model.js';
import { str, type KeyValue } from '../otlp/model.js';
import { attrs, policyOf } from './test-helpers.js';

const EMAIL = 'jane.doe@example.com';

const p = policyOf({
  version: 1,
  detectors: { builtin: 'all' },
  actions: { entities: { PRIVATE_KEY: { action: 'drop_span' } } },
  rules: [{ id: 'spans', when: { always: true }, class: 'tenant-only' }],
});

const point = (a: KeyValue[]): NumberDataPoint => ({
  attributes: a,
  startTimeUnixNano: 1n,
  timeUnixNano: 2n,
  value: { kind: 'int', value: 5n },
  exemplars: [{ filteredAttributes: [{ key: 'user.email', value: str(EMAIL) }], timeUnixNano: 2n, value: { kind: 'double', value: 1 }, spanId: '', traceId: '' }],
  flags: 0,
});

function metrics(resource: Record<string, string>, points: NumberDataPoint[], name = `tokens for ${EMAIL}`): { signal: 'metrics'; data: MetricsData } {
  return {
    signal: 'metrics',
    data: {
      resourceMetrics: [
        {
          resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
          scopeMetrics: [
            {
              scope: { name: 'm', version: '', attributes: attrs({ owner: EMAIL }), droppedAttributesCount: 0 },
              metrics: [{ name, description: '', unit: '1', data: { kind: 'sum', dataPoints: points, aggregationTemporality: 2, isMonotonic: true }, metadata: attrs({ note: `ask ${EMAIL}` }) }],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    },
  };
}

describe('metrics through the policy', () => {
  it('redacts resource, scope, metadata, data point and exemplar attributes; leaves names, values and stamps alone', () => {
    const input = metrics({ 'tenant.id': 'acme', 'service.owner': EMAIL }, [point(attrs({ 'user.email': EMAIL, 'http.route': '/chat' }))]);
    const r = p.processSignal(input, {});
    expect(r.received).toBe(1);
    expect(r.outputs).toHaveLength(1);
    const out = r.outputs[0]!;
    expect(out).toMatchObject({ signal: 'metrics', class: undefined, tenant: 'acme', count: 1 });
    const text = JSON.stringify(out.data, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(text.match(new RegExp(EMAIL.replace('.', '\\.'), 'g'))).toEqual([EMAIL]); // only in the metric name
    expect(text).not.toContain('loopgate.');
    expect(r.redactionsByEntity).toEqual({ EMAIL_ADDRESS: 5 });
    const m = out.signal === 'metrics' ? out.data.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]! : undefined;
    expect(m?.name).toBe(`tokens for ${EMAIL}`);
    expect(m?.data.kind === 'sum' && m.data.dataPoints[0]!.value).toEqual({ kind: 'int', value: 5n });
    expect(JSON.stringify(input.data.resourceMetrics[0]!.resource.attributes)).toContain(EMAIL); // input untouched
  });

  it('refuses data points of another tenant than the token, and a data point naming one', () => {
    expect(p.processSignal(metrics({ 'tenant.id': 'globex' }, [point([]), point([])]), { authTenant: 'acme' }).rejected).toEqual({
      count: 2,
      reasons: { tenant_mismatch: 2 },
      message: '2 data point(s) rejected: the tenant named in the data differs from the authenticated tenant',
    });
    const r = p.processSignal(metrics({}, [point(attrs({ 'tenant.id': 'globex' })), point([])]), { authTenant: 'acme' });
    expect(r.rejected.count).toBe(1);
    expect(r.outputs.map((o) => [o.tenant, o.count])).toEqual([['acme', 1]]);
  });

  it('drops a data point a drop_span action fires on, and a metric whose points were all dropped', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    const r = p.processSignal(metrics({ 'tenant.id': 'acme' }, [point(attrs({ k: key }))]), {});
    expect(r.discarded).toEqual({ drop_span_action: 1 });
    expect(r.outputs.map((o) => o.count)).toEqual([0]);
    const out = r.outputs[0]!;
    expect(out.signal === 'metrics' && out.data.resourceMetrics[0]!.scopeMetrics[0]!.metrics).toEqual([]);
  });

  it('keeps accepted = exported + discarded + rejected', () => {
    const r = p.processSignal(metrics({ 'tenant.id': 'acme' }, [point([]), point(attrs({ 'tenant.id': 'x' })), point(attrs({ k: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }))]), {});
    const exported = r.outputs.reduce((n, o) => n + o.count, 0);
    const discarded = Object.values(r.discarded).reduce((n, v) => n + (v ?? 0), 0);
    expect([r.received, exported, discarded, r.rejected.count]).toEqual([3, 1, 1, 1]);
  });
});
