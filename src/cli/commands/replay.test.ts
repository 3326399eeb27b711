import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesJson } from '../../otlp/encode-json.js';
import { batch, span } from '../../policy/test-helpers.js';
import type { ReplayReport } from '../../replay/index.js';
import { main } from '../main.js';
import type { CliIO } from './types.js';
import { PRODUCERS_LOGS_DIR } from '../../../test/support/fixture-paths.js';
import { leakedValues } from '../../../test/support/planted.js';

function capture(cwd: string) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), env: {}, cwd };
  return { io, out };
}

const OLD = `version: 1
detectors: { builtin: [EMAIL_ADDRESS] }
tenants:
  contracts: { acme: { broad_use: true, eval: true } }
rules:
  - id: clean-broad
    when: { not: { detected: { any: true } } }
    class: broad-use
  - id: rest-tenant
    when: { always: true }
    class: tenant-only
`;

// The reviewed change: card numbers are detected too, failures become eval cases, and spans with PII
// are no longer kept at all.
const NEW = `version: 1
detectors: { builtin: [EMAIL_ADDRESS, CREDIT_CARD] }
tenants:
  contracts: { acme: { broad_use: true, eval: true } }
rules:
  - id: failures
    when: { status: error }
    class: eval-only
  - id: clean-broad
    when: { not: { detected: { any: true } } }
    class: broad-use
`;

const CARD = '4111 1111 1111 1111';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loopgate-replay-'));
  writeFileSync(join(dir, 'old.yaml'), OLD);
  writeFileSync(join(dir, 'new.yaml'), NEW);
  mkdirSync(join(dir, 'corpus', 'day1'), { recursive: true });
  const r1 = batch(
    { 'tenant.id': 'acme' },
    span({ name: 'chat', attrs: { prompt: 'hello' } }), // broad → broad
    span({ name: 'chat', attrs: { prompt: `card ${CARD}` } }), // broad → discard (newly detected)
    span({ name: 'chat', attrs: { prompt: 'mail jane@example.com' } }), // tenant → discard
  );
  const r2 = batch(
    { 'tenant.id': 'acme' },
    // Exported once already under the old policy: its stamps must not matter.
    span({ name: 'tool', status: { code: 2, message: '' }, attrs: { 'loopgate.class': 'broad-use', 'loopgate.rule': 'clean-broad' } }), // broad → eval
  );
  writeFileSync(join(dir, 'corpus', 'day1', 'broad-use.jsonl'), `${encodeTracesJson(r1)}\n${encodeTracesJson(r2)}\n`);
  writeFileSync(join(dir, 'corpus', 'single.json'), JSON.stringify(JSON.parse(encodeTracesJson(batch({ 'tenant.id': 'acme' }, span({ name: 'x' })))), null, 2));
  writeFileSync(join(dir, 'corpus', 'notes.txt'), 'ignored: not a corpus file');
});

