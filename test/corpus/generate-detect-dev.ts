/**
 * Development corpus for the detection-breadth entities (PERSON, STREET_ADDRESS, more secret families,
 * Presidio's entity set, cards and phones as people write them), in the dev corpus's JSONL shape
 * ({id, text, pii: [{entity, value}], keep: [...]}) plus a `slice` naming what the case measures.
 *
 *   npx tsx test/corpus/generate-detect-dev.ts        writes test/corpus/detect-dev.jsonl
 *
 * Everything is generated from real-world formats with a seeded PRNG (the test regenerates the file
 * and compares):
 * - names: hand-written per culture group (names.ts), not drawn from the detector's lexicon sources,
 *   in the forms people write them: chat, e-mail signatures, YAML/XML/CSV/JSON, SMS, calendar
 *   entries, stack traces, lower case, ALL CAPS, initials, titles, and Presidio-evaluator-style
 *   template sentences; look-alikes (places, companies, products, AI models, weekdays, months) in
 *   sentences that use them as what they are;
 * - every other entity: from its published format and checksum (see each section).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, type Rng } from '../support/rng.js';
import { COMPANY_LOOK_ALIKES, CULTURES, LOOK_ALIKES, NAME_EDGES, type CultureNames } from './names.js';
import { secretCases } from './secret-vectors.js';
import { presidioCases } from './presidio-vectors.js';
import { realworldCases } from './realworld-cases.js';

export interface DevCase {
  id: string;
  slice: string;
  text: string;
  pii: { entity: string; value: string }[];
  keep: string[];
}

export const DETECT_DEV_SEED = 20261111;
export const DETECT_DEV_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'detect-dev.jsonl');

export class Gen {
  constructor(readonly r: Rng) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  str(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.r() * alphabet.length)];
    return s;
  }
}

// ---------------------------------------------------------------------------------------------------
// PERSON

interface Person {
  culture: CultureNames;
  first: string;
  last: string;
  /** As written in full. */
  full: string;
}

function person(g: Gen, culture = g.pick(CULTURES)): Person {
  const first = g.pick(culture.first);
  const last = g.pick(culture.last);
  const full = culture.joined ? last + first : culture.familyFirst && !/^[A-Z]/.test(first) ? `${last} ${first}` : culture.familyFirst && g.chance(0.5) ? `${last} ${first}` : `${first} ${last}`;
  return { culture, first, last, full };
}

type NameTemplate = (p: Person, g: Gen) => { text: string; value: string } | undefined;

const latin = (p: Person): boolean => /^[A-Za-zÀ-ɏ]/.test(p.first);

