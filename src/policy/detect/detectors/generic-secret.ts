/**
 * GENERIC_SECRET. Assignments whose key names a credential (password, passwd, pwd, secret, token,
 * api_key, access_key, client_secret, credentials, auth, bearer …) in code, config, env files, JSON,
 * YAML, URL query strings and HTTP headers, e.g. `DB_PASSWORD=…`, `"apiKey": "…"`, `?token=…&`,
 * `Authorization: Bearer …`. Only the value is reported. A value must look random enough (length,
 * Shannon entropy, mixed character classes) so that `password: required` or `token: null` pass, and
 * references (`${VAR}`, `process.env.X`, `getpass()`, `<redacted>`) are skipped.
 *
 * Implemented as a scan over '=' and ':' separators rather than one regex: the key is read leftwards
 * and the value rightwards with bounded loops, which keeps it linear and lets the key be judged by
 * its words (`max_tokens` is not a token).
 */
import type { Finding } from '../types.js';
import { regexDetector, type BuiltinDetector } from '../regex-detector.js';
import { allSame, charClassCount, isAlnumCode, isKeyCharCode, shannonEntropy, wordsAlternation } from '../text.js';
import { hasVendorWord, VENDOR_WORDS, vendorValue } from './vendor-keys.js';

const MAX_KEY = 64;
const MAX_VALUE = 256;

/** Key words that name a secret on their own. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'secret', 'token', 'apikey', 'api_key',
  'credential', 'credentials', 'auth', 'authorization', 'bearer', 'privatekey', 'secretkey', 'accesskey',
  'sessionid', 'cookie', 'signature', 'sig', 'pat', 'pin', 'otp', 'mdp', 'kennwort', 'passwort', 'contraseña',
]);
/** "key" names a secret only next to one of these ("api key", "secret_key", "x-api-key"). */
const KEY_QUALIFIERS = new Set(['api', 'access', 'secret', 'private', 'client', 'auth', 'signing', 'encryption', 'master', 'license', 'app', 'service', 'account', 'subscription', 'x']);
/** Words that make the key describe metadata about a secret, not the secret. */
const META_WORDS = new Set([
  'type', 'count', 'counts', 'length', 'len', 'limit', 'max', 'min', 'usage', 'expires', 'expiry', 'expiration',
  'ttl', 'url', 'uri', 'endpoint', 'file', 'path', 'name', 'id', 'ids', 'policy', 'hint', 'prompt', 'label',
  'field', 'header', 'format', 'required', 'enabled', 'reset', 'rotation', 'strength', 'tokens', 'input', 'output',
  'total', 'cached', 'reasoning', 'estimate', 'budget', 'size', 'index', 'kind', 'mode', 'version', 'scope',
]);
/** Placeholders and non-values that are never redacted. */
const PLACEHOLDERS = /^(?:null|none|nil|true|false|undefined|empty|redacted|hidden|masked|changeme|placeholder|example|string|secret|password|token|xxx+|\*+|\.+|<[^>]*>|<[a-z_\- ]*|\$\{[^}]*\}|\{\{[^}]*\}\}|%[^%]*%|your[_\-].*|my[_\-].*|env\b.*|process\.env.*|os\.environ.*|\$[A-Za-z_][A-Za-z0-9_]*|\$\([^)]*\)|#\{[^}]*\}|<%=?[^%]*%>|@[A-Za-z_]+@|\[\[[^\]]*\]\]|(?:x{4,}|X{4,}|0{8,}|\.{3}|…).*|.*(?:x{6,}|X{6,}).*|(?:example|.*replace[_\-]?me).*|.*[_\-]here|tbd|todo|fixme|dummy|sample|foobar|insert[_\-].*)$/i;

function keyWords(key: string): string[] {
  // split camelCase and separators: "clientSecret" → client secret, "X-Api-Key" → x api key
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9ñ]+/)
    .filter((w) => w.length > 0);
}

/** Words before "key" that make it a lookup key, not a credential. */
const NON_SECRET_KEY_QUALIFIERS = new Set([
  'primary', 'foreign', 'sort', 'partition', 'cache', 'object', 'idempotency', 'routing', 'public', 'hash',
  'row', 'shard', 'lookup', 'map', 'dict', 'unique', 'composite', 'natural', 'surrogate', 'dedup', 'group',
  'message', 'i18n', 'translation', 'react', 'list', 'storage', 'bucket', 's3', 'registry', 'metric', 'attribute',
]);

/**
 * How a key names a secret: 'password' (short values allowed), 'secret' (token, api key …), 'weak'
 * (a compound ending in "key", such as AWS_KEY or STRIPE_KEY, where a random-looking value is still a
 * credential but hex digests and UUIDs are more likely ids), or undefined when it names none.
 */
export type SecretKeyKind = 'password' | 'secret' | 'weak';

