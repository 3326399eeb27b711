/**
 * Golden fixtures (design principle 8): folders that pin a policy's behaviour. Used by the test suite
 * (test/golden.test.ts) and by `loopgate test POLICY --fixtures DIR`.
 *
 * A case is a folder holding:
 *   input.json        OTLP-JSON request: traces or logs (its top-level member says which)
 *   context.json      optional: {"tenant": "acme"} = authenticated as acme
 *   broad-use.json    expected OTLP-JSON exported to that class (all tenants, in output order), in
 *                     the input's signal;
 *   tenant-only.json  a missing file means nothing may be exported to that class
 *   eval-only.json
 *   discarded.json    optional: expected discard counts by reason, e.g. {"no_rule_matched": 1}
 *   rejected.json     optional: expected rejections, e.g. {"count": 1, "reasons": {"tenant_mismatch": 1}}
 * The `loopgate.policy.version` stamp is written as "<policy.version>" so editing a policy does not
 * rewrite every expectation; everything else is compared exactly (after JSON normalisation).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODECS, joinRequests, signalOfJson, type SignalRequest } from '../otlp/signal.js';
import { withLocalCaps } from './caps.js';
import { EXPORT_CLASSES, STAMP, type CompiledPolicy, type ProcessResult, type RequestContext } from './types.js';

export interface FixtureMismatch {
  /** The expectation file (or input) concerned. */
  file: string;
  message: string;
  /** Unified-style line diff, `-` expected, `+` actual. */
  diff: string;
}

export interface FixtureCaseResult {
  name: string;
  dir: string;
  ok: boolean;
  mismatches: FixtureMismatch[];
}

export interface FixtureRunResult {
  ok: boolean;
  cases: FixtureCaseResult[];
}

export interface FixtureOptions {
  /** Rewrite the expectation files from what the policy does now. */
  update?: boolean;
}

const VERSION_PLACEHOLDER = '<policy.version>';

/** Runs every case folder under `dir` (a folder holding `input.json` is itself a single case). */
export function runFixtures(policy: CompiledPolicy, dir: string, options: FixtureOptions = {}): FixtureRunResult {
  const caseDirs = existsSync(join(dir, 'input.json'))
    ? [dir]
    : readdirSync(dir)
        .sort()
        .map((d) => join(dir, d))
        .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'input.json')));
  // Cases run in order against one set of in-memory cap counters, as one replica would count them.
  const counted = withLocalCaps(policy);
  const cases = caseDirs.map((d) => runCase(counted, d, options));
  return { ok: cases.length > 0 && cases.every((c) => c.ok), cases };
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function pretty(v: unknown): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

/**
 * What `result` exported to `cls`, as the OTLP-JSON request of its signal (every tenant's output in
 * order), or undefined when nothing went there.
 */
export function exportedRequest(result: ProcessResult, cls: string): SignalRequest | undefined {
  const outs = result.outputs.filter((o) => o.class === cls);
  if (outs.length === 0) return undefined;
  const signal = outs[0]!.signal;
  return { signal, data: joinRequests(signal, outs.map((o) => o.data) as never[]) } as SignalRequest;
}

/** The request as OTLP-JSON text; the codec's own encoder, so key order is the encoder's. */
export function requestJsonText(request: SignalRequest): string {
  return new TextDecoder().decode(CODECS[request.signal].encode(request.data as never, 'json'));
}

/**
 * Actual export for one class, as normalised OTLP-JSON text (2-space JSON in the encoder's key order,
 * the version stamp as its placeholder), or undefined when nothing went there.
 */
export function classText(result: ProcessResult, cls: string, version: string): string | undefined {
  const request = exportedRequest(result, cls);
  if (request === undefined) return undefined;
  return pretty(replaceVersion(JSON.parse(requestJsonText(request)), version));
}