describe('loopgate replay', () => {
  it('reports class moves, rule moves, redactions and newly dropped spans as JSON', async () => {
    const { io, out } = capture(dir);
    expect(await main(['replay', '--policy', 'new.yaml', '--baseline', 'old.yaml', '--format', 'json', 'corpus'], io)).toBe(0);
    const r = JSON.parse(out.stdout) as ReplayReport;
    expect(r).toMatchObject({ requests: 3, spans: 5, changed: 3, unpaired: 0 });
    expect(r.classes).toEqual([
      { from: 'broad-use', to: 'broad-use', count: 2 },
      { from: 'broad-use', to: 'eval-only', count: 1 },
      { from: 'broad-use', to: 'discard', count: 1 },
      { from: 'tenant-only', to: 'discard', count: 1 },
    ]);
    expect(r.rules).toContainEqual({ from: { outcome: 'broad-use', decider: 'clean-broad' }, to: { outcome: 'eval-only', decider: 'failures' }, count: 1 });
    expect(r.rules).toContainEqual({ from: { outcome: 'tenant-only', decider: 'rest-tenant' }, to: { outcome: 'discard', decider: '(no_rule_matched)' }, count: 1 });
    expect(r.redactions).toEqual([
      { entity: 'CREDIT_CARD', baseline: 0, candidate: 1, delta: 1 },
      { entity: 'EMAIL_ADDRESS', baseline: 1, candidate: 1, delta: 0 },
    ]);
    expect(r.newlyDropped).toMatchObject({ count: 2, by: [{ key: 'no_rule_matched', count: 2 }] });
    expect(r.newlyDropped.examples.map((e) => e.origin)).toEqual(['corpus/day1/broad-use.jsonl:1', 'corpus/day1/broad-use.jsonl:1']);
    expect(r.newlyExported.count).toBe(0);
    expect(out.stdout).not.toContain(CARD);
  });

  it('prints the same report as text', async () => {
    const { io, out } = capture(dir);
    expect(await main(['replay', '--policy', 'new.yaml', '--baseline', 'old.yaml', 'corpus/day1/broad-use.jsonl'], io)).toBe(0);
    expect(out.stdout).toContain('2 requests, 4 spans; outcome or deciding rule changed for 3 spans (75.0%)');
    expect(out.stdout).toMatch(/^ {2}broad-use +1 +0 +1 +1 +3$/m); // row: → broad-use, tenant-only, eval-only, discard; total
    expect(out.stdout).toMatch(/CREDIT_CARD +0 +1 +\+1/);
    expect(out.stdout).toContain('Newly dropped (exported by baseline, discarded or rejected by candidate): 2 spans');
    expect(out.stdout).not.toContain(CARD);
    expect(out.stdout).not.toContain('jane@example.com');
  });

  it('exits 2 on unreadable input and bad usage, 1 on an invalid policy', async () => {
    writeFileSync(join(dir, 'garbage.jsonl'), `${encodeTracesJson(batch({}, span()))}\n{"resourceSpans": 7}\n`);
    const a = capture(dir);
    expect(await main(['replay', '--policy', 'new.yaml', '--baseline', 'old.yaml', 'garbage.jsonl'], a.io)).toBe(2);
    expect(a.out.stderr).toMatch(/garbage\.jsonl:2: not an OTLP-JSON trace or logs request/);
    expect(a.out.stdout).toBe('');
    expect(await main(['replay', '--policy', 'new.yaml', '--baseline', 'old.yaml', 'nowhere'], capture(dir).io)).toBe(2);
    expect(await main(['replay', '--policy', 'new.yaml', 'corpus'], capture(dir).io)).toBe(2);
    expect(await main(['replay', '--policy', 'new.yaml', '--baseline', 'old.yaml'], capture(dir).io)).toBe(2);
    expect(await main(['replay', '--policy', 'new.yaml', '--baseline', 'old.yaml', '--examples', '-1', 'corpus'], capture(dir).io)).toBe(2);
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nrules: [{ id: x, class: broad-use }]\n');
    const b = capture(dir);
    expect(await main(['replay', '--policy', 'bad.yaml', '--baseline', 'old.yaml', 'corpus'], b.io)).toBe(1);
    expect(b.out.stderr).toMatch(/^bad\.yaml:2:\d+: /m);
  });

  it('replays log records: a span-only baseline discards every one, an event-name policy sends them to their classes', async () => {
    // The baseline is a policy written before logs: no rule names signal_type, so no log record matches.
    const file = join(PRODUCERS_LOGS_DIR, 'python-openai-v2-legacy.logs.json');
    const policy = join(import.meta.dirname, '..', '..', '..', 'test/fixtures/policies/logs-by-event.yaml');
    const json = capture(dir);
    expect(await main(['replay', '--policy', policy, '--baseline', 'old.yaml', '--format', 'json', file], json.io)).toBe(0);
    const r = JSON.parse(json.out.stdout) as ReplayReport;
    expect(r).toMatchObject({ requests: 1, spans: 11, records: { traces: 0, logs: 11 }, changed: 11, unpaired: 0 });
    expect(r.classes).toEqual([
      { from: 'discard', to: 'tenant-only', count: 7 },
      { from: 'discard', to: 'eval-only', count: 4 },
    ]);
    expect(r.rules).toContainEqual({ from: { outcome: 'discard', decider: '(no_rule_matched)' }, to: { outcome: 'tenant-only', decider: 'prompts-stay-home' }, count: 7 });
    expect(r.newlyExported).toMatchObject({ count: 11, by: [{ key: 'tenant-only', count: 7 }, { key: 'eval-only', count: 4 }] });
    expect(r.newlyExported.examples.every((e) => e.signal === 'logs' && e.name?.startsWith('gen_ai.'))).toBe(true);
    expect(leakedValues(json.out.stdout)).toEqual([]);

    const text = capture(dir);
    expect(await main(['replay', '--policy', policy, '--baseline', 'old.yaml', file], text.io)).toBe(0);
    expect(text.out.stdout).toContain('1 request, 11 log records; outcome or deciding rule changed for 11 log records (100.0%)');
    expect(text.out.stdout).toContain('Newly exported (discarded or rejected by baseline, exported by candidate): 11 log records');
    expect(text.out.stdout).toMatch(/^ {4}\S+python-openai-v2-legacy\.logs\.json log record trace [0-9a-f]{32} span [0-9a-f]{16} "gen_ai\.[a-z.]+": discard by \(no_rule_matched\) → /m);
    expect(leakedValues(text.out.stdout)).toEqual([]);
  });

  it('has --help', async () => {
    const { io, out } = capture(dir);
    expect(await main(['replay', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('Usage: loopgate replay');
  });
});
