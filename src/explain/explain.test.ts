import { describe, expect, it } from 'vitest';
import type { SpanDecision } from '../policy/types.js';
import { describeReplacement, explainDecision } from './explain.js';
import { formatExplainJson, formatExplainText } from './format-text.js';
import { builtinScrubber } from './scrub.js';

const decision: SpanDecision = {
  signal: 'traces',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  name: 'chat gpt-4o',
  tenant: 'acme',
  tenantSource: 'auth',
  classification: 'broad-use',
  rule: 'clean',
  reason: "rule 'clean' matched (always)",
  sampling: { sampled: true, reason: 'kept: sampling rate 1' },
  redactions: [
    { entity: 'EMAIL_ADDRESS', detector: 'email', action: 'replace', location: { field: 'span.attributes["gen_ai.input.messages"]', jsonPath: '$[0].parts[0].content' }, replacement: '<EMAIL_ADDRESS>' },
    // A map keyed by e-mail address puts the address into the JSON path: it must not be printed.
    { entity: 'PHONE_NUMBER', detector: 'phone', action: 'mask', location: { field: 'span.attributes["input.value"]', jsonPath: '$.contacts["jane.doe@example.com"]' }, replacement: '+1 415 555 0134' },
    { entity: 'EMAIL_ADDRESS', detector: 'email', action: 'hash', location: { field: 'span.name' }, replacement: '<EMAIL_ADDRESS:hmac:0123456789abcdef>' },
  ],
};

describe('describeReplacement', () => {
  it.each([
    ['replace', '<EMAIL_ADDRESS>', '<EMAIL_ADDRESS>'],
    ['hash', '<EMAIL_ADDRESS:hmac:0123456789abcdef>', '<EMAIL_ADDRESS:hmac:0123456789abcdef>'],
    ['mask', '**********0134', '(masked: only the last characters kept)'],
    ['drop_attribute', undefined, '(attribute dropped)'],
    ['drop_span', undefined, '(span dropped)'],
    // Anything that is not a placeholder is never echoed.
    ['replace', 'jane@example.com', '<EMAIL_ADDRESS>'],
  ] as const)('%s %s → %s', (action, replacement, expected) => {
    expect(describeReplacement(action, replacement, 'EMAIL_ADDRESS')).toBe(expected);
  });
});

describe('explainDecision and the formatters', () => {
  const explained = explainDecision(decision, 'spans.json', 1, builtinScrubber());

  it('keeps entity, detector, location and action; scrubs locations built from payload keys', () => {
    expect(explained.detected.map((d) => [d.entity, d.field, d.jsonPath, d.action, d.replacement])).toEqual([
      ['EMAIL_ADDRESS', 'span.attributes["gen_ai.input.messages"]', '$[0].parts[0].content', 'replace', '<EMAIL_ADDRESS>'],
      ['PHONE_NUMBER', 'span.attributes["input.value"]', '$.contacts["<EMAIL_ADDRESS>"]', 'mask', '(masked: only the last characters kept)'],
      ['EMAIL_ADDRESS', 'span.name', undefined, 'hash', '<EMAIL_ADDRESS:hmac:0123456789abcdef>'],
    ]);
    expect(explained.tenant).toMatchObject({ id: 'acme', source: 'auth' });
    expect(explained.outcome).toBe('broad-use');
  });

  it('renders text and JSON without any value', () => {
    const header = { policyVersion: 'abc123abc123', policySources: ['p.yaml'], authTenant: 'acme' };
    const text = formatExplainText(header, [explained]);
    expect(text).toContain('span "chat gpt-4o"  trace 4bf92f3577b34da6a3ce929d0e0e4736  span 00f067aa0ba902b7  (spans.json #1)');
    expect(text).toContain("tenant:    'acme' from the authenticated bearer token");
    expect(text).toContain('- EMAIL_ADDRESS (detector email) in span.attributes["gen_ai.input.messages"] at $[0].parts[0].content: replace → <EMAIL_ADDRESS>');
    expect(text).toContain("decision:  broad-use: rule 'clean' matched (always)");
    expect(text).toContain('1 span: 1 broad-use; 3 values redacted');
    const json = formatExplainJson(header, [explained]);
    expect(JSON.parse(json).spans[0].rule).toBe('clean');
    for (const out of [text, json]) {
      expect(out).not.toContain('jane.doe@example.com');
      expect(out).not.toContain('555 0134');
    }
  });

  it('says why a span was rejected or discarded', () => {
    const rejected = explainDecision({ ...decision, tenantSource: 'none', tenant: undefined, classification: 'discard', rule: '', rejectReason: 'tenant_mismatch', reason: 'the tenant named in the data differs', redactions: [] }, 'f', 2, builtinScrubber());
    const discarded = explainDecision({ ...decision, classification: 'discard', rule: '', discardReason: 'no_rule_matched', reason: 'no rule matched (fail closed)', redactions: [] }, 'f', 3, builtinScrubber());
    const text = formatExplainText({ policyVersion: 'v', policySources: ['p'] }, [rejected, discarded]);
    expect(text).toContain('decision:  rejected (tenant_mismatch): the tenant named in the data differs');
    expect(text).toContain('decision:  discard (no_rule_matched): no rule matched (fail closed)');
    expect(text).toContain('2 spans: 1 rejected, 1 discard; 0 values redacted');
  });
});
