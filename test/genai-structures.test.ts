/**
 * Issue "Detection quality" §5: GenAI structures are redacted in place with their structure kept.
 * One row per place the instrumentations put content (OTel GenAI semconv, OpenInference, Vercel AI SDK,
 * OpenLLMetry), plus span names, status messages, events, links, resource and scope attributes.
 * Each row carries PII; after the redact-all policy none of it may remain, JSON must still parse, and
 * the parts that are not content (roles, tool names, ids, types) must be unchanged.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getStringAttribute, newSpan, str, type KeyValue, type Span, type TracesData } from '../src/otlp/model.js';
import { loadPolicy } from '../src/policy/load.js';

const ROOT = resolve(import.meta.dirname, '..');
const loaded = loadPolicy(resolve(ROOT, 'policies/examples/redact-all.yaml'), { env: {} });
if (!loaded.ok) throw new Error('redact-all must load');
const policy = loaded.policy;

const EMAIL = 'maria.garcia+support@example.org';
const CARD = '5555 5555 5555 4444';
const PHONE = '+1 212-555-0143';
const KEY = 'sk_live_51Hx9QpLmN2vR4tY7uIoP3aS5dF8gH0jK';
const PII = [EMAIL, CARD, PHONE, KEY];

const json = (v: unknown): string => JSON.stringify(v);

interface Row {
  name: string;
  key: string;
  value: string;
  /** Checks on the redacted value: the structure that is not content survives. */
  keeps?: (redacted: string) => void;
}

const rows: Row[] = [
  {
    name: 'OTel GenAI gen_ai.input.messages: text part, tool_call arguments and tool_call_response',
    key: 'gen_ai.input.messages',
    value: json([
      { role: 'user', parts: [{ type: 'text', content: `I'm ${EMAIL}, card ${CARD}` }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_7', name: 'lookup', arguments: { phone: PHONE } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_7', response: { email: EMAIL, note: `key ${KEY}` } }] },
    ]),
    keeps: (v) => {
      const m = JSON.parse(v);
      expect(m.map((x: { role: string }) => x.role)).toEqual(['user', 'assistant', 'tool']);
      expect(m[1].parts[0]).toMatchObject({ type: 'tool_call', id: 'call_7', name: 'lookup' });
      expect(m[2].parts[0]).toMatchObject({ type: 'tool_call_response', id: 'call_7' });
    },
  },
  {
    name: 'OTel GenAI gen_ai.output.messages with finish_reason',
    key: 'gen_ai.output.messages',
    value: json([{ role: 'assistant', finish_reason: 'stop', parts: [{ type: 'text', content: `I will call ${PHONE}` }] }]),
    keeps: (v) => expect(JSON.parse(v)[0]).toMatchObject({ role: 'assistant', finish_reason: 'stop' }),
  },
  {
    name: 'OTel GenAI gen_ai.system_instructions',
    key: 'gen_ai.system_instructions',
    value: json([{ type: 'text', content: `Escalate to ${EMAIL}` }]),
    keeps: (v) => expect(JSON.parse(v)[0].type).toBe('text'),
  },
  {
    name: 'OTel GenAI tool span gen_ai.tool.call.arguments (JSON with JSON-in-JSON)',
    key: 'gen_ai.tool.call.arguments',
    value: json({ customer: { email: EMAIL }, raw: json({ card: CARD }) }),
    keeps: (v) => expect(JSON.parse(JSON.parse(v).raw)).toHaveProperty('card'),
  },
  { name: 'OTel GenAI gen_ai.tool.call.result', key: 'gen_ai.tool.call.result', value: json({ status: 'ok', contact: PHONE }) },
  {
    name: 'OpenInference llm.input_messages.N.message.content',
    key: 'llm.input_messages.0.message.content',
    value: `My card is ${CARD} and my mail ${EMAIL}`,
  },
  {
    name: 'OpenInference input.value (whole request JSON)',
    key: 'input.value',
    value: json({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `call ${PHONE}` }] }),
    keeps: (v) => expect(JSON.parse(v).model).toBe('gpt-4o-mini'),
  },
  {
    name: 'OpenInference output.value (whole response JSON, tool call arguments as a JSON string)',
    key: 'output.value',
    value: json({ choices: [{ message: { tool_calls: [{ function: { name: 'pay', arguments: json({ card: CARD }) } }] } }] }),
    keeps: (v) => expect(JSON.parse(v).choices[0].message.tool_calls[0].function.name).toBe('pay'),
  },
  { name: 'Vercel AI SDK ai.prompt', key: 'ai.prompt', value: json({ prompt: `email ${EMAIL}` }) },
  {
    name: 'Vercel AI SDK ai.prompt.messages',
    key: 'ai.prompt.messages',
    value: json([{ role: 'user', content: [{ type: 'text', text: `key ${KEY}` }] }]),
    keeps: (v) => expect(JSON.parse(v)[0].content[0].type).toBe('text'),
  },
  { name: 'Vercel AI SDK ai.response.text', key: 'ai.response.text', value: `Sure, I emailed ${EMAIL}.` },
  { name: 'Vercel AI SDK ai.toolCall.args', key: 'ai.toolCall.args', value: json({ to: EMAIL }) },
  { name: 'Vercel AI SDK ai.toolCall.result', key: 'ai.toolCall.result', value: json({ charged: CARD }) },
  { name: 'OpenLLMetry gen_ai.prompt.N.content', key: 'gen_ai.prompt.0.content', value: `reach me at ${PHONE}` },
  { name: 'OpenLLMetry gen_ai.completion.N.content', key: 'gen_ai.completion.0.content', value: `noted ${EMAIL}` },
];

