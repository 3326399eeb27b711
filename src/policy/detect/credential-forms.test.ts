/**
 * Credentials outside `key=value`: XML elements and appSettings, table rows, CLI flags, and passwords
 * said in other languages. Each row: input → expected [entity, matched text].
 */
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from './index.js';
import { hasSecretOrVendorWord, hasSecretWord, keyNameEnd } from './detectors/generic-secret.js';

const scanner = createScanner(builtinDetectors('all'));
const found = (text: string): [string, string][] => scanner.scan(text).map((f) => [f.entity, text.slice(f.start, f.end)]);

type Row = [input: string, expected: [string, string][]];

const rows: Row[] = [
  ['<password>Xk9#mQ2vLp</password>', [['GENERIC_SECRET', 'Xk9#mQ2vLp']]],
  ['<db:Password>Xk9mQ2vLp7</db:Password>', [['GENERIC_SECRET', 'Xk9mQ2vLp7']]],
  ['<note>Zx8kQ2mN9pL4w</note> | host | Zx8kQ2mN9pL4w |', []],
  ['<add key="DbPassword" value="Summer2024!" />', [['GENERIC_SECRET', 'Summer2024!']]],
  ['| DB_PASSWORD | Summer2024! |', [['GENERIC_SECRET', 'Summer2024!']]],
  ['| name | DB_PASSWORD | hunter-22x |', [['GENERIC_SECRET', 'hunter-22x']]],
  ['curl -u admin:s3cr3t-Pass https://api.example.com', [['GENERIC_SECRET', 's3cr3t-Pass']]],
  ['docker login -u deploy -p Winter1656$ registry.example.com', [['GENERIC_SECRET', 'Winter1656$']]],
  ['mysql -h db -u root -pTr0ub4dor shop', [['GENERIC_SECRET', 'Tr0ub4dor']]],
  ['redis-cli -h cache -a Xk9mQ2vLp7 ping', [['GENERIC_SECRET', 'Xk9mQ2vLp7']]],
  ['das Passwort ist Tr0ub4dor&3', [['GENERIC_SECRET', 'Tr0ub4dor&3']]],
  ['le mot de passe est Tr0ub4dor&3', [['GENERIC_SECRET', 'Tr0ub4dor&3']]],
  ['la contraseña es Tr0ub4dor&3', [['GENERIC_SECRET', 'Tr0ub4dor&3']]],
  ['a senha é Tr0ub4dor&3', [['GENERIC_SECRET', 'Tr0ub4dor&3']]],
  // a name/value pair names the secret in its name field
  ['env:\n  - name: TRAVIS_TOKEN\n    value: "jGSdhJ3BeOYfYDHdywDS2b"', [['GENERIC_SECRET', 'jGSdhJ3BeOYfYDHdywDS2b']]],
  ['[{"Name":"DB_PASSWORD","Value":"s3cr3tPa55"}]', [['GENERIC_SECRET', 's3cr3tPa55']]],
  ['{"name": "API_TOKEN", "value": "aB3dE5fG7hJ9kL1mN3pQz9"}', [['GENERIC_SECRET', 'aB3dE5fG7hJ9kL1mN3pQz9']]],
  // an all-digit password; ascending or repeated digits are placeholders
  ['DB_PASSWORD="614452904315"', [['GENERIC_SECRET', '614452904315']]],
  ['password: 12345678', []],
  ['password: 00000000', []],
  ['env:\n  - name: LOG_LEVEL\n    value: "aB3dE5fG7hJ9kL1mN3pQz9"', []],
  ['{"name": "region", "value": "aB3dE5fG7hJ9kL1mN3pQz9"}', []],
  ['AWS_SECRET_ACCESS_KEY=EXAMPLEKEY_REPLACE_ME', []],
  ['password_min_length = 12', []],
  ['password = <insert password>', []],
  ['password = <Tr0ub4dor&3', [['GENERIC_SECRET', '<Tr0ub4dor&3']]],
  // not credentials
  ['<name>Alexander</name> <status>required</status>', [['PERSON', 'Alexander']]],
  ['<password>changeme</password>', []],
  ['| password | required |', []],
  ['| version | 1.2.3 |', []],
  ['docker run -p 8080:80 nginx', []],
  ['curl -u admin https://api.example.com', []],
  ['ls -a /tmp && grep -p foo', []],
  ['<add key="PageSize" value="Xk9mQ2vLp7" />', []],
];

describe('credentials in XML, tables, command lines and other languages', () => {
  it.each(rows)('%j', (input, expected) => expect(found(input)).toEqual(expected));
});

describe('key=value reader helpers', () => {
  it.each([
    ['apiToken string', 0, 15, 8],
    ['db:password', 0, 11, 2],
    ['"API_KEY"', 0, 9, 9],
    ['x api_key', 2, 9, 9],
    ['', 0, 0, 0],
  ])('keyNameEnd(%j, %i, %i) = %i (as split(/[ :]/)[0] ends)', (text, start, end, expected) => {
    expect(keyNameEnd(text, start, end)).toBe(expected);
    expect(start + (text.slice(start, end).split(/[ :]/)[0] as string).length).toBe(expected);
  });

  it.each([
    ['DB_PASSWORD=x', true, true],
    ['datadog_site=x', false, true],
    ['nothing to see', false, false],
    ['SESSION id', true, true],
  ])('hints of %j: secret word %s, secret or vendor word %s, in either order of asking', (text, secret, either) => {
    expect([hasSecretWord(text), hasSecretOrVendorWord(text)]).toEqual([secret, either]);
    expect([hasSecretOrVendorWord(`${text} `), hasSecretWord(`${text} `)]).toEqual([either, secret]);
  });
});
