/**
 * The `loopgate` sub-commands, in the order `loopgate --help` lists them. Add a command by writing
 * commands/<name>.ts exporting a `Command` and listing it here (validate, test, explain, replay).
 */
import { explainCommand } from './explain.js';
import { replayCommand } from './replay.js';
import { serveCommand } from './serve.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';
import type { Command } from './types.js';

export const COMMANDS: readonly Command[] = [serveCommand, validateCommand, testCommand, explainCommand, replayCommand];
