import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../otlp/encode-json.js';
import { countItems } from '../otlp/signal.js';
import { batch, span } from '../policy/test-helpers.js';
import { parseRequests } from './requests.js';
import { PRODUCERS_DIR, PRODUCERS_LOGS_DIR } from '../../test/support/fixture-paths.js';

const one = encodeTracesJson(batch({ 'tenant.id': 'acme' }, span(), span()));

describe('parseRequests', () => {
  it('reads a single request, compact or pretty-printed', () => {
    for (const text of [one, JSON.stringify(JSON.parse(one), null, 2)]) {
      const r = parseRequests(text, 'req.json');
      expect(r.ok && r.requests.map((q) => [q.origin, countItems(q.request)])).toEqual([['req.json', 2]]);
    }
  });

  it('reads JSON Lines as the file exporter writes them, naming each line, skipping blank ones', () => {
    const r = parseRequests(`${one}\n\n${one}\n`, 'eval.jsonl');
    expect(r.ok && r.requests.map((q) => q.origin)).toEqual(['eval.jsonl:1', 'eval.jsonl:3']);
  });

  it('reads a real producer payload', () => {
    const text = readFileSync(`${PRODUCERS_DIR}/traceloop.json`, 'utf8');
    const r = parseRequests(text, 'traceloop.json');
    expect(r.ok && r.requests.length).toBe(1);
  });

  it('is empty for an empty file', () => {
    expect(parseRequests('\n', 'e.jsonl')).toEqual({ ok: true, requests: [] });
  });

  it('names the bad line and never quotes its content', () => {
    const r = parseRequests(`${one}\n{"resourceSpans": "jane@example.com"\n`, 'bad.jsonl');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^bad\.jsonl:2: /);
      expect(r.error).not.toContain('jane@example.com');
    }
  });

  it('reports the decode error of a single JSON value that is not a trace request', () => {
    const r = parseRequests('{\n  "resourceSpans": 3\n}\n', 'x.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^x\.json: not an OTLP-JSON trace or logs request: .*resourceSpans/);
  });

  it('reads logs requests, and JSON Lines mixing them with trace requests (a file exporter routed both)', () => {
    const logs = readFileSync(`${PRODUCERS_LOGS_DIR}/js-openai.logs.json`, 'utf8');
    const whole = parseRequests(logs, 'logs.json');
    expect(whole.ok && whole.requests.map((q) => [q.request.signal, countItems(q.request)])).toEqual([['logs', 13]]);
    const compact = JSON.stringify(JSON.parse(logs));
    const mixed = parseRequests(`${one}\n${compact}\n`, 'mixed.jsonl');
    expect(mixed.ok && mixed.requests.map((q) => [q.origin, q.request.signal])).toEqual([
      ['mixed.jsonl:1', 'traces'],
      ['mixed.jsonl:2', 'logs'],
    ]);
  });

  it('refuses a metrics request: nothing in it is classified', () => {
    const r = parseRequests('{"resourceMetrics":[]}', 'm.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^m\.json: .*metrics are not classified/);
  });
});
