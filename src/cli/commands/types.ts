/**
 * One `loopgate` sub-command. Each lives in its own module under src/cli/commands/ and is listed once
 * in commands/index.ts (name, summary, how to load it); main.ts only dispatches, prints help and turns
 * thrown CliErrors into exit codes.
 */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * A sub-command as `loopgate --help` lists it. Its module is imported only when the command runs (or
 * its help is asked for): `serve` then never loads the CLI-only commands' code (the policy compiler,
 * explain, replay), and `--help` loads none.
 */
export interface CommandEntry {
  name: string;
  /** One line for `loopgate --help`. */
  summary: string;
  load(): Promise<Command>;
}

export interface Command {
  name: string;
  /** Full text for `loopgate <name> --help`: usage line, options, exit codes. */
  help: string;
  /** Runs with the arguments after the command name; resolves with the process exit code. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/**
 * A failure the user can fix (bad flag, bad config): printed once to stderr as its lines, no stack,
 * and the process exits with `exitCode`. Thrown only by command edges.
 */
export class CliError extends Error {
  constructor(
    readonly lines: readonly string[],
    readonly exitCode = 1,
  ) {
    super(lines.join('\n'));
    this.name = 'CliError';
  }
}

/** Exit code for bad usage (unknown flag or command), as most CLIs use. */
export const EXIT_USAGE = 2;
