/**
 * GENERIC_SECRET in the places where a credential is not written `key=value` or `key: value`:
 *
 * - XML and .NET config: `<password>…</password>`, `<add key="DbPassword" value="…"/>`;
 * - Markdown and ASCII tables: `| DB_PASSWORD | … |`;
 * - command lines: `curl -u user:pass`, `docker login -u x -p pass`, `mysql -pPASS`, `redis-cli -a pass`.
 *
 * The key (element name, key attribute, first cell) must name a secret and the value must pass the
 * same strength test as every other generic secret (secretKeyKind, looksSecret).
 */
import { regexDetector } from '../regex-detector.js';
import { hasSecretOrVendorWord, hasSecretWord, KEY_HINT_WORDS, looksSecret, SECRET_OR_VENDOR_WORDS, secretKeyKind } from './generic-secret.js';
import { vendorValue } from './vendor-keys.js';

/** `<name>value</name>`; the closing name is compared in the validator (no backreference). */
const XML_ELEMENT = /<([A-Za-z_][\w.:\-]{0,63})>\s{0,64}([^<>\s]{1,256})\s{0,64}<\/([A-Za-z_][\w.:\-]{0,63})>/dg;
/** `key="Name" value="…"` (appSettings, Java properties in XML, Ant); quotes optional, since JSON escapes of them are blanked. */
const XML_KEY_VALUE = /\b(?:key|name)[ ]?=[ ]{0,2}["']?([A-Za-z_][\w.:\-]{0,63})["']?[ ]{1,4}value[ ]?=[ ]{0,2}["']?([^"'<>\s]{1,256})/dg;
/** One table row cell pair: `| key | value |`; the value is read by lookahead so every cell can be a key. */
const TABLE_ROW = /(?<=\|[ \t]{0,8})`?([A-Za-z_][\w.\-]{1,63})`?[ \t]{0,8}\|(?=[ \t]{0,8}`?([^|`\s]{1,256})`?[ \t]{0,8}\|)/dg;
/**
 * Credential flags of common CLIs: `-u user:pass` / `--user user:pass` (curl, wget), `-p pass` /
 * `-pPASS` / `--password pass` after a client that takes a password that way, `-a pass` (redis-cli).
 * The regex anchors on the flag; which command the flag belongs to is checked on the line before it.
 */
const CLI_FLAG =
  /[ \t](?:-u|--user)[ \t]([^\s:@]{1,64}):([^\s@]{1,256})(?=\s|$)|[ \t](?:-p[ \t]?|--password[ \t])([^\s\-][^\s]{0,255})|[ \t]-a[ \t]([^\s]{1,256})/dg;
const USER_FLAG_COMMANDS = /\b(?:curl|wget)\b/;
const PASSWORD_FLAG_COMMANDS =
  /\b(?:(?:docker|podman|nerdctl|skopeo|oras|helm registry) login|mysql|mysqldump|mysqladmin|mariadb|sshpass|mongo|mongosh|mongodump)\b/;
const AUTH_FLAG_COMMANDS = /\bredis-cli\b/;

/** The command line the flag at `at` belongs to: back to the line start or a shell separator, bounded. */
function commandBefore(text: string, at: number): string {
  let i = at;
  while (i > 0 && at - i < 200) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 59 || c === 124 || c === 38) break; // \n ; | &
    i--;
  }
  return text.slice(i, at);
}

/** Offsets of a capture group (the patterns carry the `d` flag). */
function valueSpan(m: RegExpExecArray, group: number): { start: number; end: number } | false {
  const span = m.indices?.[group];
  return span === undefined ? false : { start: span[0], end: span[1] };
}

export const xmlSecretDetector = regexDetector({
  name: 'xml_secret',
  entity: 'GENERIC_SECRET',
  pattern: XML_ELEMENT,
  // the element name must name a secret
  mayMatch: (text) => text.includes('</') && hasSecretOrVendorWord(text),
  keywords: SECRET_OR_VENDOR_WORDS,
  triggered: (_t, text) => text.includes('</'),
  validate(m) {
    const name = m[1] ?? '';
    if (name !== m[3]) return false;
    const local = name.slice(name.lastIndexOf(':') + 1);
    const kind = secretKeyKind(local);
    const value = m[2] ?? '';
    if (!((kind !== undefined && looksSecret(value, kind)) || vendorValue(local, value))) return false;
    return valueSpan(m, 2);
  },
});

export const xmlKeyValueSecretDetector = regexDetector({
  name: 'xml_key_value_secret',
  entity: 'GENERIC_SECRET',
  pattern: XML_KEY_VALUE,
  mayMatch: (text) => text.includes('value') && hasSecretWord(text),
  keywords: KEY_HINT_WORDS,
  triggered: (_t, text) => text.includes('value'),
  validate(m) {
    const kind = secretKeyKind(m[1] ?? '');
    if (kind === undefined || !looksSecret(m[2] ?? '', kind)) return false;
    return valueSpan(m, 2);
  },
});

export const tableSecretDetector = regexDetector({
  name: 'table_secret',
  entity: 'GENERIC_SECRET',
  pattern: TABLE_ROW,
  mayMatch: (text) => text.includes('|') && hasSecretWord(text),
  keywords: KEY_HINT_WORDS,
  triggered: (_t, text) => text.includes('|'),
  validate(m) {
    const kind = secretKeyKind(m[1] ?? '');
    if (kind === undefined || !looksSecret(m[2] ?? '', kind)) return false;
    return valueSpan(m, 2);
  },
});

export const cliSecretDetector = regexDetector({
  name: 'cli_secret',
  entity: 'GENERIC_SECRET',
  pattern: CLI_FLAG,
  mayMatch: (text) => text.includes(' -'),
  // no '-' at all (most texts): no flag, without searching for ' -'
  triggered: (t, text) => t.dash > 0 && text.includes(' -'),
  validate(m, text) {
    const group = m[2] !== undefined ? 2 : m[3] !== undefined ? 3 : 4;
    const commands = group === 2 ? USER_FLAG_COMMANDS : group === 3 ? PASSWORD_FLAG_COMMANDS : AUTH_FLAG_COMMANDS;
    if (!commands.test(commandBefore(text, m.index))) return false;
    const value = m[group] ?? '';
    if (!looksSecret(value, 'password')) return false;
    return valueSpan(m, group);
  },
});

/**
 * A secret set through a call that takes the name and the value as two string arguments:
 * `System.setProperty("X_TOKEN", "…")` (Java), `os.environ.setdefault("API_KEY", "…")`, `os.Setenv(…)`
 * (Go), `putenv`, `config.set("…", "…")`, `headers.put("Authorization", "…")`.
 */
const CALL_PAIR =
  /\b(?:setProperty|setenv|Setenv|putenv|setdefault|put|set|add|append|setHeader|header)\([ ]{0,4}["']([A-Za-z_][\w.\-]{1,63})["'][ ]{0,4},[ ]{0,4}["']([^"'\s]{1,256})["']/dg;

export const callPairSecretDetector = regexDetector({
  name: 'call_pair_secret',
  entity: 'GENERIC_SECRET',
  pattern: CALL_PAIR,
  mayMatch: (text) => text.includes('(') && text.includes(','),
  validate(m) {
    const key = m[1] ?? '';
    const value = (m[2] ?? '').replace(/^(?:Bearer|Basic|Token)\s+/i, '');
    const kind = secretKeyKind(key);
    if (!((kind !== undefined && looksSecret(value, kind)) || vendorValue(key, value))) return false;
    const span = m.indices?.[2];
    if (span === undefined) return false;
    return { start: span[1] - value.length, end: span[1] };
  },
});

/** R's assignment arrow: `api_token <- "…"`, `Sys.setenv(API_TOKEN = "…")` is read as key=value. */
const R_ARROW = /(?<![\w.])([A-Za-z_][\w.]{1,63})[ ]{0,4}<<?-[ ]{0,4}["']([^"'\s]{1,256})["']/dg;

export const arrowSecretDetector = regexDetector({
  name: 'arrow_secret',
  entity: 'GENERIC_SECRET',
  pattern: R_ARROW,
  mayMatch: (text) => text.includes('<-') && hasSecretOrVendorWord(text),
  keywords: SECRET_OR_VENDOR_WORDS,
  triggered: (_t, text) => text.includes('<-'),
  validate(m) {
    const key = m[1] ?? '';
    const value = m[2] ?? '';
    const kind = secretKeyKind(key);
    if (!((kind !== undefined && looksSecret(value, kind)) || vendorValue(key, value))) return false;
    return valueSpan(m, 2);
  },
});
