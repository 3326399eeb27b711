/** node:util parseArgs, strict, with its errors turned into usage errors that name the command. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, EXIT_USAGE } from './types.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError([`loopgate ${command}: ${(err as Error).message}`, `Run 'loopgate ${command} --help' for usage.`], EXIT_USAGE);
  }
}
