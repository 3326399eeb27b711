/**
 * The PERSON detector's word table for this isolate (word-table.ts for the table, build-word-table.ts
 * for its words): the one a policy worker installed from the main thread (shared-word-table.ts), else
 * built here on first use.
 */
import { installedWordTable } from './shared-word-table.js';
import type { SharedWordTable, WordTable } from './word-table.js';

export * from './word-table.js';
export { MAX_SYLLABLE, SYLLABLE_CODE, SYLLABLE_PREFIX, syllableCode, syllableDigit } from './syllables.js';

const installed = installedWordTable();
/**
 * The builder, and with it the 1.2 MB name lexicon module, is loaded only when no table was installed
 * before this module was evaluated: a policy worker installs first (policy-worker-entry.ts), so it
 * never holds the lexicon's source and strings.
 */
const build = installed === undefined ? (await import('./build-word-table.js')).buildWordTable : undefined;
let table: WordTable | undefined = installed;

/** The table: the installed one, or built on first use (about 130,000 words). */
export function wordTable(): WordTable {
  table ??= build!();
  return table;
}

/** Whether this isolate loaded the name lexicon (false in a policy worker given the main thread's table). */
export function loadsNameLexicon(): boolean {
  return build !== undefined;
}

/** Whether this isolate built a table of its own (a gateway's main thread with policy workers never does). */
export function builtWordTable(): boolean {
  return table !== undefined && table !== installed;
}

/** This isolate's table in shared memory, for policy workers to install (built here first if need be). */
export function sharedWordTable(): SharedWordTable {
  return wordTable().share();
}