function run(span: Span, resource: KeyValue[] = [], scope: KeyValue[] = []): { span: Span; data: TracesData } {
  const data: TracesData = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: str('bot') }, ...resource], droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 'genai', version: '1', attributes: scope, droppedAttributesCount: 0 }, spans: [span], schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
  const result = policy.process(data, {});
  expect(result.outputs).toHaveLength(1);
  const output = result.outputs[0]!;
  if (output.signal !== 'traces') throw new Error('traces in, traces out');
  const out = output.data;
  return { span: out.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, data: out };
}

const wire = (data: TracesData): string => JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

function chatSpan(fields: Partial<Span> = {}): Span {
  return newSpan({ traceId: 'a1'.repeat(16), spanId: 'b2'.repeat(8), name: 'chat gpt-4o-mini', ...fields });
}

describe('GenAI structures are redacted in place, structure kept', () => {
  it.each(rows)('$name', ({ key, value, keeps }) => {
    const { span, data } = run(chatSpan({ attributes: [{ key, value: str(value) }, { key: 'gen_ai.request.model', value: str('gpt-4o-mini') }] }));
    const redacted = getStringAttribute(span.attributes, key);
    expect(redacted).toBeDefined();
    for (const pii of PII) expect(wire(data)).not.toContain(pii);
    if (value.startsWith('{') || value.startsWith('[')) expect(() => JSON.parse(redacted!)).not.toThrow();
    keeps?.(redacted!);
    expect(getStringAttribute(span.attributes, 'gen_ai.request.model')).toBe('gpt-4o-mini');
    expect(Number((span.attributes.find((a) => a.key === 'loopgate.redactions')!.value as { value: bigint }).value)).toBeGreaterThan(0);
  });

  it('span names, status messages, events, links, resource and scope attributes', () => {
    const { data } = run(
      chatSpan({
        name: `reply to ${EMAIL}`,
        status: { code: 2, message: `card ${CARD} declined` },
        events: [{ timeUnixNano: 1n, name: `called ${PHONE}`, attributes: [{ key: 'gen_ai.event.content', value: str(json({ content: KEY })) }], droppedAttributesCount: 0 }],
        links: [{ traceId: 'c3'.repeat(16), spanId: 'd4'.repeat(8), traceState: '', attributes: [{ key: 'note', value: str(EMAIL) }], droppedAttributesCount: 0, flags: 0 }],
      }),
      [{ key: 'user.email', value: str(EMAIL) }],
      [{ key: 'owner', value: str(PHONE) }],
    );
    const text = wire(data);
    for (const pii of PII) expect(text).not.toContain(pii);
    const span = data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.name).toBe('reply to <EMAIL_ADDRESS>');
    expect(span.status).toEqual({ code: 2, message: 'card <CREDIT_CARD> declined' });
    expect(span.events[0]!.name).toBe('called <PHONE_NUMBER>');
    expect(JSON.parse(getStringAttribute(span.events[0]!.attributes, 'gen_ai.event.content')!)).toEqual({ content: '<STRIPE_KEY>' });
    expect(span.links[0]!.spanId).toBe('d4'.repeat(8));
  });

  it("keeps the called service's address (server.address) and redacts the caller's (client.address)", () => {
    const { span } = run(
      chatSpan({
        attributes: [
          { key: 'server.address', value: str('10.2.0.15') },
          { key: 'client.address', value: str('203.0.113.77') },
        ],
      }),
    );
    expect(getStringAttribute(span.attributes, 'server.address')).toBe('10.2.0.15');
    expect(getStringAttribute(span.attributes, 'client.address')).toBe('<IP_ADDRESS>');
  });

  it('scans a JSON member\'s value with its key as context, as a detector would read it in prose', () => {
    const args = json({ customer: { name: 'Kenji', phone: '40.67.09.27' }, db: { user: 'svc_reporting', password: 'tiger-summer-blue-52' } });
    const { span } = run(chatSpan({ attributes: [{ key: 'gen_ai.tool.call.arguments', value: str(args) }] }));
    const out = JSON.parse(getStringAttribute(span.attributes, 'gen_ai.tool.call.arguments')!);
    expect(out.customer).toEqual({ name: '<PERSON>', phone: '<PHONE_NUMBER>' });
    expect(out.db.user).toBe('svc_reporting');
    expect(out.db.password).not.toContain('tiger-summer-blue-52');
  });
});
