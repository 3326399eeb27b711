/**
 * The engine on log records: the same core as spans (tenant, redaction, classification, contract,
 * sampling, caps, stamps), and the one rule that decides which rules see them: a condition that never
 * names `signal_type` is a span condition (docs/policy-reference.md, "Spans and log records").
 */
import { describe, expect, it } from 'vitest';
import { getStringAttribute, str, type AnyValue } from '../otlp/model.js';
import { mulberry32 } from '../../test/support/rng.js';
import { withLocalCaps } from './caps.js';
import { attr, batch, exportedLogs, exportedSpans, logBatch, logRecord, policyOf, span } from './test-helpers.js';

const EMAIL = 'maria.garcia@example.org';
const CARD = '5555 5555 5555 4444';

const spanRules = policyOf({
  version: 1,
  detectors: { builtin: 'all' },
  tenants: { default_contract: { broad_use: true, eval: true } },
  rules: [
    // Written before logs existed: each means spans, and none may start matching log records.
    { id: 'errors', when: { status: 'error' }, class: 'eval-only' },
    { id: 'not-errors-broad', when: { not: { status: 'error' } }, class: 'broad-use' },
    { id: 'everything', when: { always: true }, class: 'broad-use' },
  ],
});

describe('which rules see log records', () => {
  it('a policy that never names signal_type classifies no log record: each is discarded, fail closed', () => {
    const r = spanRules.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord(), logRecord({ eventName: 'gen_ai.choice' })), {});
    expect(r.outputs).toEqual([]);
    expect(r.discarded).toEqual({ no_rule_matched: 2 });
    expect(spanRules.classifies).toEqual(new Set(['traces']));
    // The same rules still classify spans as they always did.
    const spans = spanRules.process(batch({ 'tenant.id': 'acme' }, span(), span({ status: { code: 2, message: '' } })), {});
    expect(exportedSpans(spans).map((s) => s.cls)).toEqual(['broad-use', 'eval-only']);
  });

  it('naming signal_type anywhere makes a rule apply to both, and signal_type decides', () => {
    const p = policyOf({
      version: 1,
      tenants: { default_contract: { broad_use: true, eval: true } },
      rules: [
        { id: 'logs-to-eval', when: { signal_type: 'logs', event_name: { equals: 'gen_ai.evaluation.result' } }, class: 'eval-only' },
        { id: 'prompts-home', when: { any: [{ signal_type: 'logs', event_name: { matches: '^gen_ai\\.' } }, { status: 'error' }] }, class: 'tenant-only' },
        { id: 'spans-broad', when: { not: { signal_type: 'logs' } }, class: 'broad-use' },
      ],
    });
    expect(p.classifies).toEqual(new Set(['traces', 'logs']));
    const logs = p.processSignal(
      logBatch({ 'tenant.id': 'acme' }, logRecord({ eventName: 'gen_ai.evaluation.result' }), logRecord({ eventName: 'gen_ai.choice' }), logRecord({ eventName: 'app.audit' })),
      {},
    );
    expect(exportedLogs(logs).map((x) => [x.record.eventName, x.cls])).toEqual([
      ['gen_ai.evaluation.result', 'eval-only'],
      ['gen_ai.choice', 'tenant-only'],
    ]);
    expect(logs.discarded).toEqual({ no_rule_matched: 1 });
    const spans = p.process(batch({ 'tenant.id': 'acme' }, span(), span({ status: { code: 2, message: '' } })), {});
    expect(exportedSpans(spans).map((s) => s.cls)).toEqual(['broad-use', 'tenant-only']);
  });

  it('span-only tests hold on no log record (and their negation on every one); event_name on no span', () => {
    const p = policyOf({
      version: 1,
      tenants: { default_contract: { broad_use: true, eval: true } },
      rules: [
        { id: 'named', when: { signal_type: ['traces', 'logs'], name: { equals: 'chat' } }, class: 'eval-only' },
        { id: 'event', when: { signal_type: ['traces', 'logs'], event_name: { equals: 'chat' } }, class: 'broad-use' },
        { id: 'not-error', when: { signal_type: ['traces', 'logs'], not: { status: 'error' } }, class: 'tenant-only' },
      ],
    });
    const logs = p.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ eventName: 'chat' }), logRecord({ eventName: 'other' })), {});
    expect(exportedLogs(logs).map((x) => x.cls)).toEqual(['broad-use', 'tenant-only']);
    const spans = p.process(batch({ 'tenant.id': 'acme' }, span({ name: 'chat' }), span({ name: 'x' })), {});
    expect(exportedSpans(spans).map((s) => s.cls)).toEqual(['eval-only', 'tenant-only']);
  });

  it('event_name reads the event.name attribute when the field is empty (the JS instrumentation)', () => {
    const p = policyOf({ version: 1, rules: [{ id: 'user', when: { signal_type: 'logs', event_name: { equals: 'gen_ai.user.message' } }, class: 'tenant-only' }] });
    const r = p.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ attrs: { 'event.name': 'gen_ai.user.message' } })), {});
    expect(exportedLogs(r)).toHaveLength(1);
  });

  it('keep_always rules and caps follow the same rule: unnamed ones count spans only', () => {
    const policy = (capWhen: object | undefined) =>
      withLocalCaps(
        policyOf(
        {
          version: 1,
          tenants: { default_contract: { eval: true } },
          rules: [{ id: 'all-eval', when: { signal_type: ['traces', 'logs'] }, class: 'eval-only' }],
            caps: [{ id: 'one', key: ['tenant'], limit: 1, window: '1d', ...(capWhen ? { when: capWhen } : {}) }],
          },
          { clock: { nowMs: () => 0 } },
        ),
      );
    const spansOnly = policy(undefined);
    const three = () => logBatch({ 'tenant.id': 'acme' }, logRecord(), logRecord(), logRecord());
    expect(spansOnly.processSignal(three(), {}).discarded).toEqual({});
    const both = policy({ signal_type: ['traces', 'logs'] });
    expect(both.processSignal(three(), {}).discarded).toEqual({ cap_exceeded: 2 });
  });
});