/** Forms and contexts where names appear in GenAI traffic. */
const CONTEXTS: Record<string, NameTemplate> = {
  chat: (p, g) => ({ text: `${g.pick(['hey', 'Hi', 'Hello', 'hi'])} ${p.first}, can you check the deploy logs when you get a chance?`, value: p.first }),
  signature: (p, g) => ({ text: `Thanks for the quick turnaround.\n\n${g.pick(['Best regards', 'Kind regards', 'Cheers', 'Thanks', 'Best'])},\n${p.full}\n${g.pick(['Senior Engineer', 'Account Manager', 'Head of Support'])} | Acme Ltd`, value: p.full }),
  yaml: (p, g) => ({ text: `metadata:\n  ${g.pick(['author', 'owner_name', 'maintainer', 'contact_name'])}: ${p.full}\n  version: 2.${g.int(0, 9)}.${g.int(0, 20)}`, value: p.full }),
  xml: (p) => ({ text: `<order id="A-${p.first.length}19"><customer><name>${p.full}</name><tier>gold</tier></customer></order>`, value: p.full }),
  csv: (p, g) => ({ text: `id,name,plan\n${g.int(10, 99)},${p.full},pro\n${g.int(100, 999)},—,free`, value: p.full }),
  json: (p, g) => ({ text: JSON.stringify({ [g.pick(['customer_name', 'fullName', 'assignee', 'patient'])]: p.full, status: 'open', priority: g.int(1, 4) }), value: p.full }),
  sms: (p, g) => ({ text: g.pick([`its ${p.first} here, running 10 min late`, `Hi its ${p.first}! call me back pls`, `ok see u at 6 - ${p.first}`]), value: p.first }),
  calendar: (p, g) => ({ text: `${g.pick(['Meeting with', '1:1 with', 'Lunch with', 'Interview:'])} ${p.full} — ${g.pick(['Mon', 'Tue', 'Thu'])} 10:00–10:30 (Zoom)`, value: p.full }),
  stack: (p) => ({ text: `Traceback (most recent call last):\n  File "app/billing.py", line 88, in charge\nValueError: card declined for customer '${p.full}'`, value: p.full }),
  email_header: (p) => (latin(p) ? { text: `From: ${p.full} <${p.first.toLowerCase().replace(/[^a-z]/g, '')}@example.org>\nSubject: invoice question`, value: p.full } : undefined),
  title: (p, g) => (latin(p) ? { text: `Please forward the report to ${g.pick(['Dr.', 'Mrs.', 'Mr.', 'Prof.', 'Ms'])} ${p.last} before Friday.`, value: p.last } : undefined),
  lower: (p) => (latin(p) ? { text: `meeting notes: ${p.first.toLowerCase()} ${p.last.toLowerCase()} agreed to own the migration`, value: `${p.first.toLowerCase()} ${p.last.toLowerCase()}` } : undefined),
  caps: (p) => (latin(p) ? { text: `ATTENTION: ${p.first.toUpperCase()} ${p.last.toUpperCase()} - CALL BACK RE: CLAIM`, value: `${p.first.toUpperCase()} ${p.last.toUpperCase()}` } : undefined),
  intro: (p, g) => ({ text: g.pick([`My name is ${p.full} and I need help with my account.`, `Hi, I'm ${p.full}. My order never arrived.`, `This is ${p.full} from procurement.`]), value: p.full }),
  prose: (p, g) => ({ text: g.pick([`I spoke with ${p.full} yesterday about the refund.`, `${p.full} approved the change request.`, `Can you ask ${p.full} to review it?`]), value: p.full }),
};

/** Presidio-evaluator-style template sentences ("{{person}} lives at …", "Please contact {{person}} …"). */
const TEMPLATES: readonly ((name: string) => string)[] = [
  (n) => `My name is ${n}`,
  (n) => `${n} is the account owner`,
  (n) => `Please contact ${n} for more details`,
  (n) => `I was born as ${n} in a small town`,
  (n) => `The patient, ${n}, was admitted on Tuesday`,
  (n) => `Send the package to ${n}`,
  (n) => `${n}'s phone is broken`,
  (n) => `Who is ${n}?`,
  (n) => `I'd like to speak with ${n}, please`,
  (n) => `Our records show ${n} as the beneficiary`,
  (n) => `Dear ${n}, your appointment is confirmed`,
  (n) => `Signed, ${n}`,
];

function personCases(g: Gen, out: DevCase[]): void {
  for (const culture of CULTURES) {
    for (const [form, make] of Object.entries(CONTEXTS)) {
      const p = person(g, culture);
      const made = make(p, g);
      if (made === undefined) continue;
      out.push({ id: '', slice: `person/${form}`, text: made.text, pii: [{ entity: 'PERSON', value: made.value }], keep: [] });
    }
    for (let k = 0; k < 4; k++) {
      const p = person(g, culture);
      out.push({ id: '', slice: 'person/template', text: g.pick(TEMPLATES)(p.full), pii: [{ entity: 'PERSON', value: p.full }], keep: [] });
    }
  }
  for (const l of LOOK_ALIKES) out.push({ id: '', slice: `person-lookalike/${l.kind}`, text: l.text, pii: [], keep: [l.value] });
  for (const l of COMPANY_LOOK_ALIKES) out.push({ id: '', slice: 'person-lookalike/company-name', text: l.text, pii: [], keep: [l.value] });
  // the word beside the name is a look-alike, the name itself still PII
  for (const e of NAME_EDGES) {
    out.push({ id: '', slice: `person-lookalike/${e.kind}`, text: e.text, pii: [], keep: [e.keep] });
    out.push({ id: '', slice: `person/edge-${e.kind}`, text: e.text, pii: [{ entity: 'PERSON', value: e.name }], keep: [] });
  }
}

