/**
 * `loopgate replay --policy NEW --baseline OLD CORPUS…`: runs two policy versions over recorded
 * traffic and reports what the new one would change. This module only reads files and prints; the
 * diff is src/replay/. It is a report, so it exits 0 whatever changed; 2 when the corpus is unreadable.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadPolicy } from '../../policy/load.js';
import { withLocalCaps } from '../../policy/caps.js';
import type { CompiledPolicy, RequestContext } from '../../policy/types.js';
import { formatReplayText, parseRequests, replayRequest, ReplayDiff, type RecordedRequest } from '../../replay/index.js';
import { formatDiagnostic } from '../../yaml/index.js';
import { parseCommandArgs } from './parse-args.js';
import { CliError, EXIT_USAGE, type CliIO, type Command } from './types.js';
import { displayPath } from './validate.js';

const HELP = `Usage: loopgate replay --policy NEW --baseline OLD [--tenant T] [--format text|json] CORPUS...

Runs the baseline and the new policy over recorded traffic and reports what would change:
  - spans and log records moving between classes (baseline class → new class counts, incl. discard
    and rejected)
  - the same broken down by deciding rule (old rule → new rule)
  - values redacted per entity, old vs new
  - records newly dropped (exported by the baseline, discarded or rejected by the new policy) and
    newly exported, with reasons and examples (trace and span ids, never values)

CORPUS is OTLP-JSON, traces or logs requests: files holding one request, JSON Lines with one request
per line (what the file exporter writes), or folders of *.json / *.jsonl files. Records that already
carry loopgate.* stamps are replayed as fresh ones (the stamps are removed first).

Options:
  --policy FILE|DIR     the new policy
  --baseline FILE|DIR   the policy in force today
  --tenant T            replay as if every request were authenticated as tenant T
  --format text|json    output format (default: text)
  --examples N          example spans listed per change group (default: 20)
  -h, --help            show this help

Exit codes: 0 (a report, whatever changed); 1 when a policy is invalid; 2 on bad usage or when the
corpus cannot be read.`;

/** Every corpus file a path stands for: itself, or the *.json and *.jsonl files under a folder, sorted. */
export function corpusFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) out.push(...corpusFiles(p));
    else if (/\.jsonl?$/.test(entry.name)) out.push(p);
  }
  return out;
}

/**
 * Reads recorded requests file by file. Unreadable input is a CliError with exit code 2, naming the
 * file (and line) but never quoting its content.
 */
export function* readCorpus(paths: readonly string[], io: CliIO, command: string): Generator<RecordedRequest> {
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    let files: string[];
    try {
      files = corpusFiles(abs);
    } catch (err) {
      throw new CliError([`loopgate ${command}: cannot read ${displayPath(io.cwd, abs)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`], EXIT_USAGE);
    }
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError([`loopgate ${command}: cannot read ${displayPath(io.cwd, file)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`], EXIT_USAGE);
      }
      const parsed = parseRequests(text, displayPath(io.cwd, file));
      if (!parsed.ok) throw new CliError([`loopgate ${command}: ${parsed.error}`], EXIT_USAGE);
      yield* parsed.requests;
    }
  }
}

/** Loads a policy for a CLI command; an invalid one is a CliError (exit 1) with its diagnostics. */
export function loadPolicyOrFail(path: string, io: CliIO): CompiledPolicy {
  const loaded = loadPolicy(resolve(io.cwd, path), { env: io.env });
  if (!loaded.ok) throw new CliError([...loaded.errors, ...loaded.warnings].map((d) => formatDiagnostic({ ...d, file: displayPath(io.cwd, d.file) })));
  // Caps are counted in this process, each loaded policy on its own counters, as one replica would.
  return withLocalCaps(loaded.policy);
}

export function parseFormat(command: string, value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new CliError([`loopgate ${command}: --format must be text or json, got '${value}'`], EXIT_USAGE);
}

export const replayCommand: Command = {
  name: 'replay',
  help: HELP,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      'replay',
      args,
      {
        policy: { type: 'string' },
        baseline: { type: 'string' },
        tenant: { type: 'string' },
        format: { type: 'string' },
        examples: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    const usage = (msg: string): CliError => new CliError([`loopgate replay: ${msg}`, "Run 'loopgate replay --help' for usage."], EXIT_USAGE);
    if (values.policy === undefined) throw usage('--policy is required');
    if (values.baseline === undefined) throw usage('--baseline is required');
    if (positionals.length === 0) throw usage('no corpus given');
    const format = parseFormat('replay', values.format);
    const maxExamples = values.examples === undefined ? undefined : Number(values.examples);
    if (maxExamples !== undefined && !(Number.isInteger(maxExamples) && maxExamples >= 0)) throw usage('--examples must be a whole number');

    const baseline = loadPolicyOrFail(values.baseline, io);
    const candidate = loadPolicyOrFail(values.policy, io);
    const context: RequestContext = values.tenant !== undefined ? { authTenant: values.tenant } : {};
    const diff = new ReplayDiff(baseline.version, candidate.version, maxExamples === undefined ? {} : { maxExamples });
    for (const request of readCorpus(positionals, io, 'replay')) replayRequest(diff, request, { baseline, candidate, context });

    const report = diff.report();
    io.stdout(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReplayText(report));
    return 0;
  },
};
