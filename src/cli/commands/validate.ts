/**
 * `loopgate validate PATH…`: checks policy files or folders the way the gateway would load them, for
 * editors and CI. Every problem is printed as `file:line:col: message` (the message names the YAML key
 * and what was expected); warnings (e.g. a rule unreachable after a catch-all) as
 * `file:line:col: warning: message` and do not fail. Ends with a summary line.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { validatePolicyPaths } from '../../policy/load.js';
import { formatDiagnostic } from '../../yaml/index.js';
import { parseCommandArgs } from './parse-args.js';
import { CliError, EXIT_USAGE, type CliIO, type Command } from './types.js';

const HELP = `Usage: loopgate validate [--env] PATH...

Validates policy files, or folders of them (a base policy plus per-tenant overrides), exactly as the
gateway loads them: YAML syntax, every key and value against the policy language, cross references
(unknown entities, duplicate ids, invalid RE2 patterns), and rule order.

Errors print as   file:line:col: message
Warnings print as file:line:col: warning: message   (e.g. a rule that can never match)
followed by a summary such as "3 files, 0 errors, 1 warning".

Options:
  --env        also check that the environment variables named by hash actions (key_env) are set;
               without it they are assumed present, so CI can validate without secrets
  -h, --help   show this help

Exit codes: 0 when every policy is valid (warnings allowed); 1 when any error was found; 2 on bad usage.`;

/** The files a path stands for, as the loader reads them: the file itself, or a folder's *.yaml/*.yml. */
function countPolicyFiles(path: string): number {
  try {
    if (!statSync(path).isDirectory()) return 1;
    return readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).length;
  } catch {
    return 1; // unreadable: the loader reports it as an error against this path
  }
}

/** Paths as the user would type them: relative to the working directory when inside it. */
export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check policy files or folders; errors as file:line:col',
  help: HELP,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      'validate',
      args,
      { env: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    if (positionals.length === 0) throw new CliError(['loopgate validate: no policy given', "Run 'loopgate validate --help' for usage."], EXIT_USAGE);

    const paths = positionals.map((p) => resolve(io.cwd, p));
    const { errors, warnings } = validatePolicyPaths(paths, values.env ? { env: io.env } : {});
    // Sorted by file and position so output is stable and reads top to bottom like the files.
    const all = [...errors, ...warnings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    const files = paths.reduce((n, p) => n + countPolicyFiles(p), 0);
    const lines = all.map((d) => formatDiagnostic({ ...d, file: displayPath(io.cwd, d.file) }));
    lines.push(`${plural(files, 'file')}, ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`);
    io.stdout(`${lines.join('\n')}\n`);
    return errors.length > 0 ? 1 : 0;
  },
};
