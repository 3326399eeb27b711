#!/usr/bin/env node
/**
 * The `loopgate` command. Dispatches to one module per sub-command (src/cli/commands/), imported only
 * when that command runs (so `serve` carries no CLI-only code and `--help` none at all), prints help,
 * and is the only place that turns errors into messages on stderr and exit codes: a CliError prints
 * its lines once; anything else is a bug and prints its stack.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands/index.js';
import { CliError, EXIT_USAGE, type CliIO, type CommandEntry } from './commands/types.js';

function topLevelHelp(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: loopgate <command> [options]',
    '',
    'OpenTelemetry-native policy gateway for GenAI telemetry.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'loopgate <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIO, commands: readonly CommandEntry[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // No command is a usage error: help goes to stderr so scripts piping stdout see nothing.
    io.stderr(`${topLevelHelp(commands)}\n`);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' && rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout(`${target ? (await target.load()).help : topLevelHelp(commands)}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`loopgate: unknown command '${name}'\n${topLevelHelp(commands)}\n`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`${err.lines.join('\n')}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    // npm's bin shim is a symlink to this file: compare real paths.
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // Everything we opened is closed by now; if a stray handle (a socket a peer keeps open) still
      // holds the event loop, do not let it turn a clean shutdown into a hang.
      setTimeout(() => process.exit(code), 1_000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`loopgate: internal error\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