const PASSWORD_WORD = /pass|pwd|mdp|kennwort|contrase/;

export function secretKeyKind(key: string): SecretKeyKind | undefined {
  const words = keyWords(key);
  if (words.length === 0) return undefined;
  let kind: SecretKeyKind | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (META_WORDS.has(w)) return undefined;
    if (PASSWORD_WORD.test(w)) kind = 'password';
    else if (SECRET_WORDS.has(w) || w.endsWith('secret') || w.endsWith('token') || w === 'apikey') kind ??= 'secret';
    else if (w === 'key' && i > 0) {
      const q = words[i - 1] as string;
      if (KEY_QUALIFIERS.has(q)) kind ??= 'secret';
      else if (!NON_SECRET_KEY_QUALIFIERS.has(q)) kind ??= 'weak';
    }
  }
  return kind;
}

export function isSecretKey(key: string): boolean {
  return secretKeyKind(key) !== undefined;
}

/** Substrings every secret key name contains one of, in any case; rejects most keys before word splitting. */
export const KEY_HINT_WORDS: readonly string[] =
  'pass pwd secret token key auth cred bearer cookie session sig pin otp mdp kennwort contrase pat senha clave wachtwoord passord lösenord losenord salasana haslo hasło parola adgangskode'.split(' ');
const KEY_HINT = new RegExp(wordsAlternation(KEY_HINT_WORDS), 'i');
/** What the key=value readers need one of in a text to run at all (the scanner's trigger pass finds them). */
export const SECRET_OR_VENDOR_WORDS: readonly string[] = [...KEY_HINT_WORDS, ...VENDOR_WORDS];

/**
 * Whether `text` holds any word a secret key could be named with. The keys these detectors read are
 * ASCII, and every key secretKeyKind accepts contains a KEY_HINT substring, so when this is false no
 * key=value, spoken, XML or table secret can be found and those detectors skip the text. The last
 * answer is kept, because several detectors ask about the same view of the same string in one scan.
 */
let lastHintText: string | undefined;
let lastSecretWord = false;
/** Whether the last text holds a vendor keyword; undefined until a caller asks (most need only secret words). */
let lastVendorWord: boolean | undefined;

function hintsFor(text: string): void {
  if (text === lastHintText) return;
  lastHintText = text;
  lastSecretWord = KEY_HINT.test(text);
  lastVendorWord = undefined;
}
export function hasSecretWord(text: string): boolean {
  hintsFor(text);
  return lastSecretWord;
}
/**
 * A secret-naming word or a vendor keyword: what the key=value readers need to run at all. Vendor
 * keywords are looked for only when there is no secret word, and once per text: two tests of the
 * smaller alternations are cheaper than one of their union (the engine tries every alternative of
 * the union at each position) and answer the same.
 */
export function hasSecretOrVendorWord(text: string): boolean {
  hintsFor(text);
  if (lastSecretWord) return true;
  lastVendorWord ??= hasVendorWord(text);
  return lastVendorWord;
}

/** Reads the key ending just before `sep` (skipping a closing quote and spaces); returns its start or -1. */
function readKey(text: string, sep: number): number {
  let i = sep - 1;
  let spaces = 0;
  while (i >= 0 && text.charCodeAt(i) === 32 && spaces < 8) {
    i--;
    spaces++;
  }
  if (text.charCodeAt(i) === 93) i--; // ENV['API_TOKEN'], $_ENV["API_TOKEN"], os.environ["…"]
  const q = text.charCodeAt(i);
  if (q === 34 || q === 39 || q === 96) i--; // closing quote of a JSON/YAML key
  const end = i + 1;
  while (i >= 0 && end - i <= MAX_KEY && isKeyCharCode(text.charCodeAt(i))) i--;
  const start = i + 1;
  if (end - start < 2) return -1;
  // a declared type between the name and '=': `var apiToken string = …` (Go), `val apiToken: String = …`
  // (Kotlin), `const apiToken: string = …` (TypeScript), `String apiToken = …` is read as is
  if (TYPE_WORDS.has(text.slice(start, end))) {
    let j = start - 1;
    let gap = 0;
    while (j >= 0 && gap < 4 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 58)) {
      j--;
      gap++;
    }
    if (gap > 0 && j >= 0 && isKeyCharCode(text.charCodeAt(j))) return readKey(text, j + 1);
  }
  return start;
}

/** Type names that may stand between a variable and '=' in typed declarations. */
const TYPE_WORDS = new Set(['string', 'String', 'str', 'Str', 'byte', 'bytes', 'char', 'const', 'var', 'val', 'let', 'auto', 'text', 'Text', 'secret', 'SecretStr', 'SecureString', 'CharSequence', 'any', 'Any']);

/**
 * Whitespace, controls, quotes, and the delimiters that end a value in query strings, JSON, code and
 * headers, as a table: the value loop visits every character of a value.
 */
