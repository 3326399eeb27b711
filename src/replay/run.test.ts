import { describe, expect, it } from 'vitest';
import type { TracesData } from '../otlp/model.js';
import type { SignalRequest } from '../otlp/signal.js';
import { batch, policyOf, span } from '../policy/test-helpers.js';
import { formatReplayText } from './format-text.js';
import { replayRequests } from './run.js';

const traces = (...args: Parameters<typeof batch>): SignalRequest => ({ signal: 'traces', data: batch(...args) as TracesData });

const tenants = { contracts: { acme: { broad_use: true, eval: true } } };

const baseline = policyOf({
  version: 1,
  detectors: { builtin: ['EMAIL_ADDRESS'] },
  tenants,
  rules: [
    { id: 'errors-to-eval', when: { status: 'error' }, class: 'eval-only' },
    { id: 'clean-broad', when: { not: { detected: { any: true } } }, class: 'broad-use' },
    { id: 'rest-tenant', when: { always: true }, class: 'tenant-only' },
  ],
});

// The change under review: IBANs are now detected, and anything with PII stays out of broad use and is
// dropped rather than kept for the tenant.
const candidate = policyOf({
  version: 1,
  detectors: { builtin: ['EMAIL_ADDRESS', 'IBAN_CODE'] },
  tenants,
  rules: [
    { id: 'errors-to-eval', when: { status: 'error' }, class: 'eval-only' },
    { id: 'clean-broad', when: { not: { detected: { any: true } } }, class: 'broad-use' },
    { id: 'pii-out', when: { detected: { any: true } }, class: 'discard' },
  ],
});

const IBAN = 'DE89370400440532013000';

function corpus() {
  return [
    {
      origin: 'traffic.jsonl:1',
      request: traces(
        { 'tenant.id': 'acme' },
        span({ name: 'chat', attrs: { prompt: 'what is the weather' } }),
        span({ name: 'chat', attrs: { prompt: `pay to ${IBAN}` } }),
        span({ name: 'chat', attrs: { prompt: 'mail me at jane@example.com' } }),
      ),
    },
    {
      origin: 'traffic.jsonl:2',
      request: traces(
        { 'tenant.id': 'acme' },
        // Already exported once: its old stamps must not influence the replay.
        span({ name: 'chat', attrs: { prompt: 'hello', 'loopgate.class': 'tenant-only', 'loopgate.rule': 'rest-tenant' } }),
        span({ name: 'chat', status: { code: 2, message: '' }, attrs: { prompt: `IBAN ${IBAN}` } }),
      ),
    },
  ];
}

describe('replayRequests', () => {
  const report = replayRequests(corpus(), { baseline, candidate });

  it('reports the class matrix', () => {
    expect(report).toMatchObject({ requests: 2, spans: 5, changed: 2, unpaired: 0 });
    expect(report.baselineVersion).toBe(baseline.version);
    expect(report.candidateVersion).toBe(candidate.version);
    expect(report.classes).toEqual([
      { from: 'broad-use', to: 'broad-use', count: 2 },
      { from: 'broad-use', to: 'discard', count: 1 }, // the IBAN span was clean before
      { from: 'tenant-only', to: 'discard', count: 1 }, // the e-mail span
      { from: 'eval-only', to: 'eval-only', count: 1 },
    ]);
  });

  it('breaks changes down by deciding rule', () => {
    expect(report.rules).toEqual([
      { from: { outcome: 'broad-use', decider: 'clean-broad' }, to: { outcome: 'discard', decider: 'pii-out' }, count: 1 },
      { from: { outcome: 'tenant-only', decider: 'rest-tenant' }, to: { outcome: 'discard', decider: 'pii-out' }, count: 1 },
    ]);
  });

  it('counts redactions per entity on both sides', () => {
    expect(report.redactions).toEqual([
      { entity: 'EMAIL_ADDRESS', baseline: 1, candidate: 1, delta: 0 },
      { entity: 'IBAN_CODE', baseline: 0, candidate: 2, delta: 2 },
    ]);
  });

  it('lists newly dropped spans with where they came from, and no newly exported ones', () => {
    expect(report.newlyDropped.count).toBe(2);
    expect(report.newlyDropped.by).toEqual([{ key: 'rule', count: 2 }]);
    expect(report.newlyDropped.examples.map((e) => e.origin)).toEqual(['traffic.jsonl:1', 'traffic.jsonl:1']);
    expect(report.newlyExported.count).toBe(0);
  });

  it('prints a text report that holds counts and ids, never a detected value', () => {
    const text = formatReplayText(report);
    expect(text).toContain(`Replay: baseline ${baseline.version} → candidate ${candidate.version}`);
    expect(text).toContain('2 requests, 5 spans; outcome or deciding rule changed for 2 spans (40.0%)');
    expect(text).toMatch(/IBAN_CODE\s+0\s+2\s+\+2/);
    expect(text).toMatch(/1\s+broad-use by clean-broad\s+→\s+discard by pii-out/);
    expect(text).toContain('Newly dropped (exported by baseline, discarded or rejected by candidate): 2 spans');
    expect(text).not.toContain(IBAN);
    expect(text).not.toContain('jane@example.com');
  });

  it('is all zeros when a policy is compared with itself', () => {
    const same = replayRequests(corpus(), { baseline, candidate: baseline });
    expect(same.changed).toBe(0);
    expect(same.rules).toEqual([]);
    expect(same.redactions.every((e) => e.delta === 0)).toBe(true);
  });
});
