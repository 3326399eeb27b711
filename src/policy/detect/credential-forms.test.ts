/**
 * Credentials outside `key=value`: XML elements and appSettings, table rows, CLI flags, and passwords
 * said in other languages. Each row: input → expected [entity, matched text].
 */
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from './index.js';

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