// ---------------------------------------------------------------------------------------------------
// STREET_ADDRESS: the layouts of national postal formats (USPS Publication 28, Royal Mail, Canada Post,
// Deutsche Post, La Poste, Correos, Poste Italiane, PostNL) with generated street and city names, in
// Presidio-evaluator-style template sentences; look-alikes that share words with addresses.

const US_SUFFIXES = ['Street', 'St', 'Avenue', 'Ave', 'Road', 'Rd', 'Boulevard', 'Blvd', 'Lane', 'Ln', 'Drive', 'Dr', 'Court', 'Ct', 'Place', 'Way', 'Terrace', 'Circle', 'Meadow', 'Crossing', 'Heights', 'Ridge', 'Pike', 'Parkway', 'Trail', 'Square', 'Loop', 'Crescent', 'Mews', 'Gardens', 'Hollow', 'Vista', 'Springs', 'Junction', 'Plaza'];
const STATES = ['CA', 'NY', 'TX', 'OR', 'WA', 'FL', 'IL', 'MA', 'GA', 'CO', 'AZ', 'NC', 'OH', 'MI', 'PA', 'NJ', 'VA', 'MN'];
const CITY_PARTS = ['Laura', 'Johnmouth', 'Michelle', 'Jessica', 'Springfield', 'Riverton', 'Oakdale', 'Brookhaven', 'Fairview', 'Georgetown', 'Millbrook', 'Ashford', 'Clayton', 'Kingsport'];
const CITY_PREFIXES = ['', '', 'New ', 'East ', 'West ', 'Lake ', 'Port ', 'North ', 'South '];
const STREET_NAMES = ['Andrew', 'Maple', 'Oak', 'Cedar', 'Willow', 'Highland', 'Jefferson', 'Lincoln', 'Sunset', 'Park', 'Church', 'Mill', 'Harbor', 'Chestnut', 'Elm', 'Lakeview', 'Ridgeway', 'Walnut', 'Evergreen', 'Baker'];

function usAddress(g: Gen): string {
  const unit = g.chance(0.3) ? ` ${g.pick(['Apt.', 'Suite', 'Unit', 'Apt'])} ${g.int(1, 999)}` : '';
  const street = `${g.int(1, 9999)} ${g.pick(STREET_NAMES)}${g.chance(0.3) ? ' ' + g.pick(STREET_NAMES) : ''} ${g.pick(US_SUFFIXES)}${unit}`;
  const city = `${g.pick(CITY_PREFIXES)}${g.pick(CITY_PARTS)}`;
  return `${street}${g.pick([', ', '\n'])}${city}, ${g.pick(STATES)} ${g.int(10000, 99999)}${g.chance(0.2) ? '-' + g.int(1000, 9999) : ''}`;
}

