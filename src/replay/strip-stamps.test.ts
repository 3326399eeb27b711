import { describe, expect, it } from 'vitest';
import { batch, span } from '../policy/test-helpers.js';
import { stripStamps } from './strip-stamps.js';

describe('stripStamps', () => {
  it('removes loopgate.* span attributes and leaves the input untouched', () => {
    const stamped = span({ attrs: { 'gen_ai.system': 'openai', 'loopgate.class': 'broad-use', 'loopgate.rule': 'r', 'loopgate.redactions': 2 } });
    const clean = span({ attrs: { 'gen_ai.system': 'openai' } });
    const data = batch({ 'tenant.id': 'acme' }, stamped, clean);
    const out = stripStamps(data);
    const spans = out.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans[0]!.attributes.map((a) => a.key)).toEqual(['gen_ai.system']);
    expect(spans[1]).toBe(clean); // shared, not copied
    expect(stamped.attributes).toHaveLength(4);
  });

  it('returns the same object when nothing is stamped', () => {
    const data = batch({}, span({ attrs: { a: 'b' } }));
    expect(stripStamps(data)).toBe(data);
  });
});
