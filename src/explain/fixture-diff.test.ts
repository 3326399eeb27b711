import { describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../otlp/encode-json.js';
import { encodeLogsJson } from '../otlp/encode-logs-json.js';
import { newLogRecord } from '../otlp/logs-model.js';
import { batch, span } from '../policy/test-helpers.js';
import { spanContext, unifiedDiff } from './fixture-diff.js';

const pretty = (s: string): string => `${JSON.stringify(JSON.parse(s), null, 2)}\n`;
const L = { expected: 'expected/broad-use.json', actual: 'actual broad-use' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', L)).toBe('');
  });

  it('prints unified hunks with line ranges and context', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11'].join('\n');
    expect(unifiedDiff(a, b, L, { context: 1 })).toBe(
      ['--- expected/broad-use.json', '+++ actual broad-use', '@@ -4,3 +4,3 @@', ' 4', '-5', '+five', ' 6', '@@ -10,1 +10,2 @@', ' 10', '+11'].join('\n'),
    );
  });

  it('handles one side empty (a class file that should not exist)', () => {
    expect(unifiedDiff('', 'x\ny\n', L)).toBe(['--- expected/broad-use.json', '+++ actual broad-use', '@@ -0,0 +1,2 @@', '+x', '+y'].join('\n'));
  });

  it('names the span each hunk falls in', () => {
    const s1 = span({ name: 'chat gpt-4o', attrs: { 'loopgate.rule': 'a' } });
    const s2 = span({ name: 'embeddings', attrs: { 'loopgate.rule': 'a' } });
    const expected = pretty(encodeTracesJson(batch({ 'tenant.id': 'acme' }, s1, s2)));
    const s2b = { ...s2, attributes: [{ key: 'loopgate.rule', value: { kind: 'string' as const, value: 'b' } }] };
    const actual = pretty(encodeTracesJson(batch({ 'tenant.id': 'acme' }, s1, s2b)));
    const diff = unifiedDiff(expected, actual, L);
    expect(diff).toMatch(new RegExp(`^@@ -\\d+,\\d+ \\+\\d+,\\d+ @@ span "embeddings" ${s2.spanId} \\(trace ${s2.traceId}\\)$`, 'm'));
    expect(diff).toMatch(/^- +"stringValue": "a"$/m);
    expect(diff).toMatch(/^\+ +"stringValue": "b"$/m);
    expect(diff).not.toContain('chat gpt-4o');
  });

  it('falls back to remove-then-add when the changed region is too large for a minimal diff', () => {
    const diff = unifiedDiff('a\nb\nc\n', 'a\nx\ny\nc\n', L, { maxCells: 1 });
    expect(diff.split('\n').slice(2)).toEqual(['@@ -1,3 +1,4 @@', ' a', '-b', '+x', '+y', ' c']);
  });
});

describe('spanContext', () => {
  it('maps lines outside any span to undefined', () => {
    const text = pretty(encodeTracesJson(batch({ 'service.name': 'x' }, span({ name: 'n' }))));
    const lines = text.split('\n');
    const of = spanContext(lines);
    expect(of(0)).toBeUndefined();
    expect(of(lines.findIndex((l) => l.includes('"name": "n"')))).toMatch(/^span "n" /);
  });
});

describe('spanContext on logs documents', () => {
  it('names log records, with their event name when the field is set and without it when it is not', () => {
    const data = {
      resourceLogs: [
        {
          resource: { attributes: [], droppedAttributesCount: 0 },
          schemaUrl: '',
          scopeLogs: [
            {
              scope: { name: 'lib', version: '', attributes: [], droppedAttributesCount: 0 },
              schemaUrl: '',
              logRecords: [
                newLogRecord({ eventName: 'gen_ai.choice', spanId: '00f067aa0ba902b7', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }),
                newLogRecord({ attributes: [{ key: 'event.name', value: { kind: 'string', value: 'gen_ai.user.message' } }], spanId: '00f067aa0ba902b8', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }),
              ],
            },
          ],
        },
      ],
    };
    const lines = pretty(encodeLogsJson(data)).split('\n');
    const of = spanContext(lines);
    const labels = new Set(lines.map((_, i) => of(i)).filter((l) => l !== undefined));
    expect([...labels]).toEqual(['log record "gen_ai.choice" 00f067aa0ba902b7 (trace 4bf92f3577b34da6a3ce929d0e0e4736)', 'log record 00f067aa0ba902b8 (trace 4bf92f3577b34da6a3ce929d0e0e4736)']);
  });
});
