import { AssertionError } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { genAiTraces } from '../../test/support/spans.js';
import { decodeTracesJson } from '../otlp/decode-json.js';
import { countSpans, type TracesData } from '../otlp/model.js';
import { PRODUCERS_LOGS_DIR } from '../../test/support/fixture-paths.js';
import { decodeLogsJson } from '../otlp/decode-logs-json.js';
import { decodeMetricsJson } from '../otlp/decode-metrics-json.js';
import { countLogRecords } from '../otlp/logs-model.js';
import { parseRequests } from '../replay/requests.js';
import { FileExporter } from './file-exporter.js';
import type { ExportItem } from './types.js';
import { requestFor } from '../../test/support/scripted-exporter.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loopgate-file-exporter-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const item = (data: TracesData, ...tenant: [string | undefined] | []): ExportItem => ({
  signal: 'traces',
  class: 'eval-only',
  tenant: tenant.length ? tenant[0] : 'acme',
  data,
  spanCount: countSpans(data),
});
const send = async (e: FileExporter, it: ExportItem) => e.export(await requestFor(e, it));
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n');

describe('FileExporter', () => {
  it('appends one OTLP/JSON request per line, creating parent folders, and every line decodes', async () => {
    const file = join(dir, 'nested', 'deeper', 'eval.jsonl');
    const e = new FileExporter('file/eval', { type: 'file', path: file });
    const a = genAiTraces(3, 'acme', 1);
    const b = genAiTraces(2, 'acme', 2);
    expect(await send(e, item(a))).toEqual({ status: 'success' });
    expect(await send(e, item(b))).toEqual({ status: 'success' });
    const content = lines(file);
    expect(content).toHaveLength(3);
    expect(content[2]).toBe(''); // the file ends with a newline
    const decoded = content.slice(0, 2).map((l) => decodeTracesJson(l));
    expect(decoded).toEqual([{ ok: true, value: a }, { ok: true, value: b }]);
  });

  it('writes log records and metrics as OTLP/JSON requests of their signal, one per line, that explain and replay read back', async () => {
    const file = join(dir, 'all.jsonl');
    const e = new FileExporter('file/all', { type: 'file', path: file });
    const logsText = readFileSync(join(PRODUCERS_LOGS_DIR, 'python-openai-v2-legacy.logs.json'), 'utf8');
    const logs = decodeLogsJson(logsText);
    if (!logs.ok) throw new Error(logs.error);
    const metrics = decodeMetricsJson('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"gen_ai.client.token.usage","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"asInt":"42","attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}}]}]}}]}]}]}');
    if (!metrics.ok) throw new Error(metrics.error);
    const traces = genAiTraces(2, 'acme', 1);
    expect(await send(e, item(traces))).toEqual({ status: 'success' });
    expect(await send(e, { signal: 'logs', class: 'tenant-only', tenant: 'acme', data: logs.value, spanCount: countLogRecords(logs.value) })).toEqual({ status: 'success' });
    expect(await send(e, { signal: 'metrics', class: undefined, tenant: 'acme', data: metrics.value, spanCount: 1 })).toEqual({ status: 'success' });
    const content = lines(file);
    expect(content).toHaveLength(4);
    expect(content[1]!.startsWith('{"resourceLogs":[')).toBe(true);
    expect(decodeLogsJson(content[1]!)).toEqual({ ok: true, value: logs.value });
    expect(decodeMetricsJson(content[2]!)).toEqual({ ok: true, value: metrics.value });
    // What `loopgate explain` and `replay` read: the traces and logs lines, each as its own signal.
    const spansAndLogs = parseRequests(`${content[0]}\n${content[1]}\n`, 'all.jsonl');
    expect(spansAndLogs.ok && spansAndLogs.requests.map((r) => [r.origin, r.request.signal])).toEqual([
      ['all.jsonl:1', 'traces'],
      ['all.jsonl:2', 'logs'],
    ]);
  });

  it('never interleaves lines under concurrent appends', async () => {
    const file = join(dir, 'eval.jsonl');
    const e = new FileExporter('file/eval', { type: 'file', path: file });
    const items = Array.from({ length: 40 }, (_, i) => item(genAiTraces(1 + (i % 7) * 30, 'acme', i + 1)));
    const results = await Promise.all(items.map((it) => send(e, it)));
    expect(results.every((r) => r.status === 'success')).toBe(true);
    const content = lines(file).slice(0, -1);
    expect(content).toHaveLength(40);
    const traceNos = content.map((l) => {
      const r = decodeTracesJson(l);
      if (!r.ok) throw new Error(r.error);
      return parseInt(r.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId, 16);
    });
    expect(traceNos).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)); // in order, one per line
  });

  it('gives each tenant its own file, with the tenant as one safe segment', async () => {
    const e = new FileExporter('file/tenant', { type: 'file', path: join(dir, '{tenant}', 'spans.jsonl') });
    await send(e, item(genAiTraces(1), 'acme'));
    await send(e, item(genAiTraces(1), '../escape'));
    expect(lines(join(dir, 'acme', 'spans.jsonl'))).toHaveLength(2);
    expect(lines(join(dir, '..%2Fescape', 'spans.jsonl'))).toHaveLength(2);
    expect(await send(e, item(genAiTraces(1), undefined))).toMatchObject({ status: 'failure' });
    expect(await send(e, item(genAiTraces(1), '..'))).toMatchObject({ status: 'failure' });
  });

  it('reports write errors as retryable', async () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const e = new FileExporter('file/eval', { type: 'file', path: join(blocker, 'eval.jsonl') });
    // mkdir reports EEXIST, append would report ENOTDIR: either way the queue retries it.
    expect(await send(e, item(genAiTraces(1)))).toMatchObject({ status: 'retryable', error: expect.stringMatching(/^write: E[A-Z]+$/) });
  });

  it('recreates a folder removed under it on the next attempt', async () => {
    const sub = join(dir, 'sub');
    const e = new FileExporter('file/eval', { type: 'file', path: join(sub, 'eval.jsonl') });
    expect(await send(e, item(genAiTraces(1)))).toEqual({ status: 'success' });
    rmSync(sub, { recursive: true });
    expect(await send(e, item(genAiTraces(1)))).toEqual({ status: 'retryable', error: 'write: ENOENT' });
    expect(await send(e, item(genAiTraces(1)))).toEqual({ status: 'success' });
    expect(lines(join(sub, 'eval.jsonl'))).toHaveLength(2);
  });

  it('asserts a blank path, which the config schema refuses', () => {
    expect(() => new FileExporter('file/eval', { type: 'file', path: ' ' })).toThrow(AssertionError);
    expect(() => new FileExporter('file/eval', { type: 'file', path: ' ' })).toThrow(/exporters\.file\/eval\.path/);
  });
});
