/**
 * `loopgate test POLICY --fixtures DIR [--update]`: runs a policy against golden fixture folders
 * (design principle 8) with the policy module's runner. On a mismatch it prints, per class, a unified
 * diff of the expected against the exported OTLP-JSON, each hunk headed by the span it falls in;
 * `--update` rewrites the expectations from what the policy does now (review them like code).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { unifiedDiff } from '../../explain/fixture-diff.js';
import { withLocalCaps } from '../../policy/caps.js';
import { classText, runFixtures, type FixtureCaseResult } from '../../policy/fixtures.js';
import { loadPolicy } from '../../policy/load.js';
import { EXPORT_CLASSES, type CompiledPolicy, type ProcessResult } from '../../policy/types.js';
import { formatDiagnostic } from '../../yaml/index.js';
import { parseCommandArgs } from './parse-args.js';
import { CliError, EXIT_USAGE, type CliIO, type Command } from './types.js';
import { displayPath } from './validate.js';

const HELP = `Usage: loopgate test POLICY [--fixtures DIR] [--update]

Runs POLICY (a file or a folder) against golden fixture cases and compares what it exports with what
each case expects. A case is a folder holding:
  input.json          the OTLP-JSON request: traces or logs
  context.json        optional, {"tenant": "acme"}: the request is authenticated as that tenant
  broad-use.json      expected export per class, in the input's signal (stamps included; the version is written
  tenant-only.json    as "<policy.version>"); a missing file means nothing may be exported there
  eval-only.json
  discarded.json      optional: expected discard counts by reason, e.g. {"no_rule_matched": 1}
  rejected.json       optional: expected rejections, e.g. {"count": 1, "reasons": {"tenant_mismatch": 1}}
DIR may be one case folder or a folder of cases.

Options:
  --fixtures DIR   fixture folder (default: test/golden/<policy name>)
  --update         rewrite the expectations from the policy's current output instead of comparing
  -h, --help       show this help

Hash actions read their keys from the environment, as the gateway does.
In CI:  npx loopgate test policies/default.yaml --fixtures test/golden/default

Exit codes: 0 when every case passes (or after --update); 1 on any mismatch or an invalid policy;
2 on bad usage or an unreadable fixture folder.`;

/** What the policy exported to `cls`, printed as the fixture files are; '' when nothing went there. */
function exportedText(result: ProcessResult, cls: string, version: string): string {
  return classText(result, cls, version) ?? '';
}

function expectedText(file: string): string {
  if (!existsSync(file)) return '';
  try {
    return `${JSON.stringify(JSON.parse(readFileSync(file, 'utf8')), null, 2)}\n`;
  } catch {
    return readFileSync(file, 'utf8');
  }
}

function defaultFixtures(policyPath: string): string {
  return join('test', 'golden', basename(policyPath, extname(policyPath)));
}

export const testCommand: Command = {
  name: 'test',
  help: HELP,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      'test',
      args,
      { fixtures: { type: 'string' }, update: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new CliError([`loopgate test: expected one policy path, got ${positionals.length}`, "Run 'loopgate test --help' for usage."], EXIT_USAGE);
    const policyPath = resolve(io.cwd, positionals[0]!);
    const fixtures = resolve(io.cwd, values.fixtures ?? defaultFixtures(positionals[0]!));
    const show = (p: string): string => displayPath(io.cwd, p);

    let isDir = false;
    try {
      isDir = statSync(fixtures).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new CliError([`loopgate test: fixture folder ${show(fixtures)} does not exist or is not a folder`], EXIT_USAGE);

    const loaded = loadPolicy(policyPath, { env: io.env });
    if (!loaded.ok) throw new CliError([...loaded.errors, ...loaded.warnings].map((d) => formatDiagnostic({ ...d, file: show(d.file) })));

    // The runner calls `process` once per case whose input decodes, in case order; recording the
    // results lets the diff below show exactly what was compared, without running anything twice.
    // Caps counted in this process, across the cases in order, as one replica would count them.
    const policy = withLocalCaps(loaded.policy);
    const results: ProcessResult[] = [];
    const record = (r: ProcessResult): ProcessResult => {
      results.push(r);
      return r;
    };
    const recording: CompiledPolicy = {
      version: policy.version,
      sources: policy.sources,
      classifies: policy.classifies,
      process: (data, ctx, options) => record(policy.process(data, ctx, options)),
      processSignal: (request, ctx, options) => record(policy.processSignal(request, ctx, options)),
    };

    let run;
    try {
      run = runFixtures(recording, fixtures, { update: values.update === true });
    } catch (err) {
      // Unreadable files or malformed expectation JSON: the fixture folder is broken, not the policy.
      throw new CliError([`loopgate test: cannot read fixtures in ${show(fixtures)}: ${(err as Error).message}`], EXIT_USAGE);
    }
    if (run.cases.length === 0) throw new CliError([`loopgate test: no fixture cases in ${show(fixtures)} (a case is a folder holding input.json)`], EXIT_USAGE);

    const out: string[] = [];
    let next = 0;
    for (const c of run.cases) {
      const inputFailed = c.mismatches.some((m) => basename(m.file) === 'input.json');
      const result = inputFailed ? undefined : results[next++];
      out.push(...reportCase(c, result, policy.version, show, values.update === true));
    }
    const passed = run.cases.filter((c) => c.ok).length;
    if (values.update) {
      out.push(`updated ${run.cases.length} case${run.cases.length === 1 ? '' : 's'} in ${show(fixtures)} with policy ${policy.version}; review the changes before committing`);
      io.stdout(`${out.join('\n')}\n`);
      return 0;
    }
    out.push(`${run.cases.length} cases, ${passed} passed, ${run.cases.length - passed} failed`);
    io.stdout(`${out.join('\n')}\n`);
    return passed === run.cases.length ? 0 : 1;
  },
};

function reportCase(c: FixtureCaseResult, result: ProcessResult | undefined, version: string, show: (p: string) => string, update: boolean): string[] {
  if (update) return [`updated ${c.name}`];
  const lines = [`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}`];
  for (const m of c.mismatches) {
    lines.push(`  ${show(m.file)}: ${m.message}`);
    const cls = EXPORT_CLASSES.find((k) => basename(m.file) === `${k}.json`);
    const diff =
      cls !== undefined && result !== undefined
        ? unifiedDiff(expectedText(m.file), exportedText(result, cls, version), { expected: `${show(m.file)} (expected)`, actual: `${cls} (exported by the policy)` })
        : m.diff;
    if (diff) lines.push(diff.replace(/^/gm, '    '));
  }
  return lines;
}
