/**
 * Small, realistic TracesData for export tests: GenAI chat spans with the shapes real instrumentations
 * send (JSON-valued message attributes, usage counts as ints, events, a link, error status), built in
 * code so tests do not depend on files outside the repository.
 */
import { int, newSpan, str, StatusCode, type Span, type TracesData } from '../../src/otlp/model.js';

const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');

export function genAiSpan(i: number, traceNo = 1): Span {
  return newSpan({
    traceId: hex(traceNo, 32),
    spanId: hex(i + 1, 16),
    parentSpanId: i === 0 ? '' : hex(1, 16),
    name: `chat gpt-4o-mini #${i}`,
    kind: 3,
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n,
    endTimeUnixNano: 1_700_000_000_500_000_000n + BigInt(i) * 1_000_000n,
    attributes: [
      { key: 'gen_ai.operation.name', value: str('chat') },
      { key: 'gen_ai.request.model', value: str('gpt-4o-mini') },
      { key: 'gen_ai.usage.input_tokens', value: int(12 + i) },
      { key: 'gen_ai.input.messages', value: str(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${i} <EMAIL_ADDRESS>` }] }])) },
      { key: 'loopgate.class', value: str('tenant-only') },
    ],
    events: [{ timeUnixNano: 1_700_000_000_100_000_000n, name: 'gen_ai.choice', attributes: [{ key: 'index', value: int(0) }], droppedAttributesCount: 0 }],
    status: i % 5 === 4 ? { code: StatusCode.ERROR, message: 'rate limited' } : { code: StatusCode.UNSET, message: '' },
  });
}

/** One resource (with tenant.id), one scope, `n` spans. */
export function genAiTraces(n: number, tenant = 'acme', traceNo = 1): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: str('chatbot') }, { key: 'tenant.id', value: str(tenant) }], droppedAttributesCount: 0 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.36.0',
        scopeSpans: [
          {
            scope: { name: '@traceloop/instrumentation-openai', version: '0.27.0', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: Array.from({ length: n }, (_, i) => genAiSpan(i, traceNo)),
          },
        ],
      },
    ],
  };
}
