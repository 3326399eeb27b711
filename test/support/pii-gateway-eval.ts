/**
 * Detection quality measured through the real gateway path: every corpus text rides in a span three
 * ways — inside `gen_ai.input.messages` (OTel GenAI JSON parts), as a plain attribute, and as an event
 * attribute — and is sent as OTLP/protobuf over HTTP to a running gateway on the given policy, which
 * forwards to a local OTLP sink. What the sink received is scored:
 *   - a labelled `pii` value is caught in a location when it no longer appears verbatim there
 *     (partial masks such as a card's last four digits are fine);
 *   - a `keep` look-alike is kept when it still appears verbatim;
 *   - the JSON-valued attribute must still parse.
 * Used by `npm run eval:pii` (bench/eval-pii.ts) and by test/pii-eval.test.ts, which asserts the targets.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../src/gateway/start.js';
import { encodeTracesProtobuf } from '../../src/otlp/encode-protobuf.js';
import { getStringAttribute, newSpan, str, type Span, type TracesData } from '../../src/otlp/model.js';
import { f2, type CorpusCase } from '../../src/policy/detect/corpus-eval.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { startOtlpSink } from './otlp-sink.js';
import { gatewayConfig } from './gateway-config.js';

export const LOCATIONS = ['gen_ai.input.messages', 'attribute', 'event'] as const;
export type EvalLocation = (typeof LOCATIONS)[number];

export interface EntityRow {
  entity: string;
  /** Labelled values × locations. */
  n: number;
  caught: number;
  recall: number;
  /** Look-alikes in the cases that carry this entity, × locations. */
  keepN: number;
  kept: number;
  keepRate: number;
  f2: number;
}

export interface GatewayEvalResult {
  rows: EntityRow[];
  total: EntityRow;
  json: { n: number; valid: number };
  misses: { id: string; entity: string; location: EvalLocation }[];
  overRedacted: { id: string; value: string; location: EvalLocation }[];
  spans: number;
}

const MESSAGES_KEY = 'gen_ai.input.messages';
const PLAIN_KEY = 'app.user_input';
const EVENT_NAME = 'gen_ai.user.message';
const EVENT_KEY = 'content';

function caseSpan(c: CorpusCase, spanId: string): Span {
  const messages = [{ role: 'user', parts: [{ type: 'text', content: c.text }] }];
  return newSpan({
    traceId: randomBytes(16).toString('hex'),
    spanId,
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_500_000_000n,
    attributes: [
      { key: 'gen_ai.operation.name', value: str('chat') },
      { key: 'gen_ai.request.model', value: str('gpt-4o-mini') },
      { key: MESSAGES_KEY, value: str(JSON.stringify(messages)) },
      { key: PLAIN_KEY, value: str(c.text) },
    ],
    events: [
      {
        timeUnixNano: 1_700_000_000_100_000_000n,
        name: EVENT_NAME,
        attributes: [{ key: EVENT_KEY, value: str(c.text) }],
        droppedAttributesCount: 0,
      },
    ],
  });
}

function batch(spans: Span[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: str('pii-eval') }, { key: 'tenant.id', value: str('eval') }], droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 'pii-eval', version: '1', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

/** The text of each location as exported, or undefined when the attribute vanished. */
function exportedTexts(span: Span): { texts: Partial<Record<EvalLocation, string>>; jsonValid: boolean } {
  const texts: Partial<Record<EvalLocation, string>> = {};
  let jsonValid = false;
  const raw = getStringAttribute(span.attributes, MESSAGES_KEY);
  if (raw !== undefined) {
    try {
      const parsed = JSON.parse(raw) as { parts?: { content?: unknown }[] }[];
      jsonValid = true;
      // Both the decoded content and the raw attribute must be clean: a value could hide in either.
      texts['gen_ai.input.messages'] = `${String(parsed[0]?.parts?.[0]?.content ?? '')}\u0000${raw}`;
    } catch {
      texts['gen_ai.input.messages'] = raw;
    }
  }
  const plain = getStringAttribute(span.attributes, PLAIN_KEY);
  if (plain !== undefined) texts.attribute = plain;
  const event = span.events.find((e) => e.name === EVENT_NAME);
  const eventText = event ? getStringAttribute(event.attributes, EVENT_KEY) : undefined;
  if (eventText !== undefined) texts.event = eventText;
  return { texts, jsonValid };
}