/** Decodes a fixture's (or corpus file's) OTLP-JSON request of spans or log records. */
export function decodeRecordsJson(text: string | Uint8Array): { ok: true; request: SignalRequest } | { ok: false; error: string } {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  let root: unknown;
  try {
    root = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  // A request naming no signal (`{}`) is read as traces, as before logs existed.
  const signal = signalOfJson(root) ?? 'traces';
  if (signal === 'metrics') return { ok: false, error: 'a metrics request: metrics are not classified, so there is nothing to test or explain' };
  const r = CODECS[signal].decode(bytes, 'json');
  return r.ok ? { ok: true, request: { signal, data: r.value } as SignalRequest } : { ok: false, error: r.error };
}

function replaceVersion(v: unknown, version: string): unknown {
  const text = JSON.stringify(v);
  // The stamp is a string attribute; its value is the 12-hex version, never anything user-supplied.
  return JSON.parse(
    text.replaceAll(`{"key":"${STAMP.policyVersion}","value":{"stringValue":"${version}"}}`, `{"key":"${STAMP.policyVersion}","value":{"stringValue":"${VERSION_PLACEHOLDER}"}}`),
  );
}

function runCase(policy: CompiledPolicy, dir: string, options: FixtureOptions): FixtureCaseResult {
  const name = dir.split(/[\\/]/).pop() ?? dir;
  const mismatches: FixtureMismatch[] = [];
  const fail = (file: string, message: string, diff = ''): void => {
    mismatches.push({ file: join(dir, file), message, diff });
  };

  const decoded = decodeRecordsJson(readFileSync(join(dir, 'input.json')));
  if (!decoded.ok) {
    fail('input.json', `input is not valid OTLP-JSON: ${decoded.error}`);
    return { name, dir, ok: false, mismatches };
  }
  let ctx: RequestContext = {};
  if (existsSync(join(dir, 'context.json'))) {
    const c = readJson(join(dir, 'context.json')) as { tenant?: string };
    if (c.tenant !== undefined) ctx = { authTenant: c.tenant };
  }
  const result = policy.processSignal(decoded.request, ctx);
  const records = decoded.request.signal === 'logs' ? 'log records' : 'spans';

  for (const cls of EXPORT_CLASSES) {
    const file = `${cls}.json`;
    const path = join(dir, file);
    const actual = classText(result, cls, policy.version);
    if (options.update) {
      if (actual === undefined) rmSync(path, { force: true });
      else writeFileSync(path, actual);
      continue;
    }
    const expected = existsSync(path) ? pretty(readJson(path)) : undefined;
    if (expected === undefined && actual !== undefined) fail(file, `${records} were exported to ${cls}, but ${file} does not exist (nothing may go there)`, diffLines('', actual));
    else if (expected !== undefined && actual === undefined) fail(file, `nothing was exported to ${cls}, but ${file} expects ${records}`, diffLines(expected, ''));
    else if (expected !== undefined && actual !== undefined && expected !== actual) fail(file, `${cls} output differs from ${file}`, diffLines(expected, actual));
  }

  const counts: [string, unknown][] = [
    ['discarded.json', result.discarded],
    ['rejected.json', result.rejected.count === 0 ? {} : { count: result.rejected.count, reasons: result.rejected.reasons }],
  ];
  for (const [file, value] of counts) {
    const path = join(dir, file);
    const actual = pretty(sortKeys(value));
    const empty = Object.keys(value as object).length === 0;
    if (options.update) {
      if (empty) rmSync(path, { force: true });
      else writeFileSync(path, actual);
      continue;
    }
    // A missing counts file means "none", like a missing class file.
    const expected = existsSync(path) ? pretty(sortKeys(readJson(path))) : pretty({});
    if (expected !== actual) fail(file, `${file.replace('.json', '')} counts differ`, diffLines(expected, actual));
  }
  return { name, dir, ok: mismatches.length === 0, mismatches };
}

function sortKeys(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/**
 * A line diff (longest common subsequence), `-` for expected-only lines, `+` for actual-only lines,
 * with two lines of context. Large inputs fall back to the first differing line.
 */
export function diffLines(expected: string, actual: string): string {
  const a = expected === '' ? [] : expected.replace(/\n$/, '').split('\n');
  const b = actual === '' ? [] : actual.replace(/\n$/, '').split('\n');
  if (a.length * b.length > 4_000_000) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return `first difference at line ${i + 1}:\n- ${a[i] ?? '(end)'}\n+ ${b[i] ?? '(end)'}`;
  }
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: [' ' | '-' | '+', string][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push([' ', a[i]!]);
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push(['+', b[j++]!]);
    else ops.push(['-', a[i++]!]);
  }
  const CONTEXT = 2;
  const keep = ops.map((op, k) => ops.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((o) => o[0] !== ' '));
  const lines: string[] = [];
  let skipped = false;
  ops.forEach((op, k) => {
    if (keep[k]) {
      lines.push(`${op[0]} ${op[1]}`);
      skipped = false;
    } else if (!skipped) {
      lines.push('  …');
      skipped = true;
    }
  });
  return lines.join('\n');
}

/** Human-readable report for the CLI and for test failure messages. */
export function formatFixtureReport(run: FixtureRunResult): string {
  const out: string[] = [];
  for (const c of run.cases) {
    out.push(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}`);
    for (const m of c.mismatches) {
      out.push(`  ${m.file}: ${m.message}`);
      if (m.diff) out.push(m.diff.replace(/^/gm, '    '));
    }
  }
  if (run.cases.length === 0) out.push('no fixture cases found (folders with input.json)');
  return out.join('\n');
}