const ADDRESS_FORMATS: readonly ((g: Gen) => string)[] = [
  usAddress,
  usAddress,
  usAddress,
  (g) => `${g.int(1, 300)} ${g.pick(STREET_NAMES)} ${g.pick(['Road', 'Street', 'Lane', 'Close', 'Gardens'])}, ${g.pick(['London', 'Leeds', 'Bristol', 'Manchester'])} ${g.pick(['SW1A', 'NW1', 'LS1', 'BS8', 'M4'])} ${g.int(1, 9)}${g.pick(['AA', 'XE', 'QP', 'DN'])}`,
  (g) => `${g.int(1, 999)} ${g.pick(STREET_NAMES)} ${g.pick(['Street', 'Avenue', 'Crescent'])}, ${g.pick(['Toronto', 'Ottawa', 'Calgary'])}, ${g.pick(['ON', 'AB', 'BC'])} ${g.pick(['K1A', 'M5V', 'T2P'])} ${g.int(0, 9)}${g.pick(['B1', 'A6', 'N4'])}`,
  (g) => `${g.pick(['Haupt', 'Linden', 'Goethe', 'Bahnhof', 'Schiller'])}${g.pick(['straße', 'str.', 'weg', 'allee', 'platz'])} ${g.int(1, 200)}${g.pick(['', 'a', 'b'])}, ${g.int(10000, 99999)} ${g.pick(['Berlin', 'München', 'Hamburg', 'Köln'])}`,
  (g) => `${g.int(1, 120)} ${g.pick(['rue', 'avenue', 'boulevard'])} ${g.pick(['de Rivoli', 'Victor Hugo', 'des Lilas', 'du Général Leclerc'])}, ${g.int(10000, 95999)} ${g.pick(['Paris', 'Lyon', 'Nantes'])}`,
  (g) => `${g.pick(['Calle', 'Avenida', 'Via', 'Rua', 'Corso'])} ${g.pick(['Mayor', 'Roma', 'Garibaldi', 'Augusta', 'Libertad'])} ${g.int(1, 200)}, ${g.int(10000, 59999)} ${g.pick(['Madrid', 'Roma', 'Lisboa', 'Milano'])}`,
  (g) => `${g.pick(['Keizers', 'Heren', 'Prinsen'])}gracht ${g.int(1, 700)}, ${g.int(1000, 9999)} ${g.pick(['CJ', 'AB', 'KL'])} Amsterdam`,
  (g) => `PSC ${g.int(1000, 9999)}, Box ${g.int(1000, 9999)}\nAPO ${g.pick(['AA', 'AE', 'AP'])} ${g.int(10000, 99999)}`,
];

const ADDRESS_TEMPLATES: readonly ((a: string, g: Gen) => string)[] = [
  (a) => `I live at ${a}`,
  (a) => `My address is ${a}.`,
  (a) => `Please ship the order to ${a}`,
  (a, g) => `${g.pick(['Ms. Rivera', 'The customer', 'He'])} lives at ${a} with two cats`,
  (a) => `Our new office: ${a}`,
  (a) => `Billing address\n${a}`,
  (a) => `{"shipping_address": "${a.replace(/\n/g, '\\n')}", "status": "pending"}`,
  (a) => `Return the device to ${a} within 30 days.`,
  (a) => `${a}`,
  (a) => `The package was left at ${a} yesterday`,
];

const ADDRESS_LOOK_ALIKES: readonly [string, string][] = [
  ['2024 Google Drive', 'The 2024 Google Drive update broke sharing.'],
  ['via Slack', 'Send me the logs via Slack please.'],
  ['3 Main Street', 'We ordered 3 Main Street banners for the fair.'],
  ['Route 66', 'The Route 66 playlist is on repeat.'],
  ['5 Park Avenue', 'Season 5 Park Avenue episodes drop Friday.'],
  ['10 Downing', 'Top 10 Downing tips for new managers.'],
  ['Wall Street', 'Wall Street closed higher on Monday.'],
  ['Baker Street', 'The Baker Street station is closed for repairs.'],
  ['100 Way', 'There must be a 100 Way better approach.'],
  ['Abbey Road', 'Abbey Road is their best album.'],
];

function addressCases(g: Gen, out: DevCase[]): void {
  for (let k = 0; k < 90; k++) {
    const a = g.pick(ADDRESS_FORMATS)(g);
    const t = g.pick(ADDRESS_TEMPLATES);
    out.push({ id: '', slice: 'address/template', text: t(a, g), pii: [{ entity: 'STREET_ADDRESS', value: a }], keep: [] });
  }
  for (const [value, text] of ADDRESS_LOOK_ALIKES) out.push({ id: '', slice: 'address-lookalike/phrase', text, pii: [], keep: [value] });
}

