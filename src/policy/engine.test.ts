import { describe, expect, it } from 'vitest';
import { StatusCode } from '../otlp/model.js';
import { withLocalCaps } from './caps.js';
import type { Detector } from './detect/types.js';
import { attr, attrs, batch, exportedSpans, policyOf, span } from './test-helpers.js';

const OPEN = { default_contract: { broad_use: true, eval: true } };
const BROAD = [{ id: 'all-broad', when: { always: true }, class: 'broad-use' }];

describe('redaction actions', () => {
  const base = (actions: unknown) =>
    policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS', 'CREDIT_CARD'] }, actions, tenants: OPEN, rules: BROAD }, { env: { HK: 'secret-key' } });

  it('replace writes a typed placeholder', () => {
    const p = base({ default: { action: 'replace' } });
    const [out] = exportedSpans(p.process(batch({}, span({ attrs: { prompt: 'mail jane@corp.example please' } })), {}));
    expect(attr(out!.span, 'prompt')).toBe('mail <EMAIL_ADDRESS> please');
    expect(attr(out!.span, 'loopgate.redactions')).toBe(1);
  });

  it('mask keeps the last N characters and the length', () => {
    const p = base({ entities: { CREDIT_CARD: { action: 'mask', keep_last: 4 } } });
    const [out] = exportedSpans(p.process(batch({}, span({ attrs: { prompt: 'card 4111111111111111 ok' } })), {}));
    expect(attr(out!.span, 'prompt')).toBe('card ************1111 ok');
  });

  it('hash gives equal tokens for equal values across spans, different for different values', () => {
    const p = base({ default: { action: 'hash', key_env: 'HK' } });
    const r = p.process(
      batch({}, span({ attrs: { a: 'jane@corp.example' } }), span({ attrs: { b: 'x jane@corp.example y' } }), span({ attrs: { c: 'bob@corp.example' } })),
      {},
    );
    const [s1, s2, s3] = exportedSpans(r).map((o) => o.span);
    const token = attr(s1!, 'a') as string;
    expect(token).toMatch(/^<EMAIL_ADDRESS:hmac:[0-9a-f]{16}>$/);
    expect(attr(s2!, 'b')).toBe(`x ${token} y`);
    expect(attr(s3!, 'c')).not.toBe(token);
    // A different key gives a different token: the hash is keyed, not guessable.
    const other = policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS'] }, actions: { default: { action: 'hash', key_env: 'HK' } }, tenants: OPEN, rules: BROAD }, { env: { HK: 'other' } });
    expect(attr(exportedSpans(other.process(batch({}, span({ attrs: { a: 'jane@corp.example' } })), {}))[0]!.span, 'a')).not.toBe(token);
  });

  it('hash without its key in the environment refuses the policy (fail closed)', () => {
    expect(() => base({ default: { action: 'hash', key_env: 'NOPE' } })).toThrow(/NOPE/);
  });

  it('drop_attribute removes the whole attribute, keeps the rest', () => {
    const p = base({ entities: { EMAIL_ADDRESS: { action: 'drop_attribute' } } });
    const [out] = exportedSpans(p.process(batch({}, span({ attrs: { who: '{"to":"jane@corp.example"}', keep: 'fine' } })), {}));
    expect(attr(out!.span, 'who')).toBeUndefined();
    expect(attr(out!.span, 'keep')).toBe('fine');
  });

  it('drop_span discards the span with reason drop_span_action', () => {
    const p = base({ entities: { CREDIT_CARD: { action: 'drop_span' } } });
    const r = p.process(batch({}, span({ attrs: { a: '4111 1111 1111 1111' } }), span({ attrs: { a: 'nothing here' } })), {});
    expect(exportedSpans(r)).toHaveLength(1);
    expect(r.discarded).toEqual({ drop_span_action: 1 });
  });

  it('mask never keeps more than half of a value', () => {
    const custom = { custom: [{ id: 'pin', entity: 'PIN_CODE', pattern: 'PIN [0-9]{4}' }] };
    const p = policyOf({ version: 1, detectors: custom, actions: { entities: { PIN_CODE: { action: 'mask', keep_last: 16 } } }, tenants: OPEN, rules: BROAD });
    const [out] = exportedSpans(p.process(batch({}, span({ attrs: { a: 'my PIN 1234' } })), {}));
    expect(attr(out!.span, 'a')).toBe('my ****1234');
  });

  it('decisions never hold a detected value, whatever the action and wherever it was found', () => {
    const p = policyOf(
      {
        version: 1,
        detectors: { builtin: ['EMAIL_ADDRESS', 'CREDIT_CARD', 'US_SSN'] },
        actions: { entities: { CREDIT_CARD: { action: 'mask', keep_last: 4 }, EMAIL_ADDRESS: { action: 'hash', key_env: 'HK' }, US_SSN: { action: 'drop_attribute' } } },
        tenants: OPEN,
        rules: BROAD,
      },
      { env: { HK: 'k' } },
    );
    const json = JSON.stringify({ 'jane@corp.example': { card: '4111 1111 1111 1111' }, list: ['mail jane@corp.example'] });
    const s = span({ name: 'chat jane@corp.example', attrs: { 'input.value': json, ssn: 'SSN 123-45-6789', card: 'card 4111111111111111' } });
    const d = p.process(batch({}, s), {}, { explain: true }).decisions![0]!;
    expect(d.redactions.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(d);
    for (const raw of ['jane', 'corp.example', '4111', '1111', '123-45', '6789']) expect(text, raw).not.toContain(raw);
    // Below a redacted JSON key, paths name what the key became.
    const token = d.redactions.find((r) => r.location.jsonPath?.endsWith('(key)'))!.replacement!;
    expect(d.redactions.map((r) => r.location.jsonPath).filter(Boolean)).toEqual(expect.arrayContaining([`$["${token}"](key)`, `$["${token}"].card`, '$.list[0]']));
  });

  it('redacts span names, status messages, events, links, resource and scope attributes', () => {
    const p = base({});
    const s = span({
      name: 'ask jane@corp.example',
      status: { code: StatusCode.ERROR, message: 'failed for jane@corp.example' },
      events: [{ timeUnixNano: 1n, name: 'e', attributes: [{ key: 'x', value: { kind: 'string', value: 'jane@corp.example' } }], droppedAttributesCount: 0 }],
      links: [{ traceId: '', spanId: '', traceState: '', flags: 0, droppedAttributesCount: 0, attributes: [{ key: 'y', value: { kind: 'array', values: [{ kind: 'string', value: 'jane@corp.example' }] } }] }],
    });
    const input = batch({ 'user.email': 'jane@corp.example' }, s);
    input.resourceSpans[0]!.scopeSpans[0]!.scope.attributes = [{ key: 'z', value: { kind: 'string', value: 'jane@corp.example' } }];
    const r = p.process(input, {});
    expect(JSON.stringify(r.outputs, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain('jane@corp.example');
    expect(JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toContain('jane@corp.example'); // input untouched
    expect(r.redactionsByEntity).toEqual({ EMAIL_ADDRESS: 6 });
  });

  it('never scans skipped keys (defaults and policy additions)', () => {
    const p = policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS'] }, scan: { skip_keys: ['app.ids.*'] }, tenants: OPEN, rules: BROAD });
    const [out] = exportedSpans(p.process(batch({}, span({ attrs: { 'app.ids.owner': 'jane@corp.example', 'gen_ai.request.model': 'jane@corp.example' } })), {}));
    expect(attr(out!.span, 'app.ids.owner')).toBe('jane@corp.example');
    expect(attr(out!.span, 'gen_ai.request.model')).toBe('jane@corp.example');
  });
});

describe('fail closed', () => {
  const throwing: Detector = {
    name: 'boom',
    entity: 'BOOM',
    mayMatch: (t) => t.includes('boom'),
    find: () => {
      throw new Error('detector failed');
    },
  };

  it('a span whose detector throws is discarded as engine_error, others still flow', () => {
    const p = policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS'] }, tenants: OPEN, rules: BROAD }, { extraDetectors: [throwing] });
    const r = p.process(batch({}, span({ attrs: { a: 'boom jane@corp.example' } }), span({ attrs: { a: 'fine' } })), {}, { explain: true });
    expect(r.discarded).toEqual({ engine_error: 1 });
    expect(exportedSpans(r)).toHaveLength(1);
    expect(JSON.stringify(r.outputs, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('jane');
    expect(r.decisions?.[0]?.discardReason).toBe('engine_error');
  });

  it('no matching rule discards (no_rule_matched); an empty rule list discards everything', () => {
    const p = policyOf({ version: 1, tenants: OPEN, rules: [{ id: 'errors', when: { status: 'error' }, class: 'broad-use' }] });
    expect(p.process(batch({}, span()), {}).discarded).toEqual({ no_rule_matched: 1 });
    expect(policyOf({ version: 1 }).process(batch({}, span()), {}).discarded).toEqual({ no_rule_matched: 1 });
  });

  it('a client cannot forge custody stamps', () => {
    const p = policyOf({ version: 1, tenants: OPEN, rules: BROAD });
    const [out] = exportedSpans(p.process(batch({}, span({ attrs: { 'loopgate.class': 'eval-only', 'loopgate.rule': 'forged' } })), {}));
    expect(out!.span.attributes.filter((a) => a.key === 'loopgate.rule')).toHaveLength(1);
    expect(attr(out!.span, 'loopgate.rule')).toBe('all-broad');
    expect(attr(out!.span, 'loopgate.policy.version')).toBe(p.version);
    expect(p.version).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('tenant boundary', () => {
  const p = policyOf({
    version: 1,
    tenants: {
      contracts: { acme: { broad_use: true, eval: true, retention: '30d' }, globex: { broad_use: false } },
    },
    rules: [
      { id: 'errors-eval', when: { status: 'error' }, class: 'eval-only' },
      { id: 'own', when: { attribute: { key: 'own', exists: true } }, class: 'tenant-only' },
      { id: 'rest-broad', when: { always: true }, class: 'broad-use' },
    ],
  });

  it('takes the tenant from the auth token first, else from the resource attribute', () => {
    const byAuth = exportedSpans(p.process(batch({}, span()), { authTenant: 'acme' }));
    expect(byAuth.map((o) => o.tenant)).toEqual(['acme']);
    const byResource = exportedSpans(p.process(batch({ 'tenant.id': 'acme' }, span()), {}));
    expect(byResource.map((o) => o.tenant)).toEqual(['acme']);
    expect(attr(byResource[0]!.span, 'loopgate.retention')).toBe('30d');
  });

  it('refuses spans whose resource or span attribute names another tenant than the token', () => {
    const r = p.process(batch({ 'tenant.id': 'globex' }, span(), span()), { authTenant: 'acme' });
    expect(r.outputs).toEqual([]);
    expect(r.rejected.count).toBe(2);
    expect(r.rejected.reasons).toEqual({ tenant_mismatch: 2 });
    expect(r.rejected.message).toMatch(/differs from the authenticated tenant/);
    const r2 = p.process(batch({}, span({ attrs: { 'tenant.id': 'globex' } }), span()), { authTenant: 'acme' });
    expect(r2.rejected.count).toBe(1);
    expect(exportedSpans(r2)).toHaveLength(1);
  });

  it('enforces the contract after the rule: broad use for a tenant that forbids it is discarded', () => {
    const r = p.process(batch({ 'tenant.id': 'globex' }, span(), span({ status: { code: StatusCode.ERROR, message: '' } })), {});
    expect(r.discarded).toEqual({ tenant_contract: 2 }); // globex: no broad use; eval not granted either
    const unknown = p.process(batch({ 'tenant.id': 'initech' }, span({ attrs: { own: true } })), {});
    expect(exportedSpans(unknown).map((o) => [o.cls, o.tenant])).toEqual([['tenant-only', 'initech']]);
  });

  it('tenant-only is impossible without a tenant; missing: reject refuses such spans', () => {
    expect(p.process(batch({}, span({ attrs: { own: true } })), {}).discarded).toEqual({ tenant_contract: 1 });
    const strict = policyOf({ version: 1, tenants: { missing: 'reject' }, rules: BROAD });
    expect(strict.process(batch({}, span()), {}).rejected.reasons).toEqual({ tenant_missing: 1 });
  });

  it('groups outputs by (class, tenant)', () => {
    const input = batch({ 'tenant.id': 'acme' }, span(), span({ attrs: { own: true } }), span());
    input.resourceSpans.push(batch({ 'tenant.id': 'initech' }, span({ attrs: { own: true } })).resourceSpans[0]!);
    const r = p.process(input, {});
    expect(r.outputs.map((o) => [o.class, o.tenant, o.count])).toEqual([
      ['broad-use', 'acme', 2],
      ['tenant-only', 'acme', 1],
      ['tenant-only', 'initech', 1],
    ]);
  });
});

describe('classification', () => {
  it('the first matching rule wins, in order', () => {
    const p = policyOf({
      version: 1,
      tenants: OPEN,
      detectors: { builtin: ['EMAIL_ADDRESS'] },
      rules: [
        { id: 'secrets-out', when: { detected: { entities: ['EMAIL_ADDRESS'] }, kind: 'client' }, class: 'discard' },
        { id: 'gpt4', when: { attribute: { key: 'gen_ai.request.model', matches: '^gpt-4' } }, class: 'eval-only' },
        { id: 'big', when: { attribute: { key: 'tokens', gt: 100 } }, class: 'tenant-only' },
        { id: 'not-internal', when: { not: { kind: ['internal'] } }, class: 'broad-use' },
      ],
    });
    const r = p.process(
      batch(
        { 'tenant.id': 't' },
        span({ kind: 3, attrs: { q: 'a@b.example', 'gen_ai.request.model': 'gpt-4o' } }),
        span({ kind: 3, attrs: { 'gen_ai.request.model': 'gpt-4o' } }),
        span({ kind: 1, attrs: { tokens: 150 } }),
        span({ kind: 2 }),
        span({ kind: 1 }),
      ),
      {},
      { explain: true },
    );
    expect(r.decisions!.map((d) => d.rule || d.discardReason)).toEqual(['secrets-out', 'gpt4', 'big', 'not-internal', 'no_rule_matched']);
    expect(r.decisions![1]!.reason).toMatch(/rule 'gpt4' matched/);
  });
});

describe('sampling and caps through the engine', () => {
  it('keep_always overrides the rate; other spans are sampled consistently per trace', () => {
    const p = policyOf({
      version: 1,
      tenants: OPEN,
      sampling: { rate: 0, keep_always: [{ id: 'errors', when: { status: 'error' } }] },
      rules: BROAD,
    });
    const r = p.process(batch({}, span({ status: { code: StatusCode.ERROR, message: '' } }), span()), {});
    expect(exportedSpans(r)).toHaveLength(1);
    expect(r.discarded).toEqual({ sampled_out: 1 });
  });

  it('caps per key per window with an injected clock (counted by the caller, here in memory)', () => {
    let now = 0;
    const engine = policyOf(
      {
        version: 1,
        tenants: OPEN,
        caps: [{ id: 'per-tenant', class: ['eval-only'], key: ['tenant', 'signal.reason'], limit: 2, window: '1h' }],
        rules: [{ id: 'eval', when: { always: true }, class: 'eval-only' }],
      },
      { clock: { nowMs: () => now } },
    );
    const p = withLocalCaps(engine);
    const send = (tenant: string, n: number) => exportedSpans(p.process(batch({ 'tenant.id': tenant }, ...Array.from({ length: n }, () => span())), {})).length;
    expect(send('a', 3)).toBe(2);
    expect(send('b', 1)).toBe(1);
    expect(send('a', 1)).toBe(0);
    now += 3_600_000;
    expect(send('a', 3)).toBe(2);
  });
});

describe('signals in conditions', () => {
  const p = policyOf({
    version: 1,
    tenants: OPEN,
    rules: [
      { id: 'high-intent', when: { signal: { intent: 'high' } }, class: 'eval-only' },
      { id: 'praise', when: { signal: { kind: ['thumbs_up'] } }, class: 'broad-use' },
    ],
  });
  const rule = (s: ReturnType<typeof span>) => p.process(batch({}, s), {}, { explain: true }).decisions![0]!.rule;

  it('reads feedback from span attributes, aliases and gen_ai.evaluation.result events', () => {
    expect(rule(span({ attrs: { 'feedback.type': 'dislike' } }))).toBe('high-intent');
    expect(rule(span({ attrs: { 'user.feedback': '👍' } }))).toBe('praise');
    expect(rule(span({ attrs: { 'loopgate.signal.diff_size': 42 } }))).toBe('high-intent');
    expect(rule(span({ attrs: { 'retry.count': 2 } }))).toBe('high-intent');
    const ev = (a: Record<string, string | number>) => ({
      timeUnixNano: 1n,
      name: 'gen_ai.evaluation.result',
      attributes: Object.entries(a).map(([key, v]) => ({ key, value: typeof v === 'string' ? { kind: 'string' as const, value: v } : { kind: 'double' as const, value: v } })),
      droppedAttributesCount: 0,
    });
    expect(rule(span({ events: [ev({ 'gen_ai.evaluation.name': 'user_feedback', 'gen_ai.evaluation.score.label': 'thumbs_down' })] }))).toBe('high-intent');
    expect(rule(span({ events: [ev({ 'gen_ai.evaluation.name': 'user_feedback', 'gen_ai.evaluation.score.value': 0.9 })] }))).toBe('praise');
    expect(rule(span())).toBe('');
  });
});

describe('event conditions', () => {
  const ev = (name: string, a: Record<string, string | number | boolean> = {}) => ({ timeUnixNano: 1n, name, attributes: attrs(a), droppedAttributesCount: 0 });
  const p = policyOf({
    version: 1,
    tenants: OPEN,
    rules: [
      { id: 'timeouts', when: { event: { name: { equals: 'exception' }, attribute: { key: 'exception.type', matches: 'Timeout' } } }, class: 'eval-only' },
      { id: 'any-exception', when: { event: { name: { in: ['exception', 'error'] } } }, class: 'tenant-only' },
      { id: 'low-score', when: { event: { attribute: { key: 'gen_ai.evaluation.score.value', lt: 0.3 } } }, class: 'eval-only' },
      { id: 'rest', when: { always: true }, class: 'broad-use' },
    ],
  });
  const rule = (s: ReturnType<typeof span>) => p.process(batch({ 'tenant.id': 't' }, s), {}, { explain: true }).decisions![0]!.rule;

  it('matches when one event has the name and, on that same event, the attribute', () => {
    expect(rule(span({ events: [ev('exception', { 'exception.type': 'httpx.ReadTimeout' })] }))).toBe('timeouts');
    expect(rule(span({ events: [ev('log'), ev('exception', { 'exception.type': 'ReadTimeout' })] }))).toBe('timeouts');
    expect(rule(span({ events: [ev('exception', { 'exception.type': 'ValueError' })] }))).toBe('any-exception');
    expect(rule(span({ events: [ev('error')] }))).toBe('any-exception');
  });

  it('never pairs the name of one event with the attribute of another', () => {
    expect(rule(span({ events: [ev('exception'), ev('log', { 'exception.type': 'Timeout' })] }))).toBe('any-exception');
  });

  it('an attribute alone tests every event; no events or no match falls through', () => {
    expect(rule(span({ events: [ev('gen_ai.evaluation.result', { 'gen_ai.evaluation.score.value': 0.1 })] }))).toBe('low-score');
    expect(rule(span({ events: [ev('gen_ai.evaluation.result', { 'gen_ai.evaluation.score.value': 0.9 })] }))).toBe('rest');
    expect(rule(span())).toBe('rest');
  });

  it('is explained in words, and an empty event condition or a bad RE2 pattern is refused', () => {
    const d = p.process(batch({}, span({ events: [ev('error')] })), {}, { explain: true }).decisions![0]!;
    expect(d.reason).toContain('event named one of [exception, error]');
    expect(() => policyOf({ version: 1, rules: [{ id: 'r', when: { event: {} }, class: 'discard' }] })).toThrow(/needs `name`, `attribute` or both/);
    expect(() => policyOf({ version: 1, rules: [{ id: 'r', when: { event: { name: { matches: '(?=x)' } } }, class: 'discard' }] })).toThrow(/RE2/);
  });
});

describe('deciding before scanning', () => {
  // A JSON value nested past MAX_JSON_NESTING makes redaction throw (engine_error): what a span is
  // counted as shows whether it was scanned.
  const unscannable = '['.repeat(600) + ']'.repeat(600);
  const rules = [
    { id: 'drop-debug', when: { attribute: { key: 'level', equals: 'debug' } }, class: 'discard' },
    { id: 'rest', when: { always: true }, class: 'broad-use' },
  ];
  const spans = () => [span({ attrs: { level: 'debug', payload: unscannable } }), span({ attrs: { level: 'info', note: 'mail jane@corp.example' } })];

  it('scans only the spans it exports when no finding can change a decision', () => {
    const p = policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS'] }, tenants: OPEN, rules });
    const r = p.process(batch({}, ...spans()), {});
    expect(r.discarded).toEqual({ rule: 1 });
    expect(exportedSpans(r).map((o) => attr(o.span, 'note'))).toEqual(['mail <EMAIL_ADDRESS>']);
    expect(r.redactionsByEntity).toEqual({ EMAIL_ADDRESS: 1 });
  });

  it('scans every span first when a rule reads what was detected, or an action drops spans', () => {
    const detected = policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS'] }, tenants: OPEN, rules: [{ id: 'pii', when: { detected: { any: true } }, class: 'discard' }, ...rules] });
    expect(detected.process(batch({}, ...spans()), {}).discarded).toEqual({ engine_error: 1, rule: 1 });
    const dropping = policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS'] }, actions: { entities: { EMAIL_ADDRESS: { action: 'drop_span' } } }, tenants: OPEN, rules });
    expect(dropping.process(batch({}, ...spans()), {}).discarded).toEqual({ engine_error: 1, drop_span_action: 1 });
  });

  it('decides exactly as scanning first does (explain scans every span)', () => {
    const p = policyOf({ version: 1, detectors: { builtin: 'all' }, tenants: OPEN, sampling: { rate: 0.5 }, rules });
    const data = batch({ 'tenant.id': 'acme' }, ...Array.from({ length: 40 }, (_, i) => span({ attrs: { level: i % 3 === 0 ? 'debug' : 'info', note: `call +1 415-555-01${String(i).padStart(2, '0')}` } })));
    const hot = p.process(data, {});
    const { decisions: _d, ...scannedFirst } = p.process(data, {}, { explain: true });
    expect(hot).toEqual(scannedFirst);
  });

  it('fails closed when the resource cannot be redacted: the exported spans are engine_error, the discarded keep their reason', () => {
    const p = policyOf({ version: 1, detectors: { builtin: ['EMAIL_ADDRESS'] }, tenants: OPEN, rules });
    const r = p.process(batch({ blob: unscannable }, span({ attrs: { level: 'debug' } }), span({ attrs: { level: 'info' } })), {});
    expect(r.outputs).toEqual([]);
    expect(r.discarded).toEqual({ rule: 1, engine_error: 1 });
  });
});
