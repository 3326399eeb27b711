import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTracesJson } from '../../otlp/decode-json.js';
import { decodeLogsJson } from '../../otlp/decode-logs-json.js';
import { countLogRecords, type LogsData } from '../../otlp/logs-model.js';
import { encodeTracesJson } from '../../otlp/encode-json.js';
import type { AnyValue, KeyValue, TracesData } from '../../otlp/model.js';
import { builtinDetectors, createScanner } from '../../policy/detect/index.js';
import { batch, span } from '../../policy/test-helpers.js';
import { main } from '../main.js';
import type { CliIO } from './types.js';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from '../../../test/support/fixture-paths.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PRODUCERS = PRODUCERS_DIR;

function capture(cwd: string, env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), env, cwd };
  return { io, out };
}

/** Collects the strings of attribute values (nested) and their keys. */
function stringCollector(): { out: string[]; value: (v: AnyValue) => void; kvs: (list: readonly KeyValue[]) => void } {
  const out: string[] = [];
  const value = (v: AnyValue): void => {
    if (v.kind === 'string') out.push(v.value);
    else if (v.kind === 'array') v.values.forEach(value);
    else if (v.kind === 'kvlist') kvs(v.values);
  };
  const kvs = (list: readonly KeyValue[]): void => {
    for (const kv of list) {
      out.push(kv.key);
      value(kv.value);
    }
  };
  return { out, value, kvs };
}

/** Every string a request carries: names, status messages, attribute values (nested), event names. */
function strings(data: TracesData): string[] {
  const { out, kvs } = stringCollector();
  for (const rs of data.resourceSpans) {
    kvs(rs.resource.attributes);
    for (const ss of rs.scopeSpans) {
      kvs(ss.scope.attributes);
      for (const s of ss.spans) {
        out.push(s.name, s.status.message);
        kvs(s.attributes);
        for (const e of s.events) {
          out.push(e.name);
          kvs(e.attributes);
        }
        for (const l of s.links) kvs(l.attributes);
      }
    }
  }
  return out;
}

/** The values every built-in detector finds in the raw input: what explain must never print. */
function detectedValues(data: TracesData): Set<string> {
  const scanner = createScanner(builtinDetectors('all'));
  const values = new Set<string>();
  for (const s of strings(data)) for (const f of scanner.scan(s)) values.add(s.slice(f.start, f.end));
  return values;
}

const producerFiles = readdirSync(PRODUCERS).filter((f) => f.endsWith('.json'));

describe('loopgate explain never prints a detected value', () => {
  // A policy that masks with keep_last 16 would echo most short values if masks were printed.
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-explain-'));
  writeFileSync(
    join(dir, 'mask.yaml'),
    `version: 1
detectors: { builtin: all }
actions:
  default: { action: mask, keep_last: 16 }
  entities:
    EMAIL_ADDRESS: { action: hash, key_env: EXPLAIN_KEY }
    IBAN_CODE: { action: drop_attribute }
rules:
  - id: all
    when: { always: true }
    class: tenant-only
`,
  );
  const policies = [join(ROOT, 'policies/examples/redact-all.yaml'), join(ROOT, 'policies/default.yaml'), join(dir, 'mask.yaml')];

  for (const file of producerFiles) {
    it(`${file}`, async () => {
      const decoded = decodeTracesJson(readFileSync(join(PRODUCERS, file)));
      if (!decoded.ok) throw new Error(decoded.error);
      const values = detectedValues(decoded.value);
      for (const policy of policies) {
        for (const format of ['text', 'json']) {
          const { io, out } = capture(ROOT, { EXPLAIN_KEY: 'k', LOOPGATE_HASH_KEY: 'k' });
          expect(await main(['explain', '--policy', policy, '--format', format, join(PRODUCERS, file)], io), out.stderr).toBe(0);
          for (const v of values) expect(out.stdout.includes(v), `${policy} ${format} printed a detected ${JSON.stringify(v.length)}-char value`).toBe(false);
        }
      }
      if (file !== 'otel-openai.json') expect(values.size).toBeGreaterThan(0);
    });
  }
});

