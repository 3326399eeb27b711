/**
 * `loopgate validate [--config FILE]… [PATH…]`: checks gateway configs and policy files or folders the
 * way `loopgate serve` would load them, for editors and CI (as `otelcol validate` does for a Collector).
 * A config is checked with its policy: a config that validates is one `serve` starts with. Every
 * problem is printed as `file:line:col: message` (the message names the YAML key and what was
 * expected); warnings (e.g. a rule unreachable after a catch-all) as `file:line:col: warning: message`
 * and do not fail. Ends with a summary line.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { loadGatewayConfig } from '../../config/index.js';
import { validatePolicyPaths } from '../../policy/load.js';
import { formatDiagnostic, type Diagnostic } from '../../yaml/index.js';
import { parseCommandArgs } from './parse-args.js';
import { CliError, EXIT_USAGE, type CliIO, type Command } from './types.js';

const HELP = `Usage: loopgate validate [--env] [--config FILE]... [PATH...]

Validates gateway configs and policy files, or folders of policies (a base policy plus per-tenant
overrides), exactly as 'loopgate serve' loads them.

  --config FILE   a gateway config (repeatable): YAML syntax, every key and value (units, ranges,
                  URLs, ports), references between sections (routes name defined exporters), and
                  then the policy it names. \${env:NAME} is expanded from the environment, as serve
                  does, so an unset variable is an error: in CI, set placeholders for secrets.
                  Relative paths resolve against the config file's folder.
  PATH            a policy file or folder: YAML syntax, every key and value against the policy
                  language, cross references (unknown entities, duplicate ids, invalid RE2
                  patterns), and rule order.

Errors print as   file:line:col: message
Warnings print as file:line:col: warning: message   (e.g. a rule that can never match)
followed by a summary such as "3 files, 0 errors, 1 warning".

Options:
  -c, --config FILE   validate a gateway config and its policy (may be given more than once)
  --env               also check that the environment variables named by hash actions (key_env) are
                      set; without it they are assumed present, so CI can validate without secrets
  -h, --help          show this help

Exit codes: 0 when everything is valid (warnings allowed); 1 when any error was found; 2 on bad usage.`;

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
  help: HELP,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      'validate',
      args,
      { env: { type: 'boolean' }, config: { type: 'string', short: 'c', multiple: true }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    const configs = (values.config ?? []).map((p) => resolve(io.cwd, p));
    if (positionals.length === 0 && configs.length === 0) {
      throw new CliError(['loopgate validate: no config or policy given', "Run 'loopgate validate --help' for usage."], EXIT_USAGE);
    }

    const policyOptions = values.env ? { env: io.env } : {};
    const errors: Diagnostic[] = [];
    const warnings: Diagnostic[] = [];
    let files = 0;
    for (const file of configs) {
      files++;
      const loaded = await loadGatewayConfig(file, { env: io.env });
      if (!loaded.ok) {
        errors.push(...loaded.errors);
        continue;
      }
      // The policy as serve would load it: the config's own path, resolved against its folder.
      const policy = validatePolicyPaths([loaded.config.policyPath], policyOptions);
      errors.push(...policy.errors);
      warnings.push(...policy.warnings);
      // As serve warns at start: log records routed, but no rule would ever classify one.
      const classifies = policy.classifies[0];
      if (loaded.config.routes.logs !== undefined && classifies !== undefined && !classifies.has('logs')) {
        warnings.push(loaded.at(['routes', 'logs'], "routes.logs: no rule of the policy applies to log records (a rule applies to them when its 'when' names signal_type), so every log record would be discarded as no_rule_matched", { severity: 'warning', anchor: 'key' }));
      }
      files += countPolicyFiles(loaded.config.policyPath);
    }
    const paths = positionals.map((p) => resolve(io.cwd, p));
    const policies = validatePolicyPaths(paths, policyOptions);
    errors.push(...policies.errors);
    warnings.push(...policies.warnings);
    files += paths.reduce((n, p) => n + countPolicyFiles(p), 0);

    // Sorted by file and position so output is stable and reads top to bottom like the files.
    const all = [...errors, ...warnings].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    const lines = all.map((d) => formatDiagnostic({ ...d, file: displayPath(io.cwd, d.file) }));
    lines.push(`${plural(files, 'file')}, ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`);
    io.stdout(`${lines.join('\n')}\n`);
    return errors.length > 0 ? 1 : 0;
  },
};