describe('log records through the core', () => {
  const p = policyOf({
    version: 1,
    detectors: { builtin: 'all' },
    actions: { entities: { PRIVATE_KEY: { action: 'drop_span' } } },
    tenants: { default_contract: { broad_use: true }, contracts: { globex: { broad_use: false } } },
    rules: [{ id: 'records-broad', when: { signal_type: ['traces', 'logs'] }, class: 'broad-use' }],
  });

  it('redacts every string of a kvlist body and keeps it a kvlist of the same shape', () => {
    const body: AnyValue = {
      kind: 'kvlist',
      values: [
        { key: 'content', value: str(`I'm ${EMAIL}`) },
        {
          key: 'tool_calls',
          value: { kind: 'array', values: [{ kind: 'kvlist', values: [{ key: 'function', value: { kind: 'kvlist', values: [{ key: 'name', value: str('pay') }, { key: 'arguments', value: str(JSON.stringify({ card: CARD })) }] } }] }] },
        },
        { key: 'reasoning', value: { kind: 'kvlist', values: [{ key: 'type', value: str('reasoning') }, { key: 'content', value: str(`the user ${EMAIL} wants a refund`) }] } },
      ],
    };
    const r = p.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ eventName: 'gen_ai.assistant.message', body })), {});
    const [out] = exportedLogs(r);
    const b = out!.record.body;
    expect(b.kind).toBe('kvlist');
    if (b.kind !== 'kvlist') return;
    expect(b.values.map((kv) => kv.key)).toEqual(['content', 'tool_calls', 'reasoning']);
    expect(b.values[0]!.value).toEqual(str("I'm <EMAIL_ADDRESS>"));
    const text = JSON.stringify(b);
    expect(text).not.toContain(EMAIL);
    const args = JSON.parse(((b.values[1]!.value as { values: AnyValue[] }).values[0] as { values: { value: { values: { value: { value: string } }[] } }[] }).values[0]!.value.values[1]!.value.value);
    expect(args).toEqual({ card: '<CREDIT_CARD>' });
    expect(attr(out!.record as never, 'loopgate.redactions')).toBe(3);
  });

  it('redacts a string body, the event name and severity text, and structured message attributes', () => {
    const messages: AnyValue = {
      kind: 'array',
      values: [{ kind: 'kvlist', values: [{ key: 'role', value: str('user') }, { key: 'parts', value: { kind: 'array', values: [{ kind: 'kvlist', values: [{ key: 'type', value: str('text') }, { key: 'content', value: str(`card ${CARD}`) }] }] } }] }],
    };
    const r = p.processSignal(
      logBatch({ 'tenant.id': 'acme' }, logRecord({ body: str(`mail ${EMAIL}`), severityText: `WARN ${EMAIL}`, eventName: 'x', attributes: [{ key: 'gen_ai.input.messages', value: messages }] })),
      {},
    );
    const rec = exportedLogs(r)[0]!.record;
    expect(rec.body).toEqual(str('mail <EMAIL_ADDRESS>'));
    expect(rec.severityText).toBe('WARN <EMAIL_ADDRESS>');
    expect(JSON.stringify(rec.attributes.find((a) => a.key === 'gen_ai.input.messages')!.value)).toContain('card <CREDIT_CARD>');
  });

  it('stamps log records with the four custody attributes, replacing forged ones', () => {
    const r = p.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ attrs: { 'loopgate.class': 'eval-only', 'gen_ai.system': 'openai' } })), {});
    const rec = exportedLogs(r)[0]!.record;
    expect(rec.attributes.map((a) => a.key)).toEqual(['gen_ai.system', 'loopgate.class', 'loopgate.rule', 'loopgate.policy.version', 'loopgate.redactions']);
    expect(getStringAttribute(rec.attributes, 'loopgate.class')).toBe('broad-use');
    expect(getStringAttribute(rec.attributes, 'loopgate.policy.version')).toBe(p.version);
  });

  it('resolves the tenant and refuses a log record naming another one, in log record words', () => {
    const r = p.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord(), logRecord({ attrs: { 'tenant.id': 'globex' } })), { authTenant: 'acme' });
    expect(exportedLogs(r)).toHaveLength(1);
    expect(r.rejected).toEqual({ count: 1, reasons: { tenant_mismatch: 1 }, message: '1 log record(s) rejected: the tenant named in the data differs from the authenticated tenant' });
    const spoofed = p.processSignal(logBatch({ 'tenant.id': 'globex' }, logRecord()), { authTenant: 'acme' });
    expect(spoofed.rejected.reasons).toEqual({ tenant_mismatch: 1 });
    // The contract applies: globex did not consent to broad use.
    expect(p.processSignal(logBatch({ 'tenant.id': 'globex' }, logRecord()), {}).discarded).toEqual({ tenant_contract: 1 });
  });

  it('drops the record when a detector action says drop_span', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    const r = p.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ body: str(key) }), logRecord()), {});
    expect(r.discarded).toEqual({ drop_span_action: 1 });
    expect(exportedLogs(r)).toHaveLength(1);
  });

  it('explains log records by event name, with their signal', () => {
    const r = p.processSignal(logBatch({ 'tenant.id': 'acme' }, logRecord({ eventName: 'gen_ai.choice', body: str(EMAIL) })), {}, { explain: true });
    expect(r.decisions).toMatchObject([{ signal: 'logs', name: 'gen_ai.choice', classification: 'broad-use', rule: 'records-broad', redactions: [{ entity: 'EMAIL_ADDRESS', location: { field: 'log.body' } }] }]);
  });

  it('reads feedback signals from a log record that is a gen_ai.evaluation.result event', () => {
    const q = policyOf({
      version: 1,
      tenants: { default_contract: { eval: true } },
      rules: [{ id: 'thumbs-down', when: { signal_type: 'logs', signal: { kind: ['thumbs_down'] } }, class: 'eval-only' }],
    });
    const down = logRecord({ eventName: 'gen_ai.evaluation.result', attrs: { 'gen_ai.evaluation.name': 'user_feedback', 'gen_ai.evaluation.score.value': 0.1 } });
    const up = logRecord({ eventName: 'gen_ai.evaluation.result', attrs: { 'gen_ai.evaluation.score.label': 'thumbs_up' } });
    expect(exportedLogs(q.processSignal(logBatch({ 'tenant.id': 'acme' }, down, up), {})).map((x) => x.record.spanId)).toEqual([down.spanId]);
  });
});

