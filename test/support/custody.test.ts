import { describe, expect, it } from 'vitest';
import { int, newSpan, str } from '../../src/otlp/model.js';
import { custodyProblems, redactionsOf } from './custody.js';

const stamped = (cls: string, redactions: number) =>
  newSpan({
    spanId: '00000000000000a1',
    name: 'chat',
    attributes: [
      { key: 'loopgate.class', value: str(cls) },
      { key: 'loopgate.rule', value: str('r1') },
      { key: 'loopgate.policy.version', value: str('v1') },
      { key: 'loopgate.redactions', value: int(redactions) },
    ],
  });

describe('custody checks', () => {
  it('passes a fully stamped span and sums redactions', () => {
    expect(custodyProblems([stamped('broad-use', 2)], { class: 'broad-use', rule: 'r1', policyVersion: 'v1' })).toEqual([]);
    expect(redactionsOf([stamped('broad-use', 2), stamped('broad-use', 3)])).toBe(5);
  });

  it('names each missing or unexpected stamp', () => {
    expect(custodyProblems([newSpan({ spanId: '00000000000000b2', name: 'bare' })])).toEqual([
      'span 00000000000000b2 (bare): no loopgate.class',
      'span 00000000000000b2 (bare): no loopgate.rule',
      'span 00000000000000b2 (bare): no loopgate.policy.version',
      'span 00000000000000b2 (bare): no loopgate.redactions',
    ]);
    expect(custodyProblems([stamped('tenant-only', 0)], { class: 'broad-use' })).toEqual([
      "span 00000000000000a1 (chat): loopgate.class is 'tenant-only', expected 'broad-use'",
    ]);
  });
});