const VALUE_STOP = new Uint8Array(128);
for (let c = 0; c <= 32; c++) VALUE_STOP[c] = 1;
for (const ch of '"\'`,;&<>{}()[]\\') VALUE_STOP[ch.charCodeAt(0)] = 1;

function isValueStop(c: number): boolean {
  return c < 128 && VALUE_STOP[c] === 1;
}

const HEX_OR_UUID = /^(?:[0-9a-f]{16,}|[0-9A-F]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const LONG_DIGITS = /^\d{12,64}$/;
const ALL_DIGITS = /^\d+$/;

/** Strength test for a candidate value; passwords may be shorter than tokens. */
export function looksSecret(value: string, kind: SecretKeyKind): boolean {
  const minLen = kind === 'password' ? 6 : 8;
  if (value.length < minLen || value.length > MAX_VALUE) return false;
  if (PLACEHOLDERS.test(value)) return false;
  // an all-digit client secret or PIN-like token after a key that names a secret ("client_secret=8461029375120394")
  if (kind === 'secret' && LONG_DIGITS.test(value)) return !allSame(value) && shannonEntropy(value) >= 2.5;
  // an all-digit password is still one ("DB_PASSWORD=614452904315"); a run such as 12345678 is a placeholder
  if (kind === 'password' && ALL_DIGITS.test(value)) return !allSame(value) && !sequential(value);
  // the entropy only where the class count leaves the answer open (it is the costlier of the two)
  const classes = charClassCount(value);
  if (kind === 'password') return classes >= 2 || shannonEntropy(value) >= 3.0;
  if (kind === 'weak' && HEX_OR_UUID.test(value)) return false;
  return classes >= 2 && shannonEntropy(value) >= 3.0;
}

/** Digits that step by +1 or -1 throughout ("123456", "9876543210"). */
function sequential(value: string): boolean {
  const d = value.charCodeAt(1) - value.charCodeAt(0);
  if (d !== 1 && d !== -1) return false;
  for (let i = 2; i < value.length; i++) {
    const step = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (step !== d && !(d === 1 && value[i - 1] === '9' && value[i] === '0')) return false;
  }
  return true;
}

/** Where the key read before a separator ends: at its first space or ':' (`apiToken string`), else `end`. */
export function keyNameEnd(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 58) return i;
  }
  return end;
}

