/**
 * Held-out-style stress corpus for the PII and secret detectors, in the dev corpus's JSONL shape
 * ({id, text, pii: [{entity, value}], keep: [...]}).
 *
 *   npx tsx test/corpus/generate-stress.ts            writes test/corpus/stress.jsonl
 *
 * Everything here is built from the real-world formats of each entity, not from the dev corpus and
 * not from what the detectors happen to accept:
 * - phone numbers come from libphonenumber-js metadata (a country's example mobile number, or a
 *   fixed-line area prefix, with the subscriber digits varied) and must pass `isValid()`; they are
 *   then written the ways people write them (E.164, spaced, dashed, dotted, 00 prefix, national
 *   trunk 0, "+44 (0)…", tel: URIs) inside sentences in several languages;
 * - IBANs follow each registry country's BBAN layout (SWIFT IBAN registry) with MOD 97-10 check digits;
 * - cards follow each brand's IIN ranges and lengths with a Luhn check digit;
 * - secrets follow each vendor's current documented token layout;
 * - look-alikes are values a human reads unambiguously as not personal (ids, hashes, versions, dates,
 *   prices, ISBNs, tracking numbers, Luhn-invalid card-length numbers …).
 * A seeded PRNG makes the file reproducible; the test regenerates it and compares.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { mulberry32, type Rng } from '../support/rng.js';

export interface StressCase {
  id: string;
  text: string;
  pii: { entity: string; value: string }[];
  keep: string[];
}

export const STRESS_SEED = 20240501;


const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B64URL = ALNUM + '-_';
const B64 = ALNUM + '+/';
const HEX = '0123456789abcdef';

class Gen {
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
  /** Random string that has at least one upper, lower and digit (as real random tokens of length 20+ do). */
  token(alphabet: string, n: number): string {
    for (;;) {
      const s = this.str(alphabet, n);
      if (n < 12 || (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s))) return s;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Surrounding text

const FIRST = ['Anna', 'Lukas', 'Priya', 'Kenji', 'Fatima', 'Mateo', 'Sofia', 'Olu', 'Wanjiru', 'Chen', 'Ingrid', 'Pierre', 'Giulia', 'Joao', 'Aisha', 'Noah', 'Mei', 'Dmitri', 'Zeynep', 'Liam'];
const LAST = ['Schmidt', 'Dubois', 'Rossi', 'Tanaka', 'Okafor', 'Garcia', 'Silva', 'Kowalski', 'Nguyen', 'Haddad', 'Johansson', 'Murphy', 'Kim', 'Cohen', 'Yilmaz', 'Ivanova', 'Mensah', 'Patel', 'Lopez', 'Van Dijk'];

function person(g: Gen): string {
  return `${g.pick(FIRST)} ${g.pick(LAST)}`;
}

/** Puts a value into one of several message frames; `{}` marks the value. */
function frame(g: Gen, templates: readonly string[], value: string): string {
  return g.pick(templates).replace('{}', () => value).replace('{name}', () => person(g));
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

const PHONE_COUNTRIES: readonly CountryCode[] = [
  'US', 'CA', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'AU', 'ES', 'IT', 'NL', 'BE', 'CH', 'AT', 'SE', 'NO', 'DK',
  'PL', 'IE', 'PT', 'MX', 'AR', 'CO', 'ZA', 'NG', 'KE', 'SG', 'HK', 'KR', 'CN', 'NZ', 'AE', 'IL', 'TR', 'RU',
  'FI', 'CZ', 'GR', 'PH', 'ID', 'MY', 'TH', 'VN', 'EG', 'SA', 'CL', 'PE', 'UA', 'RO',
];

/** National significant number prefixes of fixed lines (capital-city area codes), to vary from. */
const FIXED_PREFIX: Partial<Record<CountryCode, readonly string[]>> = {
  US: ['212', '415', '312', '617'], CA: ['416', '604', '514'], GB: ['20', '161', '131'], DE: ['30', '89', '40', '221'],
  FR: ['1', '4', '5'], IN: ['11', '22', '80'], BR: ['11', '21'], JP: ['3', '6'], AU: ['2', '3'], ES: ['91', '93'],
  IT: ['06', '02'], NL: ['20', '10'], BE: ['2', '3'], CH: ['44', '22'], AT: ['1', '316'], SE: ['8', '31'],
  NO: ['22', '55'], DK: ['33', '86'], PL: ['22', '12'], IE: ['1', '21'], PT: ['21', '22'], MX: ['55', '33'],
  AR: ['11'], CO: ['601', '604'], ZA: ['21', '11'], KE: ['20'], SG: ['6'], HK: ['2', '3'], KR: ['2', '51'],
  CN: ['10', '21'], NZ: ['9', '4'], AE: ['4', '2'], IL: ['3', '2'], TR: ['212', '312'], RU: ['495', '812'],
};

function varyDigits(g: Gen, nsn: string, keep: number): string {
  let out = nsn.slice(0, keep);
  for (let i = keep; i < nsn.length; i++) out += String(g.int(0, 9));
  return out;
}

function validPhone(g: Gen, country: CountryCode): PhoneNumber | undefined {
  const fixed = FIXED_PREFIX[country];
  for (let attempt = 0; attempt < 40; attempt++) {
    let nsn: string;
    if (fixed !== undefined && g.chance(0.35)) {
      const prefix = g.pick(fixed);
      nsn = varyDigits(g, prefix + '0'.repeat(g.int(6, 8)), prefix.length);
    } else {
      const example = getExampleNumber(country, examples);
      if (example === undefined) return undefined;
      nsn = varyDigits(g, example.nationalNumber, Math.min(3, example.nationalNumber.length - 4));
    }
    const n = parsePhoneNumberFromString(nsn, country);
    if (n !== undefined && n.isValid() && n.country === country) return n;
  }
  return undefined;
}

/** The ways people write one number. Each returns undefined when the style does not fit the number. */
function writePhone(g: Gen, n: PhoneNumber): { text: string; bare: boolean } {
  const intl = n.formatInternational();
  const national = n.formatNational();
  const trunk0 = national.startsWith('0');
  const spacedOnly = (s: string): boolean => /^[\d ]+$/.test(s) && s.split(' ').length >= 3;
  const styles: (() => string | undefined)[] = [
    () => intl,
    () => intl,
    () => n.number,
    () => intl.replace(/ /g, '-'),
    () => (intl.split(' ').length >= 4 ? intl.replace(/ /g, '.') : undefined),
    () => '00' + intl.slice(1),
    () => national,
    () => national,
    () => (/[()]/.test(national) ? undefined : national.replace(/ /g, '-')),
    () => (spacedOnly(national) ? national.replace(/ /g, '.') : undefined),
    () => (n.countryCallingCode === '1' ? `${national.slice(1, 4)}.${national.slice(6, 9)}.${national.slice(10)}` : undefined),
    () => (trunk0 ? `+${n.countryCallingCode} (0)${national.slice(1)}` : undefined),
    () => 'tel:' + n.number,
    () => (n.countryCallingCode === '1' ? `${national.slice(1, 4)}-${national.slice(6)}` : undefined),
    () => (n.countryCallingCode === '1' ? `1-${national.slice(1, 4)}-${national.slice(6)}` : undefined),
  ];
  for (;;) {
    const s = g.pick(styles)();
    if (s !== undefined) return { text: s, bare: false };
    if (g.chance(0.1)) return { text: national.replace(/\D/g, ''), bare: true };
  }
}

const PHONE_CONTEXT = [
  'Call me at {} tomorrow.', 'You can reach {name} on {} after 5pm.', 'Mobile: {}', 'phone={}', 'Tel. {}', 'WhatsApp me on {} please',
  'My number is {}.', 'Customer callback number {} (evenings).', 'fax {}', 'SMS the code to {}',
  'Telefon: {}', 'Rufen Sie mich unter {} an.', 'Handy {}', 'Tel.: {}',
  'téléphone : {}', 'Appelez-moi au {} svp.', 'Portable : {}',
  'Teléfono: {}', 'Llámame al {}', 'móvil {}', 'telefone {}', 'Meu celular é {}',
  'Telefono: {}', 'cellulare {}', 'Telefoonnummer: {}', 'bel me op {}', '電話 {}', '電話番号：{}',
  'Kontakt: {name}, {}', '{name} ({}) asked about the refund.',
];
const PHONE_STRUCTURED = [
  '{"name": "{name}", "phone": "{}"}', 'id,name,phone\n17,{name},{}\n', 'INFO sms.send to={} status=queued',
  '| {name} | {} |', '<phone>{}</phone>', 'contact:\n  phone: "{}"',
];

function phoneCase(g: Gen): StressCase['pii'][number] & { text: string } {
  for (;;) {
    const country = g.pick(PHONE_COUNTRIES);
    const n = validPhone(g, country);
    if (n === undefined) continue;
    const w = writePhone(g, n);
    // a bare digit run is a phone number to a reader only when the words say so
    const templates = w.bare ? PHONE_CONTEXT.slice(0, 12) : g.chance(0.25) ? PHONE_STRUCTURED : PHONE_CONTEXT;
    return { entity: 'PHONE_NUMBER', value: w.text, text: frame(g, templates, w.text) };
  }
}

// ---------------------------------------------------------------------------------------------
// IBAN (SWIFT IBAN registry: BBAN layout per country; n digits, a upper-case letters, c alphanumerics)

const BBAN: Readonly<Record<string, string>> = {
  AD: '8n12c', AE: '19n', AL: '8n16c', AT: '16n', AZ: '4a20c', BA: '16n', BE: '12n', BG: '4a6n8c', BH: '4a14c',
  BR: '23n1a1c', BY: '4c4n16c', CH: '5n12c', CR: '18n', CY: '8n16c', CZ: '20n', DE: '18n', DK: '14n', DO: '4c20n',
  EE: '16n', EG: '25n', ES: '20n', FI: '14n', FO: '14n', FR: '10n11c2n', GB: '4a14n', GE: '2a16n', GI: '4a15c',
  GL: '14n', GR: '7n16c', GT: '24c', HR: '17n', HU: '24n', IE: '4a14n', IL: '19n', IQ: '4a15n', IS: '22n',
  IT: '1a10n12c', JO: '4a4n18c', KW: '4a22c', KZ: '3n13c', LB: '4n20c', LC: '4a24c', LI: '5n12c', LT: '16n',
  LU: '3n13c', LV: '4a13c', LY: '21n', MC: '10n11c2n', MD: '20c', ME: '18n', MK: '3n10c2n', MR: '23n',
  MT: '4a5n18c', MU: '4a19n3a', NL: '4a10n', NO: '11n', PK: '4a16c', PL: '24n', PS: '4a21c', PT: '21n',
  QA: '4a21c', RO: '4a16c', RS: '18n', SA: '2n18c', SC: '4a20n3a', SE: '20n', SI: '15n', SK: '20n',
  SM: '1a10n12c', ST: '21n', SV: '4a20n', TL: '19n', TN: '20n', TR: '5n1n16c', UA: '6n19c', VA: '18n',
  VG: '4a16n', XK: '16n',
};

function bban(g: Gen, layout: string): string {
  let out = '';
  for (const [, count, kind] of layout.matchAll(/(\d+)([nac])/g)) {
    const alphabet = kind === 'n' ? DIGITS : kind === 'a' ? UPPER : UPPER + DIGITS;
    out += g.str(alphabet, Number(count));
  }
  return out;
}

/** ISO 7064 MOD 97-10 check digits for country + BBAN. */
function ibanCheck(country: string, body: string): string {
  const rearranged = body + country + '00';
  let rem = 0;
  for (const ch of rearranged) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return String(98 - rem).padStart(2, '0');
}

function writeIban(g: Gen, iban: string): string {
  const spaced = iban.replace(/(.{4})(?=.)/g, '$1 ');
  const style = g.int(0, 9);
  if (style <= 3) return spaced;
  if (style <= 6) return iban;
  if (style === 7) return iban.toLowerCase();
  if (style === 8) return spaced.toLowerCase();
  return `${iban.slice(0, 2)}${iban.slice(2, 4)} ${iban.slice(4).replace(/(.{4})(?=.)/g, '$1 ')}`;
}

const IBAN_CONTEXT = [
  'IBAN: {}', 'Please wire the deposit to {} by Friday.', 'Bankverbindung: {name}, IBAN {}', 'RIB / IBAN : {}',
  'Número de cuenta (IBAN): {}.', 'Conto corrente IBAN {} intestato a {name}', 'Rekeningnummer {}',
  '{"iban": "{}", "holder": "{name}"}', 'beneficiary_iban={}', 'Refund goes to account {} (checked twice).',
  '| {name} | {} | EUR |', 'Kontonummer/IBAN: {}', 'IBAN {}, BIC DEUTDEFFXXX',
];

function ibanCase(g: Gen, country: string): { entity: string; value: string; text: string } {
  const layout = BBAN[country] as string;
  const body = bban(g, layout);
  const iban = country + ibanCheck(country, body) + body;
  const value = writeIban(g, iban);
  return { entity: 'IBAN_CODE', value, text: frame(g, IBAN_CONTEXT, value) };
}

// ---------------------------------------------------------------------------------------------
// Payment cards (IIN ranges and lengths per brand; Luhn check digit)

const BRANDS: readonly { prefixes: readonly string[]; lengths: readonly number[] }[] = [
  { prefixes: ['4'], lengths: [16, 16, 16, 13, 19] }, // Visa
  { prefixes: ['51', '52', '53', '54', '55', '2221', '2500', '2720'], lengths: [16] }, // Mastercard
  { prefixes: ['34', '37'], lengths: [15] }, // American Express
  { prefixes: ['6011', '644', '649', '65'], lengths: [16, 19] }, // Discover
  { prefixes: ['300', '305', '36', '38'], lengths: [14] }, // Diners Club
  { prefixes: ['3528', '3589'], lengths: [16, 19] }, // JCB
  { prefixes: ['62'], lengths: [16, 17, 18, 19] }, // UnionPay
  { prefixes: ['5018', '5020', '6304', '6759'], lengths: [16, 18, 19] }, // Maestro
  { prefixes: ['2200', '2204'], lengths: [16] }, // Mir
];

function luhnDigit(partial: string): string {
  let sum = 0;
  let double = true;
  for (let i = partial.length - 1; i >= 0; i--) {
    let d = partial.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

function cardNumber(g: Gen): string {
  const brand = g.pick(BRANDS);
  const prefix = g.pick(brand.prefixes);
  const len = g.pick(brand.lengths);
  const partial = prefix + g.str(DIGITS, len - prefix.length - 1);
  return partial + luhnDigit(partial);
}

function groupCard(g: Gen, d: string): string {
  const sep = g.pick([' ', ' ', '-', '']);
  if (sep === '') return d;
  if (d.length === 15) return [d.slice(0, 4), d.slice(4, 10), d.slice(10)].join(sep);
  if (d.length === 14) return [d.slice(0, 4), d.slice(4, 10), d.slice(10)].join(sep);
  return d.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
}

const CARD_CONTEXT = [
  'Card number: {}', 'charge it to {} exp 09/28', 'my card is {} and it keeps getting declined',
  'Kartennummer {} (Visa)', 'numéro de carte : {}', 'tarjeta {}', 'cartão de crédito {}',
  '{"pan": "{}", "holder": "{name}"}', 'payment_method.card={}', 'CC# {}', 'クレジットカード番号 {}',
  'I paid with {} yesterday.',
];

// ---------------------------------------------------------------------------------------------
// US SSN (SSA rules: area 001–899 except 666, group 01–99, serial 0001–9999)

function ssn(g: Gen): string {
  let area = g.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(g.int(1, 99)).padStart(2, '0')}-${String(g.int(1, 9999)).padStart(4, '0')}`;
}

const SSN_CONTEXT = ['SSN: {}', 'my social security number is {}', 'Employee {name}, SSN {}', '{"ssn": "{}"}', 'ssn={}', 'SSN# {}', 'Social Security No. {}'];
const SSN_FREE = ['{name} {} born 1984', 'Applicant ID check: {}', 'Taxpayer: {name} — {}'];

// ---------------------------------------------------------------------------------------------
// E-mail addresses

const TLDS = ['com', 'org', 'net', 'io', 'dev', 'ai', 'co.uk', 'de', 'fr', 'com.br', 'co.jp', 'museum', 'technology', 'email', 'app', 'cloud', 'info', 'ch', 'nl', 'es', 'in', 'ac.za', 'gov.au'];
const HOSTS = ['gmail', 'outlook', 'yahoo', 'proton', 'acme-corp', 'example', 'mail.bigbank', 'eu.support.contoso', 'uni-heidelberg', 'fastmail', 'hey', 'icloud', 'web', 'gmx', 'orange'];

function email(g: Gen): string {
  const f = g.pick(FIRST).toLowerCase();
  const l = g.pick(LAST).toLowerCase().replace(/ /g, '');
  const local = g.pick([
    `${f}.${l}`, `${f}${l}`, `${f[0]}${l}`, `${f}_${l}${g.int(1, 99)}`, `${f}+${g.pick(['news', 'billing', 'test', 'openai'])}`,
    `${f}.${l}+${g.int(1, 999)}`, `${l}-${f}`, `${g.int(10000, 999999999)}`, `${f}.${l}`.toUpperCase(), `${f[0]?.toUpperCase()}${f.slice(1)}.${l}`,
    `no-reply`, `${f}'${l}`,
  ]);
  const host = g.pick(HOSTS);
  return `${local}@${host}.${g.pick(TLDS)}`;
}

const EMAIL_CONTEXT = [
  'Contact me at {}', 'mailto:{}', '{name} <{}>', '{"email": "{}"}', 'From: {}\nSubject: invoice', 'user={} logged in',
  'E-Mail: {}', 'courriel : {}', 'correo electrónico: {}', 'メール {}', 'cc {}, thanks!', '"{}"', 'email,{}\n', '[{}](mailto:{})',
];

// ---------------------------------------------------------------------------------------------
// IP addresses

function ipv4(g: Gen): string {
  const first = g.pick([g.int(11, 99), g.int(101, 126), g.int(128, 191), g.int(193, 223), 10, 172, 192]);
  return `${first}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}`;
}

function ipv6(g: Gen): string {
  const groups = Array.from({ length: 8 }, () => g.str(HEX, g.int(1, 4)).replace(/^0+(?=.)/, ''));
  groups[0] = g.pick(['2001', '2a02', '2600', '2a00', 'fd12', 'fe80', '2606', '2c0f']);
  const style = g.int(0, 5);
  if (style === 0) return groups.map((x) => x.padStart(4, '0')).join(':');
  if (style === 1) return groups.join(':');
  if (style === 2) return `${groups[0]}:${groups[1]}::${groups[6]}:${groups[7]}`;
  if (style === 3) return `${groups[0]}:${groups[1]}:${groups[2]}::${groups[7]}`;
  if (style === 4) return `::ffff:${ipv4(g)}`;
  return `${groups[0]}:db8::${groups[7]}`;
}

const IP_CONTEXT = [
  'The request came from {} at 10:42.', 'client_ip={} status=403', 'ssh admin@{}', 'Blocked {} after 5 failed logins',
  'X-Forwarded-For: {}', '{"remote_addr": "{}"}', 'ts,ip,path\n2024-05-01T10:00:00Z,{},/login\n', 'Adresse IP : {}',
  'IP-Adresse {} gesperrt', 'dirección IP {}', 'ping {}', 'host {} unreachable',
];

function ipCase(g: Gen): { value: string; text: string } {
  if (g.chance(0.5)) {
    const ip = ipv4(g);
    const style = g.int(0, 4);
    if (style === 0) return { value: ip, text: `curl http://${ip}:8080/healthz` };
    if (style === 1) return { value: ip, text: `connect to ${ip}:5432 failed` };
    return { value: ip, text: frame(g, IP_CONTEXT, ip) };
  }
  const ip = ipv6(g);
  const style = g.int(0, 5);
  if (style === 0) return { value: ip, text: `listening on [${ip}]:8443` };
  if (style === 1) return { value: ip, text: `GET http://[${ip}]/admin 401` };
  if (style === 2 && ip.startsWith('fe80')) return { value: ip, text: `neighbor ${ip}%eth0 REACHABLE` };
  return { value: ip, text: frame(g, IP_CONTEXT, ip) };
}

// ---------------------------------------------------------------------------------------------
// Vendor secrets, in their current documented layouts

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function randomBytes(g: Gen, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = g.int(0, 255);
  return b;
}

function jwt(g: Gen): string {
  const alg = g.pick(['HS256', 'HS384', 'RS256', 'ES256', 'PS256', 'EdDSA']);
  const header: Record<string, string> = g.chance(0.6) ? { alg, typ: 'JWT' } : { typ: 'JWT', alg, kid: g.str(HEX, 16) };
  const payload = { sub: String(g.int(1000, 999999)), iss: g.pick(['https://auth.example.com', 'accounts.acme.io']), iat: g.int(1.6e9, 1.75e9), exp: g.int(1.75e9, 1.8e9) };
  const sigLen = alg.startsWith('HS') ? (alg === 'HS256' ? 32 : 48) : alg === 'ES256' || alg === 'EdDSA' ? 64 : 256;
  return [b64url(Buffer.from(JSON.stringify(header))), b64url(Buffer.from(JSON.stringify(payload))), b64url(randomBytes(g, sigLen))].join('.');
}

function pem(g: Gen): string {
  const label = g.pick(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'DSA PRIVATE KEY']);
  let body = b64url(randomBytes(g, g.int(120, 1200))).replace(/-/g, '+').replace(/_/g, '/');
  if (label === 'OPENSSH PRIVATE KEY') body = 'b3BlbnNzaC1rZXktdjEAAAAA' + body;
  const lines = body.match(/.{1,64}/g) ?? [];
  const width = label === 'OPENSSH PRIVATE KEY' ? 70 : 64;
  const rewrapped = lines.join('').match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
  return `-----BEGIN ${label}-----\n${rewrapped.join('\n')}\n-----END ${label}-----`;
}