describe('loopgate explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-explain-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    `version: 1
detectors: { builtin: [EMAIL_ADDRESS] }
tenants:
  contracts: { acme: { broad_use: true } }
sampling:
  rate: 0.5
  keep_always:
    - id: keep-errors
      when: { status: error }
rules:
  - id: errors
    when: { status: error }
    class: broad-use
  - id: clean
    when: { not: { detected: { any: true } } }
    class: broad-use
`,
  );
  const request = batch(
    { 'tenant.id': 'acme' },
    span({ name: 'chat', attrs: { 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'I am jane@example.com' }] }]) } }),
    span({ name: 'tool', status: { code: 2, message: '' } }),
  );
  // JSON Lines as the file exporter writes them, the second line already stamped by an earlier pass.
  const stamped = batch({ 'tenant.id': 'acme' }, span({ name: 'embed', attrs: { 'loopgate.class': 'broad-use' } }));
  writeFileSync(join(dir, 'spans.jsonl'), `${encodeTracesJson(request)}\n${encodeTracesJson(stamped)}\n`);

  it('shows detections with field and JSON path, tenant, sampling and the deciding rule', async () => {
    const { io, out } = capture(dir);
    expect(await main(['explain', '--policy', 'policy.yaml', 'spans.jsonl'], io)).toBe(0);
    const text = out.stdout;
    expect(text).toMatch(/^policy [0-9a-f]{12} \(policy\.yaml\)$/m);
    expect(text).toContain('(spans.jsonl:1 #1)');
    expect(text).toContain("tenant:    'acme' from the resource attribute");
    expect(text).toContain('- EMAIL_ADDRESS (detector email) in span.attributes["gen_ai.input.messages"] at $[0].parts[0].content: replace → <EMAIL_ADDRESS>');
    expect(text).toContain('decision:  discard (no_rule_matched): no rule matched (fail closed)');
    expect(text).toContain("sampling:  kept by keep_always 'keep-errors'");
    expect(text).toContain("decision:  broad-use: rule 'errors' matched");
    expect(text).toContain('(spans.jsonl:2 #1)');
    expect(text).not.toContain('jane@example.com');
    expect(text).toMatch(/3 spans: .*; 1 value redacted\n$/);
  });

  it('resolves the tenant from --tenant as the bearer token would, and rejects a contradiction', async () => {
    const { io, out } = capture(dir);
    expect(await main(['explain', '--policy', 'policy.yaml', '--tenant', 'globex', '--format', 'json', 'spans.jsonl'], io)).toBe(0);
    const json = JSON.parse(out.stdout) as { authTenant: string; spans: { outcome: string; rejectReason?: string; tenant: { source: string } }[] };
    expect(json.authTenant).toBe('globex');
    expect(json.spans.map((s) => [s.outcome, s.rejectReason])).toEqual([
      ['rejected', 'tenant_mismatch'],
      ['rejected', 'tenant_mismatch'],
      ['rejected', 'tenant_mismatch'],
    ]);
    const acme = capture(dir);
    await main(['explain', '--policy', 'policy.yaml', '--tenant', 'acme', '--format', 'json', 'spans.jsonl'], acme.io);
    expect((JSON.parse(acme.out.stdout) as typeof json).spans[0]!.tenant.source).toBe('auth');
  });

  it('exits 2 on unreadable span files and bad usage, 1 on an invalid policy', async () => {
    writeFileSync(join(dir, 'broken.jsonl'), '{"resourceSpans": []}\nnot json jane@example.com\n');
    const a = capture(dir);
    expect(await main(['explain', '--policy', 'policy.yaml', 'broken.jsonl'], a.io)).toBe(2);
    expect(a.out.stderr).toMatch(/broken\.jsonl:2: not an OTLP-JSON trace or logs request/);
    expect(a.out.stderr).not.toContain('jane@example.com');
    expect(await main(['explain', '--policy', 'policy.yaml', 'missing.json'], capture(dir).io)).toBe(2);
    expect(await main(['explain', 'spans.jsonl'], capture(dir).io)).toBe(2);
    expect(await main(['explain', '--policy', 'policy.yaml', '--format', 'xml', 'spans.jsonl'], capture(dir).io)).toBe(2);
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nrules: 3\n');
    const b = capture(dir);
    expect(await main(['explain', '--policy', 'bad.yaml', 'spans.jsonl'], b.io)).toBe(1);
    expect(b.out.stderr).toMatch(/^bad\.yaml:2:\d+: rules/m);
  });
});

/** Every string of a logs request: bodies, attributes (nested), event names, severity text, resource and scope. */
function logStrings(data: LogsData): string[] {
  const { out, value, kvs } = stringCollector();
  for (const rl of data.resourceLogs) {
    kvs(rl.resource.attributes);
    for (const sl of rl.scopeLogs) {
      kvs(sl.scope.attributes);
      for (const r of sl.logRecords) {
        out.push(r.eventName, r.severityText);
        value(r.body);
        kvs(r.attributes);
      }
    }
  }
  return out;
}

describe('loopgate explain on logs files (GenAI events of real instrumentations)', () => {
  const logFiles = readdirSync(PRODUCERS_LOGS_DIR).filter((f) => f.endsWith('.logs.json'));
  const policies = [join(ROOT, 'policies/examples/redact-all.yaml'), join(ROOT, 'test/fixtures/policies/logs-by-event.yaml')];

  it('has the four producers', () => expect(logFiles).toHaveLength(4));

  for (const file of logFiles) {
    it(`${file}: one block per log record, named by its event, no detected value printed`, async () => {
      const decoded = decodeLogsJson(readFileSync(join(PRODUCERS_LOGS_DIR, file)));
      if (!decoded.ok) throw new Error(decoded.error);
      const scanner = createScanner(builtinDetectors('all'));
      const values = new Set<string>();
      for (const s of logStrings(decoded.value)) for (const f of scanner.scan(s)) values.add(s.slice(f.start, f.end));
      expect(values.size).toBeGreaterThan(0);
      const n = countLogRecords(decoded.value);
      for (const policy of policies) {
        for (const format of ['text', 'json'] as const) {
          const { io, out } = capture(ROOT);
          expect(await main(['explain', '--policy', policy, '--format', format, join(PRODUCERS_LOGS_DIR, file)], io), out.stderr).toBe(0);
          for (const v of values) expect(out.stdout.includes(v), `${policy} ${format} printed a detected ${v.length}-char value`).toBe(false);
          if (format === 'json') {
            const json = JSON.parse(out.stdout) as { spans: { signal: string; name: string }[] };
            expect(json.spans).toHaveLength(n);
            expect(json.spans.every((s) => s.signal === 'logs' && s.name.startsWith('gen_ai.'))).toBe(true);
          } else {
            expect(out.stdout.match(/^log record "gen_ai\.[a-z_.]+"/gm)).toHaveLength(n);
            expect(out.stdout).not.toMatch(/^span /m);
            expect(out.stdout).toMatch(new RegExp(`\\n${n} log records?: `));
          }
        }
      }
    });
  }

  it('shows where in a structured body a value was found, and the event rule that decided', async () => {
    const { io, out } = capture(ROOT);
    const file = join(PRODUCERS_LOGS_DIR, 'python-openai-v2-legacy.logs.json');
    expect(await main(['explain', '--policy', 'test/fixtures/policies/logs-by-event.yaml', file], io)).toBe(0);
    expect(out.stdout).toMatch(/^log record "gen_ai\.user\.message"  trace [0-9a-f]{32}  span [0-9a-f]{16}/m);
    expect(out.stdout).toContain('- EMAIL_ADDRESS (detector email) in log.body.content: replace → <EMAIL_ADDRESS>');
    expect(out.stdout).toContain('in log.body.message.tool_calls[0].function.arguments at $.email');
    expect(out.stdout).toContain("decision:  tenant-only: rule 'prompts-stay-home' matched");
    expect(out.stdout).toContain("decision:  eval-only: rule 'answers-to-eval' matched");
  });

  it('counts spans and log records apart in a file holding both (the file exporter routing both signals)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopgate-explain-'));
    const logs = JSON.stringify(JSON.parse(readFileSync(join(PRODUCERS_LOGS_DIR, 'js-openai.logs.json'), 'utf8')));
    const spans = encodeTracesJson(batch({ 'tenant.id': 'acme' }, span({ name: 'chat' })));
    writeFileSync(join(dir, 'both.jsonl'), `${spans}\n${logs}\n`);
    const { io, out } = capture(dir);
    expect(await main(['explain', '--policy', join(ROOT, 'test/fixtures/policies/logs-by-event.yaml'), 'both.jsonl'], io)).toBe(0);
    expect(out.stdout).toMatch(/^span "chat"/m);
    expect(out.stdout).toMatch(/\n1 span and 13 log records: /);
  });
});
