/**
 * The GenAI message structures in logs (test/fixtures/producers-logs, see its README), through the
 * shipped redact-all policy: message parts (text, tool_call arguments, tool_call_response results,
 * reasoning) are found and redacted wherever the instrumentations put them (a kvlist body, JSON strings
 * inside it, structured `gen_ai.input.messages` / `gen_ai.output.messages` attributes, and
 * `gen_ai.system_instructions` on spans), every structure keeps its shape, JSON stays JSON, and every
 * record is stamped.
 *
 * Values of the kinds the built-in detectors cover (e-mail, phone, card, IBAN, SSN, API keys) must all
 * be gone. The planted person name is not such a kind: no built-in detector finds names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogRecord, LogsData } from '../otlp/logs-model.js';
import { getStringAttribute, type AnyValue, type KeyValue } from '../otlp/model.js';
import { CODECS, type SignalRequest } from '../otlp/signal.js';
import { PRODUCERS_LOGS_DIR, REPO_ROOT } from '../../test/support/fixture-paths.js';
import { loadPolicy } from './load.js';
import { STAMP } from './types.js';

const manifest = JSON.parse(readFileSync(join(PRODUCERS_LOGS_DIR, 'manifest.json'), 'utf8')) as {
  files: Record<string, { signal: 'logs' | 'traces'; planted: Record<string, string[]> }>;
};
const DETECTABLE = ['email', 'phone', 'card', 'iban', 'ssn', 'api_key'];

const loaded = loadPolicy(join(REPO_ROOT, 'policies/examples/redact-all.yaml'), { env: {} });
if (!loaded.ok) throw new Error('redact-all must load');
const policy = loaded.policy;

function request(file: string): SignalRequest {
  const { signal } = manifest.files[file]!;
  const r = CODECS[signal].decode(readFileSync(join(PRODUCERS_LOGS_DIR, file)), file.endsWith('.pb') ? 'protobuf' : 'json');
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  return { signal, data: r.value } as SignalRequest;
}

const records = (d: LogsData): LogRecord[] => d.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));

/** The value with every string replaced by '' and every kvlist's keys kept: its shape. */
function shape(v: AnyValue): unknown {
  switch (v.kind) {
    case 'string':
      return 'string';
    case 'array':
      return v.values.map(shape);
    case 'kvlist':
      return v.values.map((kv) => [kv.key, shape(kv.value)]);
    default:
      return v.kind;
  }
}

function* strings(v: AnyValue): Generator<string> {
  if (v.kind === 'string') yield v.value;
  else if (v.kind === 'array') for (const x of v.values) yield* strings(x);
  else if (v.kind === 'kvlist') for (const kv of v.values) yield* strings(kv.value);
}

const attr = (attrs: readonly KeyValue[], key: string): AnyValue | undefined => attrs.find((a) => a.key === key)?.value;

const files = Object.keys(manifest.files).filter((f) => /\.(json|pb)$/.test(f));

describe('GenAI content in logs (and their spans) through redact-all', () => {
  it.each(files)('%s: no detectable planted value leaves, every record exported and stamped', (file) => {
    const input = request(file);
    const before = new TextDecoder().decode(CODECS[input.signal].encode(input.data as never, 'json'));
    const result = policy.processSignal(input, {});
    // The input is never mutated.
    expect(new TextDecoder().decode(CODECS[input.signal].encode(input.data as never, 'json'))).toBe(before);
    const total = CODECS[input.signal].count(input.data as never);
    expect(result.outputs.reduce((n, o) => n + o.count, 0)).toBe(total);
    const out = result.outputs.map((o) => new TextDecoder().decode(CODECS[o.signal].encode(o.data as never, 'json'))).join('\n');
    for (const kind of DETECTABLE) for (const v of manifest.files[file]!.planted[kind] ?? []) expect(out, `${file} leaks ${kind}`).not.toContain(v);
    // The digits-only card and IBAN forms must not leak either.
    expect(out).not.toContain('4532019627335168');
    expect(out).not.toContain('GB29NWBK60161331926819');
    const stamps = out.match(/"key":"loopgate\.class"/g) ?? [];
    expect(stamps).toHaveLength(total);
  });

  it.each(files.filter((f) => f.includes('.logs.')))('%s: bodies and structured attributes keep their shape; JSON strings stay JSON', (file) => {
    const input = request(file);
    if (input.signal !== 'logs') throw new Error('logs expected');
    const result = policy.processSignal(input, {});
    const out = result.outputs[0]!;
    if (out.signal !== 'logs') throw new Error('logs out');
    const before = records(input.data);
    const after = records(out.data);
    expect(after).toHaveLength(before.length);
    let redacted = 0;
    after.forEach((rec, i) => {
      const orig = before[i]!;
      expect(rec.eventName).toBe(orig.eventName);
      expect(rec.body.kind).toBe(orig.body.kind);
      expect(shape(rec.body)).toEqual(shape(orig.body));
      for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions']) {
        const a = attr(rec.attributes, key);
        const b = attr(orig.attributes, key);
        expect(a === undefined ? undefined : shape(a)).toEqual(b === undefined ? undefined : shape(b));
      }
      for (const s of [...strings(rec.body), ...rec.attributes.flatMap((kv) => [...strings(kv.value)])]) {
        if (/^\s*[[{]/.test(s) && /[\]}]\s*$/.test(s)) expect(() => JSON.parse(s)).not.toThrow();
      }
      for (const k of [STAMP.class, STAMP.rule, STAMP.policyVersion, STAMP.redactions]) expect(rec.attributes.map((a) => a.key)).toContain(k);
      redacted += Number((attr(rec.attributes, STAMP.redactions) as { value: bigint }).value);
      expect(getStringAttribute(rec.attributes, STAMP.class)).toBe('broad-use');
    });
    expect(redacted).toBeGreaterThan(0);
  });

  it('finds the message parts where each instrumentation puts them', () => {
    const explain = (file: string) => policy.processSignal(request(file), {}, { explain: true }).decisions!.flatMap((d) => d.redactions.map((r) => `${r.location.field}${r.location.jsonPath ?? ''}`));
    // Python, current conventions: structured attributes, tool_call arguments as a kvlist, the tool
    // result as a JSON string inside a kvlist.
    const events = explain('python-openai-v2-events.logs.pb');
    expect(events.some((f) => f.startsWith('log.attributes["gen_ai.input.messages"]') && f.includes('.parts') && f.includes('.content'))).toBe(true);
    expect(events.some((f) => f.includes('.arguments'))).toBe(true);
    expect(events.some((f) => f.includes('.response$'))).toBe(true);
    expect(events.some((f) => f.startsWith('log.attributes["gen_ai.output.messages"]'))).toBe(true);
    // Legacy and JS: the body kvlist, tool call arguments as a JSON string in it.
    const legacy = explain('python-openai-v2-legacy.logs.pb');
    expect(legacy.some((f) => f === 'log.body.content')).toBe(true);
    expect(legacy.some((f) => f.startsWith('log.body.tool_calls[0].function.arguments$'))).toBe(true);
    expect(explain('js-openai.logs.pb').some((f) => f.startsWith('log.body.message.content'))).toBe(true);
    // The JS Responses span carries the raw instructions.
    expect(explain('js-openai.traces.pb').some((f) => f.startsWith('span.attributes["gen_ai.system_instructions"]'))).toBe(true);
  });
});
