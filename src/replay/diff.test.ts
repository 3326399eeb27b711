import { describe, expect, it } from 'vitest';
import type { SpanDecision } from '../policy/types.js';
import { deciderOf, ReplayDiff } from './diff.js';

function decision(spanId: string, fields: Partial<SpanDecision> = {}): SpanDecision {
  return {
    signal: 'traces',
    traceId: 't1',
    spanId,
    name: 'chat',
    tenant: 'acme',
    tenantSource: 'resource',
    classification: 'broad-use',
    rule: 'clean',
    reason: "rule 'clean' matched (always)",
    sampling: { sampled: true, reason: 'kept: sampling rate 1' },
    redactions: [],
    ...fields,
  };
}

const email = { entity: 'EMAIL_ADDRESS', detector: 'email', action: 'replace' as const, location: { field: 'span.name' }, replacement: '<EMAIL_ADDRESS>' };
const iban = { ...email, entity: 'IBAN_CODE', detector: 'iban', replacement: '<IBAN_CODE>' };

describe('ReplayDiff', () => {
  it('counts class moves, rule moves, redactions and reasons', () => {
    const diff = new ReplayDiff('old', 'new');
    diff.add(
      'a.jsonl:1',
      [
        decision('1'),
        decision('2', { redactions: [email] }),
        decision('3', { classification: 'discard', rule: '', discardReason: 'no_rule_matched' }),
        decision('4', { classification: 'discard', rule: '', rejectReason: 'tenant_mismatch' }),
      ],
      [
        decision('1'),
        decision('2', { classification: 'discard', rule: 'has-pii', discardReason: 'rule', redactions: [email, iban] }),
        decision('3', { classification: 'eval-only', rule: 'errors' }),
        decision('4', { classification: 'discard', rule: '', rejectReason: 'tenant_mismatch' }),
      ],
    );
    const r = diff.report();
    expect(r).toMatchObject({ baselineVersion: 'old', candidateVersion: 'new', requests: 1, spans: 4, changed: 2, unpaired: 0 });
    expect(r.classes).toEqual([
      { from: 'broad-use', to: 'broad-use', count: 1 },
      { from: 'broad-use', to: 'discard', count: 1 },
      { from: 'discard', to: 'eval-only', count: 1 },
      { from: 'rejected', to: 'rejected', count: 1 },
    ]);
    expect(r.totals.find((t) => t.outcome === 'broad-use')).toEqual({ outcome: 'broad-use', baseline: 2, candidate: 1, delta: -1 });
    expect(r.rules).toEqual([
      { from: { outcome: 'broad-use', decider: 'clean' }, to: { outcome: 'discard', decider: 'has-pii' }, count: 1 },
      { from: { outcome: 'discard', decider: '(no_rule_matched)' }, to: { outcome: 'eval-only', decider: 'errors' }, count: 1 },
    ]);
    expect(r.redactions).toEqual([
      { entity: 'EMAIL_ADDRESS', baseline: 1, candidate: 1, delta: 0 },
      { entity: 'IBAN_CODE', baseline: 0, candidate: 1, delta: 1 },
    ]);
    expect(r.reasons).toEqual([
      { reason: 'no_rule_matched', baseline: 1, candidate: 0, delta: -1 },
      { reason: 'rule', baseline: 0, candidate: 1, delta: 1 },
      { reason: 'tenant_mismatch', baseline: 1, candidate: 1, delta: 0 },
    ]);
    expect(r.newlyDropped.count).toBe(1);
    expect(r.newlyDropped.by).toEqual([{ key: 'rule', count: 1 }]);
    expect(r.newlyDropped.examples[0]).toMatchObject({ origin: 'a.jsonl:1', spanId: '2', name: 'chat' });
    expect(r.newlyExported).toMatchObject({ count: 1, by: [{ key: 'eval-only', count: 1 }] });
  });

  it('counts a span whose class stays but whose deciding rule changes as changed, not dropped', () => {
    const diff = new ReplayDiff('a', 'b');
    diff.add('x', [decision('1', { rule: 'old-rule' })], [decision('1', { rule: 'new-rule' })]);
    const r = diff.report();
    expect(r.changed).toBe(1);
    expect(r.rules).toHaveLength(1);
    expect(r.newlyDropped.count + r.newlyExported.count).toBe(0);
  });

  it('never pairs decisions of different spans, and keeps only the configured number of examples', () => {
    const diff = new ReplayDiff('a', 'b', { maxExamples: 1 });
    diff.add('x', [decision('1'), decision('2')], [decision('1')]);
    diff.add('y', [decision('3'), decision('4')], [decision('9'), decision('4', { classification: 'discard', rule: '', discardReason: 'no_rule_matched' })]);
    diff.add('z', [decision('5')], [decision('5', { classification: 'discard', rule: 'r', discardReason: 'sampled_out' })]);
    const r = diff.report();
    expect(r.unpaired).toBe(2);
    expect(r.spans).toBe(3);
    expect(r.newlyDropped.count).toBe(2);
    expect(r.newlyDropped.examples).toHaveLength(1);
  });

  it('hides the span name when the two policies redacted it differently', () => {
    const diff = new ReplayDiff('a', 'b');
    diff.add('x', [decision('1', { name: 'mail <EMAIL_ADDRESS>' })], [decision('1', { name: 'mail someone', classification: 'discard', rule: '', discardReason: 'no_rule_matched' })]);
    expect(diff.report().newlyDropped.examples[0]!.name).toBeUndefined();
  });
});

describe('deciderOf', () => {
  it.each([
    [{ rule: 'r1' }, 'r1'],
    [{ rule: 'r1', classification: 'discard', discardReason: 'rule' }, 'r1'],
    [{ rule: 'r1', classification: 'discard', discardReason: 'sampled_out' }, 'r1 (sampled_out)'],
    [{ rule: '', classification: 'discard', discardReason: 'no_rule_matched' }, '(no_rule_matched)'],
    [{ rule: '', classification: 'discard', rejectReason: 'tenant_missing' }, '(tenant_missing)'],
  ] as [Partial<SpanDecision>, string][])('%o → %s', (fields, expected) => {
    expect(deciderOf(decision('1', fields))).toBe(expected);
  });
});
