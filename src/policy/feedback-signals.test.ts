/** Table tests for reading feedback signals off span, event and log attributes. */
import { describe, expect, it } from 'vitest';
import { newLogRecord } from '../otlp/logs-model.js';
import { str, type KeyValue } from '../otlp/model.js';
import { compileSignalConfig, extractLogSignals, extractSignals, NO_SIGNALS } from './feedback-signals.js';
import { attrs, span } from './test-helpers.js';

const cfg = compileSignalConfig();

interface Row {
  name: string;
  attributes: KeyValue[];
  kinds: string[];
  reasons?: string[];
  high?: string[];
  diffSize?: number;
}

const rows: Row[] = [
  { name: 'no signal keys', attributes: attrs({ 'gen_ai.request.model': 'gpt-4o', 'http.status_code': 200 }), kinds: [] },
  { name: "Loopgate's own kind", attributes: attrs({ 'loopgate.signal.kind': 'thumbs_down' }), kinds: ['thumbs_down'], high: ['thumbs_down'] },
  { name: 'an alias, spelled loosely', attributes: attrs({ 'feedback.type': '  Thumbs-Up ' }), kinds: ['thumbs_up'], high: [] },
  { name: 'a kind word the aliases do not list', attributes: attrs({ feedback: 'abandonment' }), kinds: ['abandonment'], high: [] },
  { name: 'an unknown kind is no signal', attributes: attrs({ 'user.feedback': 'meh' }), kinds: [] },
  { name: 'a reason', attributes: attrs({ 'feedback.kind': 'down', 'feedback.reason': 'Hallucination' }), kinds: ['thumbs_down'], reasons: ['wrong'] },
  { name: 'an unknown reason is other', attributes: attrs({ 'feedback.reason_code': 'too slow' }), kinds: [], reasons: ['other'] },
  { name: 'an edit size', attributes: attrs({ 'feedback.edit.diff_size': 42 }), kinds: ['user_edit'], high: ['user_edit'], diffSize: 42 },
  { name: 'the largest edit size of several keys', attributes: attrs({ 'feedback.diff_size': 3, 'user_edit.diff_size': '17' }), kinds: ['user_edit'], diffSize: 17 },
  { name: 'an edit below min_edit_size is not high intent', attributes: attrs({ 'loopgate.signal.diff_size': 0 }), kinds: ['user_edit'], high: [], diffSize: 0 },
  { name: 'a retry count', attributes: attrs({ 'http.request.resend_count': 2 }), kinds: ['retry'], high: ['retry'] },
  { name: 'a zero retry count is no retry', attributes: attrs({ 'retry.count': 0 }), kinds: [] },
  { name: 'a retry flag, as a string', attributes: attrs({ 'gen_ai.request.retry': 'TRUE' }), kinds: ['retry'] },
  { name: 'a regenerate flag', attributes: attrs({ 'feedback.regenerate': true }), kinds: ['regenerate'] },
  { name: 'a false flag is no signal', attributes: attrs({ 'feedback.regenerate': false, 'feedback.retry': 'no' }), kinds: [] },
  {
    name: 'a repeated key: the last occurrence counts',
    attributes: [
      { key: 'feedback.kind', value: str('thumbs_down') },
      { key: 'feedback.kind', value: str('thumbs_up') },
    ],
    kinds: ['thumbs_up'],
  },
  {
    name: 'several families at once, in list order',
    attributes: attrs({ 'retry.count': 1, 'feedback.kind': 'edit', 'feedback.edit.diff_size': 9, 'feedback.reason': 'format' }),
    kinds: ['user_edit', 'retry'],
    reasons: ['formatting'],
    diffSize: 9,
  },
];

describe('feedback signals: span attributes', () => {
  it.each(rows)('$name', (row) => {
    const s = extractSignals(span({ attributes: row.attributes }), cfg);
    expect([...s.kinds]).toEqual(row.kinds);
    expect([...s.reasons]).toEqual(row.reasons ?? []);
    if (row.high !== undefined) expect([...s.highIntentKinds]).toEqual(row.high);
    if (row.diffSize !== undefined) expect(s.diffSize).toBe(row.diffSize);
    if (row.kinds.length === 0 && row.reasons === undefined) expect(s).toBe(NO_SIGNALS);
  });

  it('reads event attributes and events named like a kind', () => {
    const s = extractSignals(
      span({
        events: [
          { timeUnixNano: 1n, name: 'regenerated', attributes: [], droppedAttributesCount: 0 },
          { timeUnixNano: 2n, name: 'feedback', attributes: attrs({ 'feedback.kind': 'thumbs_down' }), droppedAttributesCount: 0 },
        ],
      }),
      cfg,
    );
    expect([...s.kinds]).toEqual(['regenerate', 'thumbs_down']);
  });

  it('reads a gen_ai.evaluation.result event from its label or, for feedback evaluations, its score', () => {
    const ev = (a: Record<string, string | number>) => ({ timeUnixNano: 1n, name: 'gen_ai.evaluation.result', attributes: attrs(a), droppedAttributesCount: 0 });
    expect([...extractSignals(span({ events: [ev({ 'gen_ai.evaluation.score.label': 'dislike' })] }), cfg).kinds]).toEqual(['thumbs_down']);
    expect([...extractSignals(span({ events: [ev({ 'gen_ai.evaluation.name': 'user_feedback', 'gen_ai.evaluation.score.value': 0.9 })] }), cfg).kinds]).toEqual(['thumbs_up']);
    expect(extractSignals(span({ events: [ev({ 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 0.1 })] }), cfg)).toBe(NO_SIGNALS);
  });

  it("reads a policy's own kind and reason keys and aliases", () => {
    const custom = compileSignalConfig({ kind_attributes: ['app.vote'], reason_attributes: ['app.vote_reason'], aliases: { Meh: 'thumbs_down' } });
    const s = extractSignals(span({ attributes: attrs({ 'app.vote': 'meh', 'app.vote_reason': 'incomplete' }) }), custom);
    expect([...s.kinds]).toEqual(['thumbs_down']);
    expect([...s.reasons]).toEqual(['missing_info']);
    expect(extractSignals(span({ attributes: attrs({ 'app.vote': 'meh' }) }), cfg)).toBe(NO_SIGNALS);
  });
});

describe('feedback signals: log records', () => {
  it('reads the attributes and the record as the event it names', () => {
    const log = newLogRecord({ attributes: attrs({ 'feedback.reason': 'toxic' }) });
    const s = extractLogSignals(log, 'thumbs_down', cfg);
    expect([...s.kinds]).toEqual(['thumbs_down']);
    expect([...s.reasons]).toEqual(['unsafe']);
    expect(extractLogSignals(newLogRecord({}), '', cfg)).toBe(NO_SIGNALS);
  });
});
