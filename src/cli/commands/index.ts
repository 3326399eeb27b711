/**
 * The `loopgate` sub-commands, in the order `loopgate --help` lists them. Add a command by writing
 * commands/<name>.ts exporting a `Command` and listing it here with its summary (validate, test,
 * explain, replay). Each module is imported when its command runs, not before (types.ts).
 */
import type { CommandEntry } from './types.js';

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', summary: 'run the gateway (default config ./loopgate.yaml)', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'validate', summary: 'check gateway configs (--config) and policies; errors as file:line:col', load: async () => (await import('./validate.js')).validateCommand },
  { name: 'test', summary: 'run a policy against golden fixture cases; diff on mismatch', load: async () => (await import('./test.js')).testCommand },
  { name: 'explain', summary: 'show what a policy detects, redacts and decides for each span or log record of a file', load: async () => (await import('./explain.js')).explainCommand },
  { name: 'replay', summary: 'compare two policy versions over recorded traffic', load: async () => (await import('./replay.js')).replayCommand },
];
