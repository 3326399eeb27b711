/**
 * The `loopgate` sub-commands, in the order `loopgate --help` lists them. Add a command by writing
 * commands/<name>.ts exporting a `Command` and listing it here (validate, test, explain, replay).
 */
import { serveCommand } from './serve.js';
import type { Command } from './types.js';

export const COMMANDS: readonly Command[] = [serveCommand];
