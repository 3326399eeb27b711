/**
 * Context words of the context-gated detectors (DATE_OF_BIRTH, US_PASSPORT, US_DRIVER_LICENSE,
 * US_BANK_NUMBER, SSN layouts), as literal prefixes for the scanner's shared prefix index: the trigger
 * pass finds them in its one loop over the text, and a detector whose words do not occur is not run.
 * Each word is listed as written in lower case, capitalised and in capitals.
 */
function cases(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (const w of words) {
    out.add(w);
    out.add(w[0]?.toUpperCase() + w.slice(1));
    out.add(w.toUpperCase());
  }
  // ASCII only: the prefix index files ASCII pairs; the detectors' own context regexes read the rest
  return [...out].filter((w) => /^[\x20-\x7e]{2,}$/.test(w));
}

export const BIRTH_WORDS = cases(['dob', 'd.o.b', 'birth', 'born', 'geb', 'naissance', 'né le', 'nacimiento', 'nacid', 'nascita', 'nato il', 'nata il', 'nascimento', 'nascid', 'geboorte', 'födelse']);
export const PASSPORT_WORDS = cases(['passport', 'pasaporte', 'passeport', 'reisepass', 'travel document']);
// "DL" in capitals only: the pair "dl" is inside too many words (handle, middle)
export const LICENSE_WORDS = [...cases(['licen', 'dln', 'cdl', 'driver', 'driving']), 'DL'];
export const BANK_WORDS = cases(['account', 'acct', 'checking', 'savings', 'a/c']);
export const SSN_WORDS = cases(['ssn', 'social sec', 'soc sec', 'soc. sec', 'ss#', 'ss number']);
