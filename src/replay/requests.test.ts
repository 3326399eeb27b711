import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../otlp/encode-json.js';
import { countSpans } from '../otlp/model.js';
import { batch, span } from '../policy/test-helpers.js';
import { parseTraceRequests } from './requests.js';
import { PRODUCERS_DIR } from '../../test/support/fixture-paths.js';

const one = encodeTracesJson(batch({ 'tenant.id': 'acme' }, span(), span()));

describe('parseTraceRequests', () => {
  it('reads a single request, compact or pretty-printed', () => {
    for (const text of [one, JSON.stringify(JSON.parse(one), null, 2)]) {
      const r = parseTraceRequests(text, 'req.json');
      expect(r.ok && r.requests.map((q) => [q.origin, countSpans(q.data)])).toEqual([['req.json', 2]]);
    }
  });

  it('reads JSON Lines as the file exporter writes them, naming each line, skipping blank ones', () => {
    const r = parseTraceRequests(`${one}\n\n${one}\n`, 'eval.jsonl');
    expect(r.ok && r.requests.map((q) => q.origin)).toEqual(['eval.jsonl:1', 'eval.jsonl:3']);
  });

  it('reads a real producer payload', () => {
    const text = readFileSync(`${PRODUCERS_DIR}/traceloop.json`, 'utf8');
    const r = parseTraceRequests(text, 'traceloop.json');
    expect(r.ok && r.requests.length).toBe(1);
  });

  it('is empty for an empty file', () => {
    expect(parseTraceRequests('\n', 'e.jsonl')).toEqual({ ok: true, requests: [] });
  });

  it('names the bad line and never quotes its content', () => {
    const r = parseTraceRequests(`${one}\n{"resourceSpans": "jane@example.com"\n`, 'bad.jsonl');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^bad\.jsonl:2: /);
      expect(r.error).not.toContain('jane@example.com');
    }
  });

  it('reports the decode error of a single JSON value that is not a trace request', () => {
    const r = parseTraceRequests('{\n  "resourceSpans": 3\n}\n', 'x.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^x\.json: not an OTLP-JSON trace request: .*resourceSpans/);
  });
});