describe('sampling by trace id', () => {
  it('a log record and the span of its trace get the same decision, at any rate', () => {
    const p = policyOf({
      version: 1,
      tenants: { default_contract: { broad_use: true } },
      sampling: { rate: 0.5 },
      rules: [{ id: 'all', when: { signal_type: ['traces', 'logs'] }, class: 'broad-use' }],
    });
    const rng = mulberry32(8);
    const hex8 = () => Math.floor(rng() * 2 ** 32).toString(16).padStart(8, '0');
    const traceIds = Array.from({ length: 200 }, () => hex8() + hex8() + hex8() + hex8());
    const spans = traceIds.map((traceId, i) => span({ traceId, spanId: (i + 1).toString(16).padStart(16, '0') }));
    const records = traceIds.map((traceId, i) => logRecord({ traceId, spanId: (i + 1).toString(16).padStart(16, '0') }));
    const keptSpans = exportedSpans(p.process(batch({}, ...spans), {})).map((s) => s.span.traceId);
    const keptLogs = exportedLogs(p.processSignal(logBatch({}, ...records), {})).map((x) => x.record.traceId);
    expect(keptLogs).toEqual(keptSpans);
    expect(keptSpans.length).toBeGreaterThan(50);
    expect(keptSpans.length).toBeLessThan(150);
  });

  it('a log record without a trace id has no randomness: kept only at rate 1', () => {
    const p = (rate: number) => policyOf({ version: 1, tenants: { default_contract: { broad_use: true } }, sampling: { rate }, rules: [{ id: 'all', when: { signal_type: 'logs' }, class: 'broad-use' }] });
    const untraced = () => logBatch({}, logRecord({ traceId: '', spanId: '' }));
    expect(p(0.99).processSignal(untraced(), {}).discarded).toEqual({ sampled_out: 1 });
    expect(p(1).processSignal(untraced(), {}).discarded).toEqual({});
  });
});
