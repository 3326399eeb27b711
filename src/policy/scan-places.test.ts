/**
 * Every place of the span model a client can write text into is scanned, or dropped and counted
 * (issue #13 item 6; docs/policy-reference.md, "Where Loopgate looks").
 */
import { describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../otlp/encode-json.js';
import { newSpan, str, type AnyValue, type KeyValue, type Span, type TracesData } from '../otlp/model.js';
import { compileKeyMatcher, skipsValue } from './skip-keys.js';
import { exportedSpans, policyOf } from './test-helpers.js';

const EMAIL = 'jane.doe@example.com';
const policy = policyOf({
  version: 1,
  detectors: { builtin: 'all' },
  tenants: { default_contract: { broad_use: true, eval: true } },
  rules: [{ id: 'all', when: { always: true }, class: 'broad-use' }],
});

function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

function request(span: Partial<Span>, more: { resource?: KeyValue[]; scope?: Partial<TracesData['resourceSpans'][0]['scopeSpans'][0]['scope']>; schemaUrl?: string } = {}): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: more.resource ?? [], droppedAttributesCount: 0 },
        schemaUrl: more.schemaUrl ?? '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0, ...more.scope },
            schemaUrl: more.schemaUrl ?? '',
            spans: [newSpan({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'chat', ...span })],
          },
        ],
      },
    ],
  };
}

/** The whole exported output as OTLP/JSON text, and the one exported span. */
function run(data: TracesData): { json: string; span: Span; data: TracesData } {
  const r = policy.process(data, {});
  expect(r.outputs).toHaveLength(1);
  const output = r.outputs[0]!;
  if (output.signal !== 'traces') throw new Error('traces in, traces out');
  const out = output.data;
  return { json: encodeTracesJson(out), span: exportedSpans(r)[0]!.span, data: out };
}

describe('#13.6 places that are scanned', () => {
  it('attribute keys and kvlist keys', () => {
    const { json, span } = run(
      request({
        attributes: [
          kv(`user/${EMAIL}`, str('x')),
          kv('profile', { kind: 'kvlist', values: [kv(EMAIL, str('owner'))] }),
        ],
      }),
    );
    expect(json).not.toContain(EMAIL);
    expect(span.attributes[0]!.key).toBe('user/<EMAIL_ADDRESS>');
    expect(span.attributes[1]!.value).toEqual({ kind: 'kvlist', values: [kv('<EMAIL_ADDRESS>', str('owner'))] });
  });

  it('a skip-listed glob key still has its key scanned', () => {
    const { span } = run(request({ attributes: [kv(`gen_ai.usage.by/${EMAIL}`, { kind: 'int', value: 3n })] }));
    expect(span.attributes[0]!.key).toBe('gen_ai.usage.by/<EMAIL_ADDRESS>');
  });

  it('scope name and version, and both schema URLs', () => {
    const { json, data } = run(request({}, { scope: { name: `lib ${EMAIL}`, version: `1.0+${EMAIL}` }, schemaUrl: `https://x.example/${EMAIL}` }));
    expect(json).not.toContain(EMAIL);
    const rs = data.resourceSpans[0]!;
    expect(rs.scopeSpans[0]!.scope.name).toBe('lib <EMAIL_ADDRESS>');
    expect(rs.schemaUrl).toContain('<EMAIL_ADDRESS>');
    expect(rs.scopeSpans[0]!.schemaUrl).toContain('<EMAIL_ADDRESS>');
  });

  it('span and link trace_state', () => {
    const { json, span } = run(
      request({
        traceState: `ot=th:8,vendor=${EMAIL}`,
        links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203332', traceState: `v=${EMAIL}`, attributes: [], droppedAttributesCount: 0, flags: 0 }],
      }),
    );
    expect(json).not.toContain(EMAIL);
    expect(span.traceState).toBe('ot=th:8,vendor=<EMAIL_ADDRESS>');
    expect(span.links[0]!.traceState).toBe('v=<EMAIL_ADDRESS>');
  });

  it('bytes holding UTF-8 text, rewritten as UTF-8; binary bytes with nothing found are kept as sent', () => {
    const binary = new Uint8Array([0, 255, 1, 254, 2, 253]);
    const { json, span } = run(
      request({
        attributes: [
          kv('blob', { kind: 'bytes', value: new TextEncoder().encode(`note for ${EMAIL}`) }),
          kv('bin', { kind: 'bytes', value: binary }),
        ],
      }),
    );
    expect(json).not.toContain(Buffer.from(`note for ${EMAIL}`).toString('base64'));
    expect(new TextDecoder().decode((span.attributes[0]!.value as { value: Uint8Array }).value)).toBe('note for <EMAIL_ADDRESS>');
    expect((span.attributes[1]!.value as { value: Uint8Array }).value).toBe(binary);
  });

  it('integers long enough to be a card number', () => {
    const { span } = run(request({ attributes: [kv('card', { kind: 'int', value: 4111111111111111n }), kv('tokens', { kind: 'int', value: 4096n })] }));
    expect(span.attributes[0]!.value).toEqual(str('<CREDIT_CARD>'));
    expect(span.attributes[1]!.value).toEqual({ kind: 'int', value: 4096n });
  });

  it('skip-listed keys whose values can carry content', () => {
    const { json, span } = run(
      request({
        attributes: [
          kv('llm.invocation_parameters', str(JSON.stringify({ model: 'gpt-4o', user: EMAIL }))),
          kv('gen_ai.conversation.id', str(EMAIL)),
          kv('gen_ai.request.model', str(`gpt-4o for ${EMAIL}`)),
          kv('gen_ai.response.finish_reasons', { kind: 'array', values: [str(EMAIL)] }),
        ],
      }),
    );
    expect(json).not.toContain(EMAIL);
    expect(JSON.parse((span.attributes[0]!.value as { value: string }).value)).toEqual({ model: 'gpt-4o', user: '<EMAIL_ADDRESS>' });
  });

  it('a skip key still skips a value that cannot carry content (a model name stays as sent)', () => {
    const { span } = run(request({ attributes: [kv('gen_ai.request.model', str('claude-3-5-sonnet@20240620'))] }));
    expect(span.attributes.find((a) => a.key === 'gen_ai.request.model')!.value).toEqual(str('claude-3-5-sonnet@20240620'));
  });
});

