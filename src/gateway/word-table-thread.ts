/**
 * Builds the PERSON word table the policy workers share on a thread of its own that ends once the
 * table is built, instead of on the main thread, which with policy workers never scans.
 *
 * Why: building it on the main thread left that thread holding the build's fallout for good: the
 * young generation grown to hold ~130,000 short-lived words and the build's strings (measured in one
 * isolate: +20 MiB RSS for the build, of which the table's cells are 3 MiB). Only the cells, in a
 * SharedArrayBuffer, outlive the builder's isolate; the main thread keeps them to hand to every
 * worker it starts, restarts included.
 */
import { Worker } from 'node:worker_threads';
import type { SharedWordTable } from '../policy/detect/lexicon/word-table.js';
import { workerEntry } from './worker-entry.js';

export function buildWordTableOffThread(): Promise<SharedWordTable> {
  const { entry, eval: isEval } = workerEntry(import.meta.url, 'word-table-thread-entry');
  return new Promise((resolve, reject) => {
    let table: SharedWordTable | undefined;
    const worker = new Worker(entry, { eval: isEval, execArgv: [] });
    worker.once('message', (m: SharedWordTable) => {
      table = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (table !== undefined) resolve(table);
      else reject(new Error(`the word table thread exited (code ${code}) without a table`));
    });
  });
}
