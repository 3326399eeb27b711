/**
 * STREET_ADDRESS. Postal addresses, recognised by their structure rather than by words alone, so that
 * "2024 Google Drive" or "via Slack" are not addresses:
 *
 * - number-first (US, UK, Canada, Australia, Ireland, India …): a building number, one to four
 *   street-name words, a street type from the USPS suffix list (Street, Ave, Meadow, Crescent …),
 *   optional directional and unit (Apt 4B, Suite 200, #12), then a tail: a city, a state or province
 *   and a postcode (ZIP, ZIP+4, UK and Canadian postcodes), or at least a capitalised city after a
 *   comma or line break;
 * - name-first (German, Dutch, Nordic, French, Spanish, Italian, Portuguese): a street name with its
 *   type (-straße, -weg, -gracht; Rue, Calle, Via, Rua …), a number, and a postcode and city;
 *   French number-first "12 rue de Rivoli, 75001 Paris" too;
 * - US military mail (PSC/Unit … Box …, APO/FPO/DPO AA/AE/AP + ZIP).
 *
 * Without a tail, the street part alone is an address only after a cue ("ship to", "lives at",
 * "address:", "Adresse", "dirección" …), as the value of an address-named key goes through the same
 * cue (the JSON walker scans `address: value`).
 */
import type { Finding } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';
import { contextBefore, isDigitCode } from '../text.js';