interface SecretSpec {
  entity: string;
  make(g: Gen): string;
}

const SECRET_FAMILIES: readonly SecretSpec[] = [
  { entity: 'AWS_ACCESS_KEY', make: (g) => g.pick(['AKIA', 'ASIA']) + g.str(B32, 16) },
  { entity: 'GITHUB_TOKEN', make: (g) => g.pick(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']) + g.token(ALNUM, 36) },
  { entity: 'GITHUB_TOKEN', make: (g) => `github_pat_11${g.str(UPPER + DIGITS, 20)}_${g.token(ALNUM, 59)}` },
  { entity: 'SLACK_TOKEN', make: (g) => `xoxb-${g.str(DIGITS, g.int(10, 13))}-${g.str(DIGITS, g.int(10, 13))}-${g.token(ALNUM, 24)}` },
  { entity: 'SLACK_TOKEN', make: (g) => `xoxp-${g.str(DIGITS, 12)}-${g.str(DIGITS, 12)}-${g.str(DIGITS, 13)}-${g.str(HEX, 32)}` },
  { entity: 'SLACK_TOKEN', make: (g) => `xapp-1-A${g.str(UPPER + DIGITS, 10)}-${g.str(DIGITS, 13)}-${g.str(HEX, 64)}` },
  { entity: 'SLACK_TOKEN', make: (g) => `https://hooks.slack.com/services/T${g.str(UPPER + DIGITS, 8)}/B${g.str(UPPER + DIGITS, 10)}/${g.token(ALNUM, 24)}` },
  { entity: 'STRIPE_KEY', make: (g) => `${g.pick(['sk_live_', 'rk_live_', 'sk_test_'])}${g.token(ALNUM, g.pick([24, 99]))}` },
  { entity: 'STRIPE_KEY', make: (g) => `whsec_${g.token(ALNUM, 32)}` },
  { entity: 'OPENAI_KEY', make: (g) => `sk-proj-${g.token(B64URL, 74)}T3BlbkFJ${g.token(B64URL, 74)}` },
  { entity: 'OPENAI_KEY', make: (g) => `sk-svcacct-${g.token(B64URL, 74)}T3BlbkFJ${g.token(B64URL, 74)}` },
  { entity: 'OPENAI_KEY', make: (g) => `sk-${g.token(ALNUM, 20)}T3BlbkFJ${g.token(ALNUM, 20)}` },
  { entity: 'OPENAI_KEY', make: (g) => `sk-None-${g.token(ALNUM, 48)}` },
  { entity: 'ANTHROPIC_KEY', make: (g) => `sk-ant-api03-${g.token(B64URL, 93)}AA` },
  { entity: 'ANTHROPIC_KEY', make: (g) => `sk-ant-admin01-${g.token(B64URL, 93)}AA` },
  { entity: 'GCP_API_KEY', make: (g) => `AIza${g.token(B64URL, 35)}` },
  { entity: 'JWT', make: jwt },
  { entity: 'PRIVATE_KEY', make: pem },
];

const SECRET_CONTEXT = [
  'export API_TOKEN={}', 'OPENAI_API_KEY="{}"', 'client = Client(api_key="{}")', '{"key": "{}", "region": "eu-west-1"}',
  'Authorization: Bearer {}', 'headers = {"Authorization": "Bearer {}"}', 'X-Api-Key: {}', 'here is my key {} can you see why it fails?',
  'token: {}', '```\n{}\n```', 'Der Schlüssel lautet {}', 'voici la clé {} merci', 'mi clave es {}', 'curl -H "Authorization: Bearer {}" https://api.example.com/v1',
  '--token {}', 'ERROR auth failed for credential {}', '| prod | {} |', '<apiKey>{}</apiKey>', 'secret = "{}"',
];
const PEM_CONTEXT = ['{}', 'my key:\n{}\nwhy does ssh refuse it?', 'private_key: |\n  {}', 'key_file_contents = """{}"""'];

// ---------------------------------------------------------------------------------------------
// Passwords and credentials in config, connection strings, headers and commands

const WORDS = ['Summer', 'Falcon', 'orange', 'Blue', 'tiger', 'Winter', 'kopf', 'soleil', 'Luna', 'dragon', 'Maple'];
const SYMBOLS = '!$*_+.-~^';

function password(g: Gen, urlSafe: boolean): string {
  const style = g.int(0, 3);
  const sym = urlSafe ? '_.-~' : SYMBOLS;
  if (style === 0) return g.token(ALNUM, g.int(12, 24));
  if (style === 1) return `${g.pick(WORDS)}${g.int(10, 2025)}${g.str(sym, 1)}`;
  if (style === 2) return `${g.str(LOWER, 4)}${g.str(sym, 1)}${g.token(ALNUM, g.int(6, 12))}`;
  return `${g.pick(WORDS).toLowerCase()}-${g.pick(WORDS).toLowerCase()}-${g.pick(WORDS).toLowerCase()}-${g.int(1, 99)}`;
}

function credentialCase(g: Gen): { text: string; value: string } {
  const user = g.pick(['app', 'admin', 'postgres', 'root', 'svc_reporting', 'deploy']);
  const host = g.pick(['db.internal', 'prod-db-1.eu-central-1.rds.amazonaws.com', 'cluster0.ab1cd.mongodb.net', 'cache.local', 'rabbit.svc']);
  const url = password(g, true);
  const pw = password(g, false);
  const forms: (() => { text: string; value: string })[] = [
    () => ({ value: url, text: `DATABASE_URL=postgres://${user}:${url}@${host}:5432/app` }),
    () => ({ value: url, text: `postgresql://${user}:${url}@${host}/orders?sslmode=require` }),
    () => ({ value: url, text: `mysql://${user}:${url}@${host}:3306/shop` }),
    () => ({ value: url, text: `mongodb+srv://${user}:${url}@${host}/?retryWrites=true&w=majority` }),
    () => ({ value: url, text: `REDIS_URL=redis://:${url}@${host}:6379/0` }),
    () => ({ value: url, text: `amqp://${user}:${url}@${host}:5672/vhost` }),
    () => ({ value: pw, text: `jdbc:postgresql://${host}:5432/app?user=${user}&password=${pw}` }),
    () => ({ value: pw, text: `jdbc:sqlserver://${host}:1433;databaseName=crm;user=${user};password=${pw};encrypt=true` }),
    () => ({ value: pw, text: `Driver={ODBC Driver 18 for SQL Server};Server=tcp:${host},1433;Uid=${user};Pwd=${pw};Encrypt=yes;` }),
    () => ({ value: pw, text: `Server=${host};Database=crm;User Id=${user};Password=${pw};` }),
    () => ({ value: pw, text: `DB_PASSWORD=${pw}` }),
    () => ({ value: pw, text: `POSTGRES_PASSWORD="${pw}"\nPOSTGRES_USER=${user}` }),
    () => ({ value: pw, text: `database:\n  user: ${user}\n  password: ${pw}\n  host: ${host}` }),
    () => ({ value: pw, text: `{"db": {"user": "${user}", "password": "${pw}"}}` }),
    () => ({ value: pw, text: `[database]\nuser = "${user}"\npassword = "${pw}"` }),
    () => ({ value: pw, text: `<password>${pw}</password>` }),
    () => ({ value: pw, text: `<add key="DbPassword" value="${pw}" />` }),
    () => {
      const b = Buffer.from(`${user}:${pw}`).toString('base64');
      return { value: b, text: `Authorization: Basic ${b}` };
    },
    () => ({ value: pw, text: `PGPASSWORD=${pw} psql -h ${host} -U ${user}` }),
    () => ({ value: pw, text: `mysql -h ${host} -u ${user} --password=${pw} shop` }),
    () => ({ value: pw, text: `docker login -u ${user} -p ${pw} registry.example.com` }),
    () => ({ value: url, text: `curl -u ${user}:${url} https://${host}/api` }),
    () => ({ value: pw, text: `| DB_PASSWORD | ${pw} |` }),
    () => ({ value: pw, text: `2024-05-01 10:00:01 WARN login retry user=${user} password=${pw}` }),
    () => ({ value: pw, text: `the password is ${pw}` }),
    () => ({ value: pw, text: `das Passwort ist ${pw}` }),
    () => ({ value: pw, text: `le mot de passe est ${pw}` }),
    () => ({ value: pw, text: `la contraseña es ${pw}` }),
    () => ({ value: pw, text: `a senha é ${pw}` }),
    () => ({ value: pw, text: `spring.datasource.password=${pw}` }),
    () => {
      const key = g.token(B64, 40);
      return { value: key, text: `[default]\naws_secret_access_key = ${key}` };
    },
  ];
  return g.pick(forms)();
}

// ---------------------------------------------------------------------------------------------
// Look-alikes: values a human reads as not personal

function isbn10(g: Gen): string {
  const d = g.str(DIGITS, 9);
  let s = 0;
  for (let i = 0; i < 9; i++) s += (10 - i) * Number(d[i]);
  const c = (11 - (s % 11)) % 11;
  return `${d[0]}-${d.slice(1, 4)}-${d.slice(4, 9)}-${c === 10 ? 'X' : c}`;
}

function isbn13(g: Gen): string {
  const d = g.pick(['978', '979']) + g.str(DIGITS, 9);
  let s = 0;
  for (let i = 0; i < 12; i++) s += (i % 2 === 0 ? 1 : 3) * Number(d[i]);
  const c = (10 - (s % 10)) % 10;
  return `${d.slice(0, 3)}-${d[3]}-${d.slice(4, 7)}-${d.slice(7, 12)}-${c}`;
}

function uuid(g: Gen): string {
  const h = g.str(HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${g.pick(['8', '9', 'a', 'b'])}${h.slice(17, 20)}-${h.slice(20)}`;
}

function luhnInvalid(g: Gen): string {
  const valid = cardNumber(g);
  const last = Number(valid[valid.length - 1]);
  const d = valid.slice(0, -1) + String((last + g.int(1, 9)) % 10);
  return d.length === 16 && g.chance(0.5) ? d.replace(/(\d{4})(?=\d)/g, '$1 ') : d;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const LOOKALIKES: readonly ((g: Gen) => { keep: string; text: string })[] = [
  (g) => { const v = uuid(g); return { keep: v, text: `request_id=${v}` }; },
  (g) => { const v = g.str(HEX, 40); return { keep: v, text: `deployed commit ${v}` }; },
  (g) => { const v = g.str(HEX, g.int(7, 10)); return { keep: v, text: `fixed in ${v}, see the PR` }; },
  (g) => { const v = g.str(HEX, 32); return { keep: v, text: `trace_id: ${v}` }; },
  (g) => { const v = g.str(HEX, 16); return { keep: v, text: `"spanId": "${v}"` }; },
  (g) => { const v = g.str(HEX, 64); return { keep: v, text: `sha256:${v}` }; },
  (g) => { const v = `v${g.int(0, 20)}.${g.int(0, 40)}.${g.int(0, 99)}`; return { keep: v, text: `upgraded to ${v} last night` }; },
  (g) => { const v = `${g.int(1, 9)}.${g.int(0, 30)}.${g.int(0, 9)}-rc.${g.int(1, 5)}`; return { keep: v, text: `version ${v}` }; },
  (g) => { const v = `10.0.${g.int(17000, 26100)}.${g.int(1000, 5000)}`; return { keep: v, text: `Windows build ${v}` }; },
  (g) => { const v = `${g.int(2019, 2026)}-${pad2(g.int(1, 12))}-${pad2(g.int(1, 28))}`; return { keep: v, text: `due ${v}` }; },
  (g) => { const v = `${g.int(2019, 2026)}-${pad2(g.int(1, 12))}-${pad2(g.int(1, 28))}T${pad2(g.int(0, 23))}:${pad2(g.int(0, 59))}:${pad2(g.int(0, 59))}Z`; return { keep: v, text: `created_at=${v}` }; },
  (g) => { const v = `${g.int(2019, 2026)}-${pad2(g.int(1, 12))}-${pad2(g.int(1, 28))}T${pad2(g.int(0, 23))}:${pad2(g.int(0, 59))}:${pad2(g.int(0, 59))}.${g.int(100, 999)}+02:00`; return { keep: v, text: `"ts": "${v}"` }; },
  (g) => { const v = `${pad2(g.int(1, 28))}.${pad2(g.int(1, 12))}.${g.int(2019, 2026)}`; return { keep: v, text: `Lieferung am ${v}` }; },
  (g) => { const v = `${pad2(g.int(1, 12))}/${pad2(g.int(1, 28))}/${g.int(2019, 2026)}`; return { keep: v, text: `on ${v} we shipped` }; },
  (g) => { const v = `${g.int(1, 28)} ${g.pick(MONTHS)} ${g.int(2019, 2026)}`; return { keep: v, text: `signed ${v}` }; },
  (g) => { const v = `${pad2(g.int(0, 23))}:${pad2(g.int(0, 59))}:${pad2(g.int(0, 59))}`; return { keep: v, text: `at ${v} UTC` }; },
  (g) => { const v = `€${g.int(1, 9)}.${g.int(100, 999)},${pad2(g.int(0, 99))}`; return { keep: v, text: `Gesamt: ${v}` }; },
  (g) => { const v = `£${g.int(1, 999)}.${pad2(g.int(0, 99))}`; return { keep: v, text: `total ${v} incl. VAT` }; },
  (g) => { const v = `¥${g.int(1, 99)},${g.int(100, 999)}`; return { keep: v, text: `price ${v}` }; },
  (g) => { const v = `$${g.int(1, 99)},${g.int(100, 999)}.${pad2(g.int(0, 99))}`; return { keep: v, text: `invoice total ${v}` }; },
  (g) => { const v = `${g.int(1, 9)} ${g.int(100, 999)},${pad2(g.int(0, 99))} €`; return { keep: v, text: `montant ${v}` }; },
  (g) => { const v = `INV-${g.int(2019, 2026)}-${String(g.int(1, 999999)).padStart(6, '0')}`; return { keep: v, text: `invoice ${v} is overdue` }; },
  (g) => { const v = `#${g.pick(['A', 'B', 'ORD'])}-${g.int(100000, 9999999)}`; return { keep: v, text: `order ${v} shipped` }; },
  (g) => { const v = String(g.int(2000000000, 9999999999)); return { keep: v, text: `order number ${v} was cancelled` }; },
  (g) => { const v = String(g.int(1000000, 99999999)); return { keep: v, text: `ticket ${v} resolved` }; },
  (g) => { const v = isbn10(g); return { keep: v, text: `ISBN ${v}` }; },
  (g) => { const v = isbn13(g); return { keep: v, text: `ISBN-13: ${v}` }; },
  (g) => { const v = `1Z${g.str(UPPER + DIGITS, 16)}`; return { keep: v, text: `UPS tracking ${v}` }; },
  (g) => { const v = luhnInvalid(g); return { keep: v, text: `reference ${v}` }; },
  (g) => { const v = `port ${g.int(1024, 65535)}`; return { keep: v, text: `listening on ${v}` }; },
  (g) => { const v = `localhost:${g.int(1024, 65535)}`; return { keep: v, text: `open http://${v}/` }; },
  (g) => { const a = g.int(100, 999); const b = g.int(100, 999); const v = `${a} * ${b} = ${a * b}`; return { keep: v, text: `check: ${v}` }; },
  (g) => { const e = g.int(20, 40); const v = `2^${e} = ${2 ** e}`; return { keep: v, text: v }; },
  (g) => { const v = g.pick(['gpt-4o-2024-08-06', 'claude-3-5-sonnet-20241022', 'gemini-1.5-pro-002', 'llama-3.1-405b-instruct', 'text-embedding-3-large', 'mistral-large-2407', 'claude-opus-4-20250514']); return { keep: v, text: `model=${v}` }; },
  (g) => { const v = `cus_${g.token(ALNUM, 14)}`; return { keep: v, text: `Stripe customer ${v}` }; },
  (g) => { const v = `pi_${g.token(ALNUM, 24)}`; return { keep: v, text: `payment_intent ${v} succeeded` }; },
  (g) => { const v = `chatcmpl-${g.token(ALNUM, 29)}`; return { keep: v, text: `"id": "${v}"` }; },
  (g) => { const v = `OID 1.3.6.1.4.1.${g.int(100, 60000)}.${g.int(1, 9)}`; return { keep: v, text: `SNMP ${v}` }; },
  (g) => { const v = `#${g.str(HEX, 6)}`; return { keep: v, text: `color: ${v};` }; },
  (g) => { const v = `${g.int(100, 99999)} tokens`; return { keep: v, text: `used ${v}` }; },
  (g) => { const v = `${g.int(1, 9999)} ms`; return { keep: v, text: `p99 latency ${v}` }; },
  (g) => { const v = `${g.int(2019, 2026)}${pad2(g.int(1, 12))}${pad2(g.int(1, 28))}`; return { keep: v, text: `backup_${v}.tar.gz` }; },
];

// ---------------------------------------------------------------------------------------------
// Assembly

const WRAPPERS = ['{}', '{}', '{}', 'Hi team,\n{}\nThanks.', 'User: {}', 'Tool result: {}', '> {}', 'Zusammenfassung: {}', 'Résumé : {}'];

function assemble(g: Gen, id: number, body: string, pii: StressCase['pii'], keep: string[]): StressCase {
  let text = frame(g, WRAPPERS, body);
  // some texts travel as a JSON-encoded chat message, as gen_ai.input.messages carries them
  if (g.chance(0.15)) {
    text = JSON.stringify([{ role: 'user', content: text }]);
    const esc = (v: string): string => JSON.stringify(v).slice(1, -1);
    pii = pii.map((p) => ({ entity: p.entity, value: esc(p.value) }));
    keep = keep.map(esc);
  }
  return { id: `stress-${String(id).padStart(5, '0')}`, text, pii, keep };
}

function withLookalike(g: Gen, body: string, keep: string[]): string {
  if (!g.chance(0.5)) return body;
  const l = g.pick(LOOKALIKES)(g);
  keep.push(l.keep);
  return g.chance(0.5) ? `${body} (${l.text})` : `${l.text}. ${body}`;
}

export function generateStressCorpus(seed = STRESS_SEED): StressCase[] {
  const g = new Gen(mulberry32(seed));
  const cases: StressCase[] = [];
  const add = (body: string, pii: StressCase['pii'], keep: string[] = []): void => {
    const b = withLookalike(g, body, keep);
    cases.push(assemble(g, cases.length, b, pii, keep));
  };
  for (let i = 0; i < 900; i++) {
    const p = phoneCase(g);
    add(p.text, [{ entity: p.entity, value: p.value }]);
  }
  for (const country of Object.keys(BBAN)) {
    for (let i = 0; i < 5; i++) {
      const c = ibanCase(g, country);
      add(c.text, [{ entity: c.entity, value: c.value }]);
    }
  }
  for (let i = 0; i < 320; i++) {
    const v = groupCard(g, cardNumber(g));
    add(frame(g, CARD_CONTEXT, v), [{ entity: 'CREDIT_CARD', value: v }]);
  }
  for (let i = 0; i < 150; i++) {
    const s = ssn(g);
    const style = g.int(0, 5);
    if (style <= 2) add(frame(g, g.chance(0.7) ? SSN_CONTEXT : SSN_FREE, s), [{ entity: 'US_SSN', value: s }]);
    else if (style === 3) {
      const v = s.replace(/-/g, ' ');
      add(frame(g, SSN_CONTEXT, v), [{ entity: 'US_SSN', value: v }]);
    } else {
      const v = s.replace(/-/g, '');
      add(frame(g, SSN_CONTEXT, v), [{ entity: 'US_SSN', value: v }]);
    }
  }
  for (let i = 0; i < 320; i++) {
    const e = g.chance(0.1) ? email(g).toUpperCase() : email(g);
    const t = frame(g, EMAIL_CONTEXT, e).replace('{}', e);
    add(t, [{ entity: 'EMAIL_ADDRESS', value: e }]);
  }
  for (let i = 0; i < 320; i++) {
    const ip = ipCase(g);
    add(ip.text, [{ entity: 'IP_ADDRESS', value: ip.value }]);
  }
  for (const family of SECRET_FAMILIES) {
    for (let i = 0; i < 30; i++) {
      const v = family.make(g);
      if (family.entity === 'PRIVATE_KEY') {
        if (g.chance(0.4)) {
          // pasted inside a JSON string: the newlines are escapes in the text
          const text = JSON.stringify({ type: 'service_account', private_key: v + '\n' });
          add(text, [{ entity: 'PRIVATE_KEY', value: JSON.stringify(v).slice(1, -1) }]);
        } else {
          add(frame(g, PEM_CONTEXT, v), [{ entity: 'PRIVATE_KEY', value: v }]);
        }
        continue;
      }
      add(frame(g, SECRET_CONTEXT, v), [{ entity: family.entity, value: v }]);
    }
  }
  for (let i = 0; i < 360; i++) {
    const c = credentialCase(g);
    add(c.text, [{ entity: 'DB_PASSWORD', value: c.value }]);
  }
  // texts with several entities at once, as in a pasted customer record
  for (let i = 0; i < 150; i++) {
    let p = phoneCase(g);
    // an ungrouped digit run reads as a phone number only next to a phone word
    while (/^\d+$/.test(p.value)) p = phoneCase(g);
    const e = email(g);
    const ip = ipv4(g);
    const text = `${person(g)} | ${e} | ${p.value} | last login from ${ip}`;
    add(text, [
      { entity: 'EMAIL_ADDRESS', value: e },
      { entity: 'PHONE_NUMBER', value: p.value },
      { entity: 'IP_ADDRESS', value: ip },
    ]);
  }
  // look-alike-only texts
  for (let i = 0; i < 500; i++) {
    const keep: string[] = [];
    const a = g.pick(LOOKALIKES)(g);
    const b = g.pick(LOOKALIKES)(g);
    keep.push(a.keep, b.keep);
    cases.push(assemble(g, cases.length, `${a.text}; ${b.text}`, [], keep));
  }
  return cases;
}

export function toJsonl(cases: readonly StressCase[]): string {
  return cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
}

export const STRESS_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stress.jsonl');

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cases = generateStressCorpus();
  writeFileSync(STRESS_PATH, toJsonl(cases));
  console.log(`wrote ${cases.length} cases to ${STRESS_PATH}`);
}
