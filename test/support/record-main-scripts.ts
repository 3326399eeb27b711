/**
 * Preloaded into a child process (`node --import tsx --import <this file> …`): records the URL of
 * every script the main thread's V8 isolate compiles and writes them, one a line, to the file named
 * by LOOPGATE_RECORD_SCRIPTS when the process exits.
 *
 * It asks V8 itself (the inspector's Debugger.scriptParsed, reported for the scripts compiled before
 * it was enabled too), so it sees ES modules, CommonJS packages and dynamic imports alike, and only
 * this isolate's: policy workers and the word table thread are isolates of their own, unseen.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.LOOPGATE_RECORD_SCRIPTS;
if (out !== undefined) {
  const urls = new Set<string>();
  const session = new Session();
  session.connect();
  session.on('Debugger.scriptParsed', (m) => urls.add(m.params.url));
  session.post('Debugger.enable');
  process.on('exit', () => writeFileSync(out, [...urls].join('\n')));
}