/** USPS Publication 28 street suffixes (primary names and the common abbreviations), lower case. */
const SUFFIXES = new Set(
  (
    'alley aly allee annex anx arcade arc avenue ave av bayou byu beach bch bend bnd bluff blf bluffs bottom btm boulevard blvd ' +
    'branch br bridge brg brook brk brooks burg burgs bypass byp camp cp canyon cyn cape cpe causeway cswy center ctr centre centers ' +
    'circle cir circles cliff clf cliffs clfs club clb common commons corner cor corners cors course crse court ct courts cts cove cv ' +
    'coves creek crk crescent cres crest crst crossing xing crossroad curve curv dale dl dam dm divide dv drive dr drives drs estate ' +
    'est estates ests expressway expy extension ext extensions fall falls fls ferry fry field fld fields flds flat flt flats flts ford ' +
    'frd fords forest frst forge frg forges fork frk forks frks fort ft freeway fwy garden gdn gardens gdns gateway gtwy glen gln glens ' +
    'green grn greens grove grv groves harbor hbr harbour harbors haven hvn heights hts highway hwy hill hl hills hls hollow holw inlet ' +
    'island is islands iss isle junction jct junctions key ky keys knoll knl knolls lake lk lakes lks land landing lndg lane ln light ' +
    'lgt lights loaf lf lock lck locks lodge ldg loop mall manor mnr manors meadow mdw meadows mdws mews mill ml mills mission msn ' +
    'motorway mtwy mount mt mountain mtn mountains neck nck orchard orch oval overpass opas park parks parkway pkwy parkways pass ' +
    'passage psge path pike pine pne pines pnes place pl plain pln plains plns plaza plz point pt points pts port prt ports prairie ' +
    'pr radial radl ramp ranch rnch rapid rpd rapids rpds rest rst ridge rdg ridges river riv road rd roads rds route rte row rue run ' +
    'shoal shl shoals shore shr shores skyway skwy spring spg springs spgs spur spurs square sq squares station sta stravenue stra ' +
    'stream strm street st streets summit smt terrace ter throughway trwy trace trce track trak trafficway trfy trail trl trailer ' +
    'tunnel tunl turnpike tpke underpass upas union un unions valley vly valleys vlys viaduct via view vw views vws village vlg ' +
    'villages ville vl vista vis walk walks wall way ways well wl wells close cl wynd gate rise quay parade pde esplanade grove ' +
    'terrace broadway marg nagar chowk'
  ).split(' '),
);
/** Street types that start a street name (French, Spanish, Italian, Portuguese, Dutch, Nordic). */
const NAME_FIRST_TYPES = new Set(
  (
    'rue avenue boulevard bd place chemin allée allee impasse quai cours route calle avenida av paseo plaza carrera camino ' +
    'carretera ronda travesía via viale corso piazza largo vicolo strada rua travessa praça praca estrada alameda ' +
    'straat laan weg plein gracht kade gata gatan vägen vej gade'
  ).split(' '),
);
/** Endings of German, Dutch and Nordic street names written as one word (Hauptstraße, Keizersgracht, Storgatan). */
const UNIT = /^(?:,? )(?:apt\.?|apartment|suite|ste\.?|unit|fl\.?|floor|room|rm\.?|#|no\.?|flat|bldg\.?|building) ?#?[A-Za-z0-9\-]{1,6}/i;
const DIRECTIONAL = /^ (?:n|s|e|w|ne|nw|se|sw|north|south|east|west)\.?(?=[ ,\n]|$)/i;

/** Whether a DIRECTIONAL can start with code unit `c` (after its space): n, s, e or w in either case. */
export function mayBeDirectional(c: number): boolean {
  const lower = c | 32;
  return lower === 110 || lower === 115 || lower === 101 || lower === 119;
}

/** US state and Canadian province abbreviations (USPS, Canada Post). */
const REGIONS = new Set(
  (
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN ' +
    'TX UT VT VA WA WV WI WY PR GU VI AS MP AA AE AP AB BC MB NB NL NS NT NU ON PE QC SK YT NSW VIC QLD WA SA TAS ACT'
  ).split(' '),
);
const POSTCODE = /^(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{4}(?: ?[A-Z]{2})?|\d{3} ?\d{2}|\d{6})(?![\w])/;

/** Words that say an address follows. */
const CUE =
  /(?:ship(?:ping)? to|deliver(?:y)? to|send (?:it )?to|mail(?:ing)? to|lives? (?:at|in|on)|living at|resides? at|located at|based at|moved to|address(?:ed)?|addr\b|billing|shipping|residence|domicile|home at|visit us at|find us at|office at|adresse|anschrift|wohnhaft|wohnt|dirección|direccion|domicilio|indirizzo|endereço|endereco|morada|adres\b|adress)[ :=\-"']{0,4}$/;

function cued(text: string, start: number): boolean {
  return CUE.test(contextBefore(text, start, 48).replace(/\s+$/, ' '));
}

// sticky (y), matched at an index of the whole text: no slice per word. Each match is at most 25 code
// units and ORDINAL's \b falls inside it, so the answers are the same as on a 32-unit slice.
const CAP_WORD = /[A-Z\u00c0-\u024f][A-Za-z\u00c0-\u024f'.\-]{0,24}/y;
const ORDINAL = /\d{1,3}(?:st|nd|rd|th)\b/iy;
const LOWER_WORD = /[a-z\u00e0-\u024f][a-z\u00e0-\u024f'\-]{1,24}/y;

function stickyEnd(re: RegExp, text: string, i: number): number {
  re.lastIndex = i;
  return re.test(text) ? re.lastIndex : -1;
}

interface Span {
  end: number;
}

/**
 * Whether ORDINAL can match at `i`: one to three digits, then s, n, r or t in either case (the first
 * letter of st, nd, rd, th; a non-Unicode /i regex folds no other code unit onto them). Four digits
 * in a row leave `\d{1,3}` no letter to meet.
 */
export function mayBeOrdinalAt(text: string, i: number): boolean {
  let q = i;
  while (q < i + 4 && isDigitCode(text.charCodeAt(q))) q++;
  if (q === i || q === i + 4) return false;
  const lower = text.charCodeAt(q) | 32;
  return lower === 115 || lower === 110 || lower === 114 || lower === 116;
}

/** A capitalised word (or ordinal) at `i`, returning its end, or -1. */
function wordAt(text: string, i: number, allowLowerCase = false): number {
  const c = text.charCodeAt(i);
  if (c >= 65 && c <= 90) return stickyEnd(CAP_WORD, text, i); // the common case: a capital, no other form starts so
  // a digit starts only an ordinal (CAP_WORD and LOWER_WORD start with letters). Nearly every building
  // number candidate is one number of a digit group ("555 123 4567"), so this skips the three or five
  // sticky regexes a digit cost, and ORDINAL itself where it cannot match
  if (isDigitCode(c)) return mayBeOrdinalAt(text, i) ? stickyEnd(ORDINAL, text, i) : -1;
  let e = stickyEnd(CAP_WORD, text, i);
  if (e < 0) e = stickyEnd(ORDINAL, text, i);
  if (e < 0 && allowLowerCase) e = stickyEnd(LOWER_WORD, text, i);
  return e;
}

/** The tail after a street: `, City, ST 12345`, `\nCity ST 12345`, `, London SW1A 2AA`, or `, City`. */
function tailAt(text: string, i: number): { end: number; strong: boolean } | undefined {
  let p = i;
  const sep = text.slice(p, p + 3);
  if (sep.startsWith(', ')) p += 2;
  else if (sep.startsWith(',\n')) p += 2;
  else if (sep.startsWith('\n')) p += 1;
  else if (sep.startsWith(' ')) p += 1;
  else return undefined;
  // postcode right away: "…Street, 10115 Berlin" is handled by the name-first path; here "SW1A 2AA"
  let cityEnd = -1;
  let q = p;
  for (let w = 0; w < 4; w++) {
    const e = wordAt(text, q);
    if (e < 0) break;
    cityEnd = e;
    if (text.charCodeAt(e) !== 32) break;
    if (REGIONS.has(text.slice(e + 1, e + 3)) && !/[a-z]/.test(text[e + 3] ?? '')) break;
    if (POSTCODE.test(text.slice(e + 1, e + 10))) break;
    q = e + 1;
  }
  if (cityEnd < 0) {
    // a postcode first, then the city: "…, 75001 Paris", "…\n10115 Berlin"
    const pc = POSTCODE.exec(text.slice(p, p + 12));
    if (pc === null) return undefined;
    let e = p + pc[0].length;
    while (text.charCodeAt(e) === 32) {
      const w = wordAt(text, e + 1);
      if (w < 0) break;
      e = w;
    }
    return { end: e, strong: true };
  }
  // ", ST 12345" or " ST 12345" or " 12345" or " SW1A 2AA"
  let r = cityEnd;
  if (text.startsWith(', ', r)) r += 2;
  else if (text.charCodeAt(r) === 32) r += 1;
  const region = text.slice(r, r + 3);
  if (/^[A-Z]{2,3}$/.test(region.trim()) && REGIONS.has(region.trim()) && (text.charCodeAt(r + region.trim().length) === 32 || r + region.trim().length === text.length)) {
    r += region.trim().length;
    const after = text.slice(r + 1, r + 12);
    const pc = text.charCodeAt(r) === 32 ? POSTCODE.exec(after) : null;
    return pc !== null ? { end: r + 1 + pc[0].length, strong: true } : { end: r, strong: true };
  }
  const pc = POSTCODE.exec(text.slice(r, r + 12));
  if (pc !== null && r > cityEnd) return { end: r + pc[0].length, strong: true };
  // a city alone: only after a comma or line break, followed by punctuation or the end
  const next = text.charCodeAt(cityEnd);
  if (p > i + 1 && (Number.isNaN(next) || next === 46 || next === 44 || next === 10 || next === 41 || next === 59 || next === 34)) return { end: cityEnd, strong: false };
  return undefined;
}

/**
 * A building number then a capitalised word or an ordinal ("12 3rd Street"); the character before is
 * checked in code (cheaper than a lookbehind at every digit). The ordinal is ORDINAL's own condition,
 * written out: a number followed by any other digit ("555 123 4567", nearly every candidate in texts
 * with digit groups) was a match numberFirstWith could only drop, since after a number the next word
 * must be a capitalised word or an ordinal. Such a match ends at the space before the digit, and so
 * would every match starting inside it, so dropping them here drops nothing else.
 */
const NUMBER = /\d{1,6}[A-Za-z]?(?:[-–]\d{1,6})?(?= (?:[A-Z\u00c0-\u00de]|\d{1,3}(?:[sS][tT]|[nN][dD]|[rR][dD]|[tT][hH])\b))/g;
/** "12 rue de Rivoli": a number before a lower-case street type (French, Spanish, Italian, Portuguese). */
const NUMBER_LOWER_TYPE = /\d{1,6}(?:bis|ter)?(?= (?:rue|avenue|boulevard|bd|chemin|place|allée|impasse|quai|calle|via|rua|av) )/g;
const LOWER_TYPE_HINT = / (?:rue|avenue|boulevard|bd|chemin|place|allée|impasse|quai|calle|via|rua|av) /;

/** Not inside a longer token: digits after a letter, '-', '.', ',', '/', ':', '#' or a currency sign are no building number. */
function numberStarts(text: string, i: number): boolean {
  if (i === 0) return true;
  const c = text.charCodeAt(i - 1);
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) return false;
  return !(c === 45 || c === 46 || c === 44 || c === 47 || c === 58 || c === 35 || c === 36 || c === 0x20ac || c === 0xa3);
}

/** Whether code unit `c` may start the word NUMBER's lookahead asks for: [A-Z\u00c0-\u00de0-9]. */
function capOrDigit(c: number): boolean {
  return isCapital(c) || (c >= 48 && c <= 57);
}

/** The longest NUMBER match: six digits, a letter, a dash and six digits. */
const NUMBER_MAX = 14;

/**
 * Where the first NUMBER match can end, or -1 when none can: every match ends with a digit, or with
 * one ASCII letter right after a digit, then has " " and [A-Z\u00c0-\u00de0-9] after it (its
 * lookahead). Visiting only the spaces (indexOf) is cheaper than the regex, which tries a match at
 * every digit; most texts with a digit (log lines, ids, times) have no such space and skip NUMBER
 * entirely, and the others start it at most NUMBER_MAX before this space, with the same matches.
 */
export function firstNumberEnd(text: string): number {
  for (let sp = text.indexOf(' ', 1); sp > 0 && sp < text.length - 1; sp = text.indexOf(' ', sp + 1)) {
    if (!capOrDigit(text.charCodeAt(sp + 1))) continue;
    const b = text.charCodeAt(sp - 1);
    if (b >= 48 && b <= 57) return sp;
    if (sp >= 2 && ((b >= 65 && b <= 90) || (b >= 97 && b <= 122))) {
      const d = text.charCodeAt(sp - 2);
      if (d >= 48 && d <= 57) return sp;
    }
  }
  return -1;
}

/** Number-first: "1600 Amphitheatre Pkwy, Mountain View, CA 94043", "0464 Andrew Meadow Apt. 437\nNew Laura, OR 43217". */
function numberFirst(text: string, out: Finding[]): void {
  const end = firstNumberEnd(text);
  if (end >= 0) numberFirstWith(NUMBER, text, out, Math.max(0, end - NUMBER_MAX));
  if (LOWER_TYPE_HINT.test(text)) numberFirstWith(NUMBER_LOWER_TYPE, text, out, 0);
}

/** The addresses NUMBER (or NUMBER_LOWER_TYPE) starts, searched from `from` (no match starts before it). */
function numberFirstWith(NUMBER: RegExp, text: string, out: Finding[], from: number): void {
  NUMBER.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = NUMBER.exec(text)) !== null) {
    const start = m.index;
    if (!numberStarts(text, start)) {
      // skip the rest of this digit run
      NUMBER.lastIndex = start + m[0].length;
      continue;
    }
    let p = start + m[0].length + 1;
    let words = 0;
    let streetEnd = -1;
    let lastWordStart = -1;
    const dir = mayBeDirectional(text.charCodeAt(p)) ? DIRECTIONAL.exec(text.slice(p - 1, p + 8)) : null;
    if (dir !== null) p += dir[0].length;
    for (let w = 0; w < 6; w++) {
      let e = wordAt(text, p, words > 0);
      if (e < 0 && words === 0) {
        // "12 rue de Rivoli": a lower-case street type right after the number
        e = wordAt(text, p, true);
        if (e > 0 && !NAME_FIRST_TYPES.has(text.slice(p, e).toLowerCase())) e = -1;
      }
      if (e < 0) break;
      const word = text.slice(p, text.charCodeAt(e - 1) === 46 ? e - 1 : e).toLowerCase();
      lastWordStart = p;
      if (words > 0 && SUFFIXES.has(word)) {
        streetEnd = e;
        break;
      }
      // French/Spanish/Italian after a number: "12 rue de Rivoli"
      if (words === 0 && NAME_FIRST_TYPES.has(word)) {
        const r = nameFirstRest(text, e);
        if (r !== undefined) {
          streetEnd = r.end;
          break;
        }
      }
      words++;
      if (text.charCodeAt(e) !== 32) break;
      p = e + 1;
    }
    if (streetEnd < 0 || lastWordStart < 0) continue;
    // year-like numbers without a tail are dates, not buildings ("2024 Google Drive")
    let end = streetEnd;
    const d = DIRECTIONAL.exec(text.slice(end, end + 8));
    if (d !== null) end += d[0].length;
    const unit = UNIT.exec(text.slice(end, end + 24));
    if (unit !== null) end += unit[0].length;
    const tail = tailAt(text, end);
    if (tail !== undefined && (tail.strong || cued(text, start) || !/^(?:19|20)\d\d$/.test(m[0]))) {
      out.push({ entity: 'STREET_ADDRESS', start, end: tail.end, detector: 'street_address' });
      NUMBER.lastIndex = tail.end;
    } else if (cued(text, start)) {
      out.push({ entity: 'STREET_ADDRESS', start, end, detector: 'street_address' });
      NUMBER.lastIndex = end;
    }
  }
}

/** After a name-first type word: its name words ("de Rivoli", "Mayor", "Roma"), up to a comma, number or end. */
function nameFirstRest(text: string, i: number): Span | undefined {
  let p = i;
  let words = 0;
  let end = -1;
  for (let w = 0; w < 5 && text.charCodeAt(p) === 32; w++) {
    const e = wordAt(text, p + 1, true);
    if (e < 0) break;
    const word = text.slice(p + 1, e);
    if (/^[a-z]/.test(word) && !/^(?:de|du|des|la|le|les|del|della|di|da|do|dos|das|van|der|den|het|d'[a-z]+)$/i.test(word)) break;
    end = e;
    if (/^[A-Z\u00c0-\u00de]/.test(word)) words++;
    p = e;
  }
  return words > 0 && end > 0 ? { end } : undefined;
}

/** A street type then its name words, then the number: "Calle Mayor 3", "Via Roma 10", "Rua Augusta 12". */
const TYPE_FIRST =
  /(?<![\w\-])(?:Rue|Avenue|Boulevard|Bd|Place|Chemin|Allée|Impasse|Quai|Cours|Calle|Avenida|Av\.|Paseo|Plaza|Carrera|Camino|Carretera|Ronda|Via|Viale|Corso|Piazza|Largo|Vicolo|Strada|Rua|Travessa|Praça|Estrada|Alameda)(?: (?:de|du|des|la|le|del|della|di|da|do|dos|das))?(?: [A-Z\u00c0-\u00de][^\s,\d]{0,24}){1,4},? \d{1,5}[a-zA-Z]?(?:[-/]\d{1,5}[a-zA-Z]?)?(?![\w])/g;
const NAME_SUFFIX = /(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|markt|graben|gracht|straat|laan|kade|singel|plein|gatan|gata|vägen|vej|gade|veien|gate)$/i;

/** Name-first: "Hauptstraße 5, 10115 Berlin", "Calle Mayor 3, 28013 Madrid", "Keizersgracht 123, 1015 CJ Amsterdam". */
const TYPE_WORD = /(?:Rue|Avenue|Boulevard|Bd|Place|Chemin|Allée|Impasse|Quai|Cours|Calle|Avenida|Av\.|Paseo|Plaza|Carrera|Camino|Carretera|Ronda|Via|Viale|Corso|Piazza|Largo|Vicolo|Strada|Rua|Travessa|Praça|Estrada|Alameda) [A-Z]/;

function isNameChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46 || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

/** [A-Z\u00c0-\u00de]: how a street name starts. */
export function isCapital(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde);
}

const HOUSE_NUMBER = /^\d{1,5}[a-zA-Z]?(?:[-/]\d{1,5}[a-zA-Z]?)?(?![\w])/;

const TWO_WORD_TYPES = new Set(['Straße', 'Strasse', 'Weg', 'Gasse', 'Platz', 'Allee', 'Ring', 'Damm']);

/**
 * One-word street names with their type as an ending, then the number: "Hauptstraße 5",
 * "Keizersgracht 123", "Storgatan 12", or two words "Berliner Straße 7". Found from each space
 * before a digit, reading the name leftwards (no regex: a bounded walk per candidate).
 */
function suffixedStreets(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (let sp = text.indexOf(' '); sp > 0 && sp < text.length - 1; sp = text.indexOf(' ', sp + 1)) {
    const d = text.charCodeAt(sp + 1);
    if (d < 48 || d > 57) continue;
    const nameEnd = text.charCodeAt(sp - 1) === 44 ? sp - 1 : sp;
    let a = nameEnd;
    while (a > 0 && nameEnd - a < 41 && isNameChar(text.charCodeAt(a - 1))) a--;
    if (nameEnd - a < 3 || (a > 0 && isNameChar(text.charCodeAt(a - 1)))) continue;
    // a lower-case word is no two-word type (all capitalised) and fails the capital test below: skip
    // it before slicing (most words before a number are such: "at 5", "and 12")
    if (!isCapital(text.charCodeAt(a))) continue;
    let word = text.slice(a, nameEnd);
    let start = a;
    if (TWO_WORD_TYPES.has(word) && a >= 2 && text.charCodeAt(a - 1) === 32) {
      let b = a - 1;
      while (b > 0 && a - 1 - b < 41 && isNameChar(text.charCodeAt(b - 1))) b--;
      if (a - 1 - b >= 2) {
        start = b;
        word = text.slice(b, nameEnd);
      }
    } else if (!NAME_SUFFIX.test(word)) continue;
    if (!isCapital(word.charCodeAt(0))) continue;
    const num = HOUSE_NUMBER.exec(text.slice(sp + 1, sp + 16));
    if (num === null) continue;
    found.push({ start, end: sp + 1 + num[0].length });
  }
  return found;
}

function nameFirst(text: string, out: Finding[]): void {
  const candidates: { start: number; end: number }[] = [];
  if (TYPE_WORD.test(text)) {
    TYPE_FIRST.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = TYPE_FIRST.exec(text)) !== null) candidates.push({ start: m.index, end: m.index + m[0].length });
  }
  candidates.push(...suffixedStreets(text));
  for (const { start, end: streetEnd } of candidates) {
    let end = streetEnd;
    // a postcode and a city follow ("…, 10115 Berlin"); without them only a cue makes it an address
    let p = end;
    if (text.startsWith(', ', p)) p += 2;
    else if (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 10) p += 1;
    const pc = /^(?:[A-Z]{1,2}-)?(?:\d{5}|\d{4}(?: ?[A-Z]{2})?|\d{3} ?\d{2}|\d{2}-\d{3})(?= [A-Z\u00c0-\u00de])/.exec(text.slice(p, p + 12));
    const cityEnd = pc !== null ? wordAt(text, p + pc[0].length + 1) : -1;
    if (cityEnd > 0) {
      end = cityEnd;
      while (text.charCodeAt(end) === 32 && /^[A-Z\u00c0-\u00de(]/.test(text[end + 1] ?? '')) {
        const more = wordAt(text, end + 1);
        if (more < 0) break;
        end = more;
      }
    } else if (!cued(text, start)) continue;
    out.push({ entity: 'STREET_ADDRESS', start, end, detector: 'street_address' });
  }
}

const MILITARY = /(?<![\w])(?:(?:PSC|Unit|CMR) \d{1,5},? Box \d{1,5}|(?:USNS|USS|USNV|USCGC) [A-Z][A-Za-z]{1,24})(?:,? |\n)(?:APO|FPO|DPO) A[AEP] \d{5}(?!\d)/g;

function military(text: string, out: Finding[]): void {
  MILITARY.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = MILITARY.exec(text)) !== null) out.push({ entity: 'STREET_ADDRESS', start: m.index, end: m.index + m[0].length, detector: 'street_address' });
}

export const streetAddressDetector: BuiltinDetector = {
  name: 'street_address',
  entity: 'STREET_ADDRESS',
  patterns: [NUMBER, NUMBER_LOWER_TYPE, TYPE_FIRST, MILITARY],
  mayMatch: (text) => /\d/.test(text),
  // a building number, a house number or a ZIP: every address has a digit and a capitalised word
  triggered: (t, text) => t.tightDigits >= 1 && text.length >= 8,
  find(text: string, out: Finding[]): void {
    numberFirst(text, out);
    nameFirst(text, out);
    if (text.includes('PO A')) military(text, out); // APO, FPO, DPO
  },
};