// ---------------------------------------------------------------------------------------------------
// CREDIT_CARD and PHONE_NUMBER as people write them: every IIN family and length with a Luhn check
// digit, grouped with dots, runs of spaces, NBSP or thin spaces; phone numbers in the layouts of
// Faker's en_US provider (which presidio-evaluator uses: extensions, dotted, 1-/001-/+1- prefixes,
// plan-invalid area codes) and European forms with the (0) trunk notation, in sentences with and
// without phone words; look-alikes (order numbers, versions, timestamps, ids) kept.

function luhnComplete(g: Gen, prefix: string, length: number): string {
  let d = prefix + g.str('0123456789', length - prefix.length - 1);
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let x = Number(d[d.length - 1 - i]);
    if (i % 2 === 0) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  d += String((10 - (sum % 10)) % 10);
  return d;
}

const CARD_FAMILIES: readonly [string, number][] = [
  ['4', 16], ['4', 13], ['4', 19], ['51', 16], ['55', 16], ['2221', 16], ['2720', 16], ['34', 15], ['37', 15], ['6011', 16],
  ['65', 16], ['644', 16], ['36', 14], ['300', 14], ['3528', 16], ['3589', 16], ['3512', 16], ['3566', 19], ['2131', 15], ['1800', 15],
  ['5018', 12], ['5020', 12], ['5038', 12], ['6759', 12], ['6761', 12], ['6763', 12], ['6304', 12], ['5018', 16], ['6759', 19], ['62', 16],
];

function groupCard(g: Gen, d: string): string {
  const sep = g.pick([' ', '-', '.', '  ', '\u00a0', '\u2009', '', '   ']);
  if (sep === '') return d;
  if (d.length === 15) return [d.slice(0, 4), d.slice(4, 10), d.slice(10)].join(sep);
  const groups: string[] = [];
  for (let i = 0; i < d.length; i += 4) groups.push(d.slice(i, i + 4));
  return groups.join(sep);
}

const CARD_TEMPLATES: readonly ((c: string) => string)[] = [
  (c) => `My card number is ${c}`,
  (c) => `Please charge ${c} for the renewal`,
  (c) => `credit card: ${c} exp 09/27`,
  (c) => `Visa ${c} was declined`,
  (c) => `Paid with ${c}.`,
];

const PHONE_FORMATS: readonly ((g: Gen) => string)[] = [
  (g) => `${g.str('0123456789', 3)}-${g.str('0123456789', 3)}-${g.str('0123456789', 4)}`,
  (g) => `(${g.str('23456789', 1)}${g.str('0123456789', 2)})${g.str('23456789', 1)}${g.str('0123456789', 2)}-${g.str('0123456789', 4)}`,
  (g) => `1-${g.str('23456789', 1)}${g.str('0123456789', 2)}-${g.str('0123456789', 3)}-${g.str('0123456789', 4)}`,
  (g) => `${g.str('0123456789', 3)}.${g.str('0123456789', 3)}.${g.str('0123456789', 4)}`,
  (g) => `${g.str('23456789', 1)}${g.str('0123456789', 2)}-${g.str('0123456789', 3)}-${g.str('0123456789', 4)}x${g.str('0123456789', g.int(3, 4))}`,
  (g) => `(${g.str('0123456789', 3)})${g.str('0123456789', 3)}-${g.str('0123456789', 4)}x${g.str('0123456789', 3)}`,
  (g) => `+1-${g.str('0123456789', 3)}-${g.str('0123456789', 3)}-${g.str('0123456789', 4)}`,
  (g) => `001-${g.str('0123456789', 3)}-${g.str('0123456789', 3)}-${g.str('0123456789', 4)}x${g.str('0123456789', 3)}`,
  (g) => `${g.str('0123456789', 3)}.${g.str('0123456789', 3)}.${g.str('0123456789', 4)} ext. ${g.int(1, 999)}`,
  (g) => `+41 (0)${g.int(21, 91)} ${g.int(200, 999)} ${g.int(10, 99)} ${g.int(10, 99)}`,
  (g) => `+44 (0)20 7${g.str('0123456789', 3)} ${g.str('0123456789', 4)}`,
  (g) => `+49 (0)30 ${g.int(2000000, 9999999)}`,
];

