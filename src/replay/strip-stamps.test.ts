import { describe, expect, it } from 'vitest';
import { newLogRecord } from '../otlp/logs-model.js';
import { emptyResource, emptyScope, str } from '../otlp/model.js';
import { batch, span } from '../policy/test-helpers.js';
import { stripStamps } from './strip-stamps.js';

describe('stripStamps', () => {
  it('removes loopgate.* span attributes and leaves the input untouched', () => {
    const stamped = span({ attrs: { 'gen_ai.system': 'openai', 'loopgate.class': 'broad-use', 'loopgate.rule': 'r', 'loopgate.redactions': 2 } });
    const clean = span({ attrs: { 'gen_ai.system': 'openai' } });
    const data = batch({ 'tenant.id': 'acme' }, stamped, clean);
    const out = stripStamps({ signal: 'traces', data });
    if (out.signal !== 'traces') throw new Error('traces in, traces out');
    const spans = out.data.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans[0]!.attributes.map((a) => a.key)).toEqual(['gen_ai.system']);
    expect(spans[1]).toBe(clean); // shared, not copied
    expect(stamped.attributes).toHaveLength(4);
  });

  it('returns the same object when nothing is stamped', () => {
    const request = { signal: 'traces' as const, data: batch({}, span({ attrs: { a: 'b' } })) };
    expect(stripStamps(request)).toBe(request);
  });

  it('removes loopgate.* log record attributes, sharing the records it leaves alone', () => {
    const stamped = newLogRecord({ eventName: 'gen_ai.choice', attributes: [{ key: 'loopgate.class', value: str('tenant-only') }, { key: 'gen_ai.system', value: str('openai') }] });
    const clean = newLogRecord({ eventName: 'gen_ai.user.message' });
    const data = { resourceLogs: [{ resource: emptyResource(), schemaUrl: '', scopeLogs: [{ scope: emptyScope(), schemaUrl: '', logRecords: [stamped, clean] }] }] };
    const out = stripStamps({ signal: 'logs', data });
    if (out.signal !== 'logs') throw new Error('logs in, logs out');
    const records = out.data.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(records[0]!.attributes.map((a) => a.key)).toEqual(['gen_ai.system']);
    expect(records[1]).toBe(clean);
    expect(stamped.attributes).toHaveLength(2);
  });
});
