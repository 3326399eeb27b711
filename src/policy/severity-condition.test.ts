/**
 * The `severity` condition (issue #8: conditions on log record fields): bounds on a log record's
 * severity_number by name or number, never holding on a span or on a record without a severity, and
 * refused at load when it names no bound or a level outside 1–24.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from './load.js';
import { batch, exportedLogs, exportedSpans, logBatch, logRecord, policyOf, span } from './test-helpers.js';

const policy = policyOf({
  version: 1,
  tenants: { default_contract: { broad_use: true, eval: true } },
  rules: [
    { id: 'errors-to-eval', when: { signal_type: 'logs', severity: { at_least: 'error' } }, class: 'eval-only' },
    { id: 'info-and-warn', when: { signal_type: 'logs', severity: { at_least: 9, below: 'error' } }, class: 'tenant-only' },
    { id: 'negated', when: { signal_type: [ 'traces', 'logs' ], not: { severity: { at_least: 'trace' } } }, class: 'broad-use' },
  ],
});

describe('severity', () => {
  it('classifies log records by severity_number ranges, names standing for the first number of their range', () => {
    const records = [1, 8, 9, 13, 16, 17, 21, 24].map((n) => logRecord({ severityNumber: n }));
    const out = exportedLogs(policy.processSignal(logBatch({ 'tenant.id': 'acme' }, ...records), {}));
    const classOf = new Map(out.map((o) => [o.record.spanId, o.cls]));
    expect(records.map((r) => [r.severityNumber, classOf.get(r.spanId) ?? 'discard'])).toEqual([
      [1, 'discard'],
      [8, 'discard'],
      [9, 'tenant-only'],
      [13, 'tenant-only'],
      [16, 'tenant-only'],
      [17, 'eval-only'],
      [21, 'eval-only'],
      [24, 'eval-only'],
    ]);
  });

  it('never holds on a span, nor on a log record without a severity (0), so its negation holds on both', () => {
    const spans = exportedSpans(policy.process(batch({ 'tenant.id': 'acme' }, span({ name: 'chat' })), {}));
    expect(spans.map((s) => [s.cls, s.span.name])).toEqual([['broad-use', 'chat']]);
    const logs = exportedLogs(policy.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ severityNumber: 0, severityText: 'ERROR' })), {}));
    expect(logs.map((o) => o.cls)).toEqual(['broad-use']);
  });

  it('explains the rule that matched in words', () => {
    const r = policy.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ severityNumber: 17 })), {}, { explain: true });
    expect(r.decisions?.[0]?.reason).toMatch(/signal_type is logs and severity at least error/);
  });

  it('is refused at load, at its position, without a bound or with a level outside 1–24', () => {
    const text = ['version: 1', 'rules:', '  - id: a', '    when: { signal_type: logs, severity: {} }', '    class: discard', '  - id: b', '    when: { signal_type: logs, severity: { at_least: 25 } }', '    class: discard', '  - id: c', '    when: { signal_type: logs, severity: { at_least: loud } }', '    class: discard', ''].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'loopgate-severity-')), 'p.yaml');
    writeFileSync(file, text);
    const r = loadPolicy(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const messages = r.errors.map((e) => `${e.line}: ${e.message}`);
    expect(messages.some((m) => m.startsWith('4:') && m.includes('severity needs at_least or below'))).toBe(true);
    expect(messages.some((m) => m.startsWith('7:'))).toBe(true);
    expect(messages.some((m) => m.startsWith('10:'))).toBe(true);
  });
});