const PHONE_TEMPLATES: readonly ((p: string) => string)[] = [
  (p) => `You can reach me at ${p}`,
  (p) => `My phone number is ${p}`,
  (p) => `Call ${p} for support`,
  (p) => `tel: ${p}`,
  (p) => `Contact: Jane, mobile ${p}`,
  (p) => `Please text me on ${p} tomorrow`,
];

const NUMBER_LOOK_ALIKES: readonly ((g: Gen) => { text: string; keep: string })[] = [
  (g) => { const c = luhnComplete(g, '4', 16); const v = c.slice(0, 15) + String((Number(c[15]) + 1) % 10); return { text: `order ${v} shipped`, keep: v }; },
  (g) => { const v = String(g.int(1600000000000, 1800000000000)); return { text: `ts=${v} level=info`, keep: v }; },
  (g) => { const v = `v${g.int(1, 20)}.${g.int(0, 30)}.${g.int(0, 99)}`; return { text: `upgraded to ${v}`, keep: v }; },
  (g) => { const v = String(g.int(100000000000, 999999999999)); return { text: `customer id ${v}`, keep: v }; },
  (g) => { const v = `${g.int(1000, 9999)}-${g.int(10, 99)}-${g.int(10, 99)}`; return { text: `invoice INV ${v} paid`, keep: v }; },
  (g) => { const v = `${g.int(100, 999)}.${g.int(100, 999)}.${g.int(1000, 9999)}`; return { text: `build ${v} passed`, keep: v }; },
  (g) => { const v = `${g.int(10, 99)}:${g.int(10, 59)}:${g.int(10, 59)}.${g.int(100, 999)}`; return { text: `at ${v} the job started`, keep: v }; },
];

function cardPhoneCases(g: Gen, out: DevCase[]): void {
  for (const [prefix, length] of CARD_FAMILIES) {
    for (let k = 0; k < 2; k++) {
      const c = groupCard(g, luhnComplete(g, prefix, length));
      out.push({ id: '', slice: `card/${prefix}-${length}`, text: g.pick(CARD_TEMPLATES)(c), pii: [{ entity: 'CREDIT_CARD', value: c }], keep: [] });
    }
  }
  for (let k = 0; k < 72; k++) {
    const p = g.pick(PHONE_FORMATS)(g);
    out.push({ id: '', slice: 'phone/template', text: g.pick(PHONE_TEMPLATES)(p), pii: [{ entity: 'PHONE_NUMBER', value: p }], keep: [] });
  }
  for (let k = 0; k < 35; k++) {
    const { text, keep } = g.pick(NUMBER_LOOK_ALIKES)(g);
    out.push({ id: '', slice: 'number-lookalike/id', text, pii: [], keep: [keep] });
  }
}

// ---------------------------------------------------------------------------------------------------

export function generateDetectDev(seed = DETECT_DEV_SEED): DevCase[] {
  const g = new Gen(mulberry32(seed));
  const out: DevCase[] = [];
  personCases(g, out);
  addressCases(g, out);
  cardPhoneCases(g, out);
  secretCases(g, out);
  presidioCases(g, out);
  // last, so the template cases keep their ids and bodies
  realworldCases(g, out);
  return out.map((c, i) => ({ ...c, id: `detect-${String(i).padStart(5, '0')}` }));
}

export function toJsonl(cases: readonly DevCase[]): string {
  return cases.map((c) => JSON.stringify({ id: c.id, slice: c.slice, text: c.text, pii: c.pii, keep: c.keep })).join('\n') + '\n';
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cases = generateDetectDev();
  writeFileSync(DETECT_DEV_PATH, toJsonl(cases));
  console.log(`${cases.length} cases → ${DETECT_DEV_PATH}`);
}