export async function evaluateThroughGateway(cases: readonly CorpusCase[], policyPath: string): Promise<GatewayEvalResult> {
  const sink = await startOtlpSink();
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-pii-eval-'));
  const configText = [
    'receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }',
    `policy: ${JSON.stringify(policyPath)}`,
    'exporters:',
    '  otlphttp/sink:',
    `    endpoint: ${sink.url}`,
    '    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 60s }',
    'routes: { broad-use: [otlphttp/sink], tenant-only: [otlphttp/sink], eval-only: [otlphttp/sink] }',
    'service: { telemetry: { metrics: { address: "127.0.0.1:0" } } }',
    '',
  ].join('\n');
  const configPath = join(dir, 'loopgate.yaml');
  writeFileSync(configPath, configText);
  const gateway = await startGateway(gatewayConfig(configText, configPath), { env: {}, logger: createLogger({ level: 'silent' }) });
  try {
    const byId = new Map<string, CorpusCase>();
    const spans = cases.map((c, i) => {
      const spanId = (i + 1).toString(16).padStart(16, '0');
      byId.set(spanId, c);
      return caseSpan(c, spanId);
    });
    for (let i = 0; i < spans.length; i += 50) {
      const res = await fetch(`${gateway.receiverUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: encodeTracesProtobuf(batch(spans.slice(i, i + 50))),
      });
      if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
    }
    await sink.waitForSpans(spans.length, 60_000);

    const per = new Map<string, EntityRow>();
    const row = (entity: string): EntityRow => {
      let r = per.get(entity);
      if (!r) per.set(entity, (r = { entity, n: 0, caught: 0, recall: 0, keepN: 0, kept: 0, keepRate: 0, f2: 0 }));
      return r;
    };
    const total = row('ALL');
    const misses: GatewayEvalResult['misses'] = [];
    const overRedacted: GatewayEvalResult['overRedacted'] = [];
    const json = { n: 0, valid: 0 };
    for (const span of sink.spans()) {
      const c = byId.get(span.spanId);
      if (!c) continue;
      byId.delete(span.spanId);
      const { texts, jsonValid } = exportedTexts(span);
      json.n++;
      if (jsonValid) json.valid++;
      const entities = new Set(c.pii.map((p) => p.entity));
      for (const location of LOCATIONS) {
        // An attribute the policy dropped leaks nothing (and keeps nothing).
        const text = texts[location] ?? '';
        for (const p of c.pii) {
          const leaked = text.includes(p.value);
          for (const r of [row(p.entity), total]) {
            r.n++;
            if (!leaked) r.caught++;
          }
          if (leaked) misses.push({ id: c.id, entity: p.entity, location });
        }
        for (const k of c.keep) {
          const kept = text.includes(k);
          for (const r of [...[...entities].map(row), total]) {
            r.keepN++;
            if (kept) r.kept++;
          }
          if (!kept) overRedacted.push({ id: c.id, value: k, location });
        }
      }
    }
    if (byId.size > 0) throw new Error(`${byId.size} spans never reached the sink`);
    for (const r of per.values()) {
      r.recall = r.n === 0 ? 1 : r.caught / r.n;
      r.keepRate = r.keepN === 0 ? 1 : r.kept / r.keepN;
      r.f2 = f2(r.recall, r.keepRate);
    }
    const rows = [...per.values()].filter((r) => r !== total).sort((a, b) => b.n - a.n || a.entity.localeCompare(b.entity));
    return { rows, total, json, misses, overRedacted, spans: spans.length };
  } finally {
    await gateway.close();
    await sink.close();
  }
}

export function formatEvalTable(result: GatewayEvalResult): string {
  const header = ['entity', 'n', 'recall', 'look-alikes kept', 'F2'];
  const line = (r: EntityRow): string[] => [r.entity, String(r.n), r.recall.toFixed(3), r.keepN === 0 ? '-' : r.keepRate.toFixed(3), r.f2.toFixed(3)];
  const body = [...result.rows.map(line), line(result.total)];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(fmt),
    '',
    `JSON-valued attributes still valid JSON: ${result.json.valid}/${result.json.n} (${((100 * result.json.valid) / Math.max(1, result.json.n)).toFixed(1)}%)`,
  ].join('\n');
}
