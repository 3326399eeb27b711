/**
 * Builds the PERSON detector's word table from the generated name lexicon (names-data.ts) and the
 * hand-written cue and look-alike lists (words.ts). The only importer of names-data.ts: lexicon.ts
 * loads this module only in an isolate that builds its own table (the main thread, tests, the CLI),
 * never in a policy worker, which adopts the main thread's (shared-word-table.ts).
 */
import { NAME_GROUPS } from './names-data.js';
import {
  CALENDAR,
  COMMON_EXTRA,
  DETERMINERS,
  FOREIGN_FUNCTION_WORDS,
  NAME_SYLLABLES,
  ROMANISED_SURNAMES,
  GREETINGS,
  INTRODUCERS,
  LOCATIVES,
  NON_PERSONS,
  NOT_NAMES_AFTER_CUES,
  ORG_SUFFIXES,
  PARTICLES,
  PERSON_KEYS,
  PERSON_NAME_QUALIFIERS,
  PLACE_PREFIXES,
  PLACES,
  SIGNOFFS,
  TITLES,
} from './words.js';

import {
  CALENDAR_WORD,
  COMMON,
  DETERMINER,
  FIRST,
  GREETING,
  INTRODUCER,
  LAST,
  LOCATIVE,
  NAME_QUALIFIER,
  NON_PERSON,
  NOT_AFTER_CUE,
  ORG_SUFFIX,
  PARTICLE,
  PERSON_KEY,
  PLACE,
  PLACE_PREFIX,
  SIGNOFF,
  SYLLABLE,
  TITLE,
  WordTable,
} from './word-table.js';

function addAll(table: WordTable, words: string, flags: number): void {
  for (const w of words.split(' ')) if (w.length > 0) table.add(w.normalize('NFC'), flags);
}

/** Names whose lower-case form SCOWL lists but which are first of all names. */
const NAMES_FIRST = 'maria lee jan dan pat kim li ali ana eva ada ivan omar amir sara adam noah';

/** The sealed table (about 130,000 words), its cells in shared memory. */
export function buildWordTable(): WordTable {
  const groups = NAME_GROUPS as Record<string, string>;
  let n = 0;
  for (const k of Object.keys(groups)) n += (groups[k] as string).length / 7;
  const t = new WordTable(n + 4000);
  for (const [key, words] of Object.entries(groups)) {
    const flags = (key.includes('F') ? FIRST : 0) | (key.includes('L') ? LAST : 0) | (key.includes('C') ? COMMON : 0);
    addAll(t, words, flags);
  }
  addAll(t, TITLES, TITLE);
  addAll(t, GREETINGS, GREETING);
  addAll(t, SIGNOFFS, SIGNOFF);
  addAll(t, INTRODUCERS, INTRODUCER);
  addAll(t, PARTICLES, PARTICLE);
  addAll(t, LOCATIVES, LOCATIVE);
  addAll(t, PLACE_PREFIXES, PLACE_PREFIX);
  addAll(t, ORG_SUFFIXES, ORG_SUFFIX);
  addAll(t, CALENDAR, CALENDAR_WORD);
  addAll(t, PLACES, PLACE);
  addAll(t, NON_PERSONS, NON_PERSON);
  addAll(t, PERSON_KEYS, PERSON_KEY);
  addAll(t, PERSON_NAME_QUALIFIERS, NAME_QUALIFIER);
  addAll(t, NOT_NAMES_AFTER_CUES, NOT_AFTER_CUE);
  addAll(t, DETERMINERS, DETERMINER);
  addAll(t, FOREIGN_FUNCTION_WORDS, NOT_AFTER_CUE);
  addAll(t, NAME_SYLLABLES, SYLLABLE);
  addAll(t, ROMANISED_SURNAMES, LAST);
  addAll(t, COMMON_EXTRA, COMMON);
  for (const w of NAMES_FIRST.split(' ')) t.remove(w, COMMON);
  t.seal();
  return t;
}
