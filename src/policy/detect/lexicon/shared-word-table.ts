/**
 * The word table a policy worker was handed by the main thread (workerData), installed before the
 * detectors are imported: lexicon.ts reads it when it is evaluated and then never loads the name
 * lexicon nor builds a table of its own (3 MiB of cells, ~5 MiB of lexicon source and strings, and
 * the build's garbage per worker). Nothing installed (main thread, tests, CLI): lexicon.ts builds.
 */
import { WordTable, type SharedWordTable } from './word-table.js';

let installed: WordTable | undefined;

/** Adopts `shared` as this isolate's word table; call before anything imports lexicon.ts. */
export function installWordTable(shared: SharedWordTable): void {
  installed = WordTable.adopt(shared);
}

export function installedWordTable(): WordTable | undefined {
  return installed;
}