const VALUE_KEY = /^value["'`]?$/i;
const KEY_PUNCTUATION = /["'`\s\]\[]/g;
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Digest|Bot|ApiKey|SSWS)\s+/i;

/**
 * Judges the assignment at separator `sep` ('=' or ':'), appending a finding when its key names a
 * secret and its value looks like one; returns where the search for the next separator resumes.
 */
function secretAt(text: string, sep: number, out: Finding[]): number {
  const c = text.charCodeAt(sep);
  let valueStart = sep + 1;
  // ':=', '=>', '=='
  const next = text.charCodeAt(valueStart);
  if (c === 58 && (next === 58 || next === 61)) return sep + 1; // Make's '::=', ':::=', ':=': read at the '='
  if (next === 61 || next === 62) valueStart++;
  if (c === 58 && next === 47) return sep + 1; // "://" is a URL, not an assignment
  // the operator may be longer: ':=', '::=', ':::=' (Make, Go), '?=' (Make), '.=' (PHP), '+=' (shell), '||=' (Ruby)
  let keyEnd = sep;
  while (c === 61 && keyEnd > 0 && sep - keyEnd < 3) {
    const p = text.charCodeAt(keyEnd - 1);
    if (p === 58 || p === 63 || p === 43 || p === 124 || (p === 46 && text.charCodeAt(keyEnd - 2) === 32)) keyEnd--;
    else break;
  }
  const keyStart = readKey(text, keyEnd);
  if (keyStart < 0) return sep + 1;
  // `apiToken string` (a declared type after the name): the name is the key
  let rawKey = text.slice(keyStart, keyNameEnd(text, keyStart, keyEnd));
  // a name/value pair names the secret in its `name` field (Kubernetes env, ECS, Azure app settings)
  if (keyEnd - keyStart <= 7 && VALUE_KEY.test(rawKey)) rawKey = pairedName(text, keyStart) ?? rawKey;
  const hinted = KEY_HINT.test(rawKey);
  if (!hinted && !hasVendorWord(rawKey)) return sep + 1;
  const kind = hinted ? secretKeyKind(rawKey.replace(KEY_PUNCTUATION, '')) : undefined;
  // skip spaces, an opening quote, and an auth scheme ("Bearer ", "Basic ", "token ")
  let i = valueStart;
  while (i < text.length && text.charCodeAt(i) === 32 && i - valueStart < 8) i++;
  const quote = text.charCodeAt(i);
  if (quote === 34 || quote === 39 || quote === 96) i++;
  const scheme = AUTH_SCHEME.exec(text.slice(i, i + 16));
  if (scheme) i += scheme[0].length;
  const start = i;
  while (i < text.length && i - start < MAX_VALUE && !isValueStop(text.charCodeAt(i))) i++;
  let end = i;
  // a trailing sentence period is not part of the value
  while (end > start && text.charCodeAt(end - 1) === 46) end--;
  if (text.charCodeAt(i) === 40) return sep + 1; // getpass(), os.getenv(…): a call, not a literal
  const value = text.slice(start, end);
  if (!(kind !== undefined && looksSecret(value, kind)) && !vendorValue(rawKey, value)) return sep + 1;
  out.push({ entity: 'GENERIC_SECRET', start, end, detector: 'generic_secret' });
  return end;
}

/**
 * The name of a name/value pair whose `value` key starts at `valueKey`: the nearest `name` field
 * before it, within a few lines, with nothing but separators between — `- name: API_TOKEN\n  value: …`
 * (Kubernetes env), `{"name": "API_TOKEN", "value": "…"}` (ECS task definitions, Azure app settings).
 * Bounded: reads at most PAIR_WINDOW characters back.
 */
const PAIR_WINDOW = 160;
const PAIR_NAME = /(?:^|[\s{,"'-])name["']?\s{0,4}[:=]\s{0,4}["']?([A-Za-z0-9_.\-]{2,64})["']?[\s,]{0,40}$/i;
function pairedName(text: string, valueKey: number): string | undefined {
  let from = valueKey - 1;
  // the opening quote or '<' of the value key itself
  const q = text.charCodeAt(from);
  if (q === 34 || q === 39 || q === 60) from--;
  const window = text.slice(Math.max(0, from + 1 - PAIR_WINDOW), from + 1);
  return PAIR_NAME.exec(window)?.[1];
}

export const genericSecretDetector: BuiltinDetector = {
  name: 'generic_secret',
  entity: 'GENERIC_SECRET',
  patterns: [PAIR_NAME],
  mayMatch: (text) => (text.includes('=') || text.includes(':')) && hasSecretOrVendorWord(text),
  keywords: SECRET_OR_VENDOR_WORDS,
  triggered: (t) => t.equals > 0 || t.colon > 0,
  find(text: string, out: Finding[]): void {
    // jump from separator to separator with indexOf rather than visiting every character
    let eq = text.indexOf('=');
    let colon = text.indexOf(':');
    while (eq >= 0 || colon >= 0) {
      const sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
      const resume = secretAt(text, sep, out);
      if (eq >= 0 && eq < resume) eq = text.indexOf('=', resume);
      if (colon >= 0 && colon < resume) colon = text.indexOf(':', resume);
    }
  },
};

/**
 * The same secrets said in words or passed as flags: "my password is Tr0ub4dor&3", "the api key was
 * …", "--password Hunter2x", "pwd: …". The value is the next token and must pass the same strength test.
 */
// not after [A-Za-z0-9_]: checked by notAfter below rather than a leading lookbehind (cheaper, same matches)
const SPOKEN =
  /(?:-{1,2}(?:password|passwd|pass|token|secret|api-key|apikey|auth-token)[ ]+|(?:password|passwort|kennwort|mot de passe|contraseña|contrasena|clave|senha|wachtwoord|passord|lösenord|losenord|adgangskode|salasana|hasło|haslo|parola|passcode|passphrase|pwd|pin|secret|token|api key|access key|secret key)[ ]+(?:is|was|ist|lautet|war|est|était|es|era|é|è|er|är|on|to|=|:)[ ]+)["'`]?([^\s"'`,;()]{6,128})/gi;

export const spokenSecretDetector = regexDetector({
  name: 'spoken_secret',
  entity: 'GENERIC_SECRET',
  pattern: SPOKEN,
  notAfter: (c) => isAlnumCode(c) || c === 95,
  mayMatch: hasSecretWord,
  keywords: KEY_HINT_WORDS,
  validate(m, text) {
    if (text.charCodeAt(m.index + m[0].length) === 40) return false; // getpass(): a call, not a value
    let value = m[1] ?? '';
    while (value.endsWith('.') || value.endsWith(')') || value.endsWith('!') || value.endsWith('?')) value = value.slice(0, -1);
    const kind: SecretKeyKind = /pass|pwd|pin|wort|word|ord|contrase|clave|senha|salasana|has[lł]o|parola|kode/i.test(m[0].slice(0, m[0].length - (m[1] ?? '').length)) ? 'password' : 'secret';
    if (!looksSecret(value, kind)) return false;
    const end = m.index + m[0].length - (m[1] ?? '').length + value.length;
    return { start: end - value.length, end };
  },
});