describe('#13.6 client-sent loopgate.* attributes are dropped at every level and counted', () => {
  it('resource, scope, span, event and link', () => {
    const forged = (): KeyValue[] => [kv('loopgate.class', str('broad-use')), kv('loopgate.note', str(EMAIL)), kv('keep', str('v'))];
    const { json, data, span } = run(
      request(
        {
          attributes: forged(),
          events: [{ timeUnixNano: 1n, name: 'e', attributes: forged(), droppedAttributesCount: 1 }],
          links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203332', traceState: '', attributes: forged(), droppedAttributesCount: 0, flags: 0 }],
        },
        { resource: forged(), scope: { attributes: forged() } },
      ),
    );
    expect(json).not.toContain(EMAIL);
    const rs = data.resourceSpans[0]!;
    expect(rs.resource.attributes.map((a) => a.key)).toEqual(['keep']);
    expect(rs.resource.droppedAttributesCount).toBe(2);
    expect(rs.scopeSpans[0]!.scope.attributes.map((a) => a.key)).toEqual(['keep']);
    expect(rs.scopeSpans[0]!.scope.droppedAttributesCount).toBe(2);
    expect(span.events[0]!.attributes.map((a) => a.key)).toEqual(['keep']);
    expect(span.events[0]!.droppedAttributesCount).toBe(3);
    expect(span.links[0]!.attributes.map((a) => a.key)).toEqual(['keep']);
    expect(span.droppedAttributesCount).toBe(2);
    // the custody stamps are ours
    expect(span.attributes.filter((a) => a.key === 'loopgate.class').map((a) => a.value)).toEqual([str('broad-use')]);
  });
});

describe('skip keys', () => {
  it('skip only values that cannot carry content', () => {
    expect(skipsValue({ kind: 'int', value: 3n })).toBe(true);
    expect(skipsValue(str('gpt-4o-2024-08-06'))).toBe(true);
    expect(skipsValue(str('two words'))).toBe(false);
    expect(skipsValue(str('{"a":1}'))).toBe(false);
    expect(skipsValue(str('x'.repeat(257)))).toBe(false);
    expect(skipsValue({ kind: 'array', values: [] })).toBe(false);
    expect(skipsValue({ kind: 'bytes', value: new Uint8Array(1) })).toBe(false);
  });

  it('match globs with * anywhere, exactly', () => {
    const m = compileKeyMatcher(['a*b*c', 'x.*', 'exact', '*.id', 'p*']);
    for (const [key, want] of [
      ['abc', true],
      ['a__b__c', true],
      ['acb', false],
      ['abcb', false],
      ['x.y', true],
      ['exact', true],
      ['exact2', false],
      ['user.id', true],
      ['.id', true],
      ['idd', false],
      ['p', true],
    ] as const) {
      expect(m.matches(key), key).toBe(want);
    }
  });

  // issue #13 item 12: `a*a*…b` with ten stars against a 40-character key backtracked for seconds
  it('#13.12 a many-star glob against a long key answers without backtracking', () => {
    const m = compileKeyMatcher([`${'a*'.repeat(10)}b`]);
    expect(m.matches('a'.repeat(40))).toBe(false);
    expect(m.matches('a'.repeat(100_000))).toBe(false);
    expect(m.matches(`${'a'.repeat(40)}b`)).toBe(true);
  });
});
