/**
 * Table tests for the built-in detectors, run through the full scanner (all built-ins, as policies
 * enable them), so each row also pins how overlaps resolve. A row is: input → expected findings as
 * [entity, matched text] in order. Empty expectations mean "nothing may be flagged".
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_ENTITIES, builtinDetectors, createScanner, isBuiltinEntity } from './index.js';

const scanner = createScanner(builtinDetectors('all'));
const found = (text: string): [string, string][] => scanner.scan(text).map((f) => [f.entity, text.slice(f.start, f.end)]);

type Row = [input: string, expected: [string, string][]];

function table(title: string, rows: Row[]): void {
  describe(title, () => {
    it.each(rows)('%j', (input, expected) => {
      expect(found(input)).toEqual(expected);
    });
  });
}

table('EMAIL_ADDRESS', [
  ['write to jane.doe@example.com today', [['EMAIL_ADDRESS', 'jane.doe@example.com']]],
  ['plus tag: jane+billing@mail.example.co.uk.', [['EMAIL_ADDRESS', 'jane+billing@mail.example.co.uk']]],
  ['UPPER: JOHN.SMITH@EXAMPLE.ORG', [['EMAIL_ADDRESS', 'JOHN.SMITH@EXAMPLE.ORG']]],
  ['From: "Jane" <jane_d-1@sub.dept.uni-heidelberg.de>', [['PERSON', 'Jane'], ['EMAIL_ADDRESS', 'jane_d-1@sub.dept.uni-heidelberg.de']]],
  ['<a href="mailto:o.brien@acme.io">mail</a>', [['EMAIL_ADDRESS', "o.brien@acme.io"]]],
  ['{"email":"kim@example.com","n":1}', [['EMAIL_ADDRESS', 'kim@example.com']]],
  ['long tld a@b.photography', [['EMAIL_ADDRESS', 'a@b.photography']]],
  ['apostrophe o\'neil@example.ie', [['EMAIL_ADDRESS', "o'neil@example.ie"]]],
  ['asset logo@2x.png and icon@3x.webp', []],
  ['no tld: user@localhost, numeric tld a@b.123', []],
  ['double dot a..b@example.com is not an address', []],
  ['decorator @Component and handle @jane', []],
]);

table('PHONE_NUMBER', [
  ['US: call (415) 555-2671 now', [['PHONE_NUMBER', '(415) 555-2671']]],
  ['US dashed 212-555-0199.', [['PHONE_NUMBER', '212-555-0199']]],
  ['US dotted 212.555.0199', [['PHONE_NUMBER', '212.555.0199']]],
  ['E.164 +14155552671', [['PHONE_NUMBER', '+14155552671']]],
  ['CA +1 613 555 0143', [['PHONE_NUMBER', '+1 613 555 0143']]],
  ['UK +44 20 7946 0958 or 020 7946 0958', [['PHONE_NUMBER', '+44 20 7946 0958'], ['PHONE_NUMBER', '020 7946 0958']]],
  ['UK mobile 07700 900123', [['PHONE_NUMBER', '07700 900123']]],
  ['DE +49 30 901820 / 030 901820', [['PHONE_NUMBER', '+49 30 901820'], ['PHONE_NUMBER', '030 901820']]],
  ['DE mobile 0151 23456789', [['PHONE_NUMBER', '0151 23456789']]],
  ['FR +33 1 42 68 53 00 ou 01 42 68 53 00', [['PHONE_NUMBER', '+33 1 42 68 53 00'], ['PHONE_NUMBER', '01 42 68 53 00']]],
  ['FR mobile 06.12.34.56.78 and 06 12 34 56 78', [['PHONE_NUMBER', '06.12.34.56.78'], ['PHONE_NUMBER', '06 12 34 56 78']]],
  ['IN +91 98765 43210 / 98765 43210', [['PHONE_NUMBER', '+91 98765 43210'], ['PHONE_NUMBER', '98765 43210']]],
  ['BR +55 11 91234-5678 / (11) 91234-5678', [['PHONE_NUMBER', '+55 11 91234-5678'], ['PHONE_NUMBER', '(11) 91234-5678']]],
  ['JP +81 3-1234-5678 / 03-1234-5678', [['PHONE_NUMBER', '+81 3-1234-5678'], ['PHONE_NUMBER', '03-1234-5678']]],
  ['AU +61 2 9876 5432 / (02) 9876 5432 / 0412 345 678', [['PHONE_NUMBER', '+61 2 9876 5432'], ['PHONE_NUMBER', '(02) 9876 5432'], ['PHONE_NUMBER', '0412 345 678']]],
  ['ES +34 912 345 678, IT +39 06 1234 5678, NL +31 20 123 4567', [['PHONE_NUMBER', '+34 912 345 678'], ['PHONE_NUMBER', '+39 06 1234 5678'], ['PHONE_NUMBER', '+31 20 123 4567']]],
  ['international prefix 0044 20 7946 0958', [['PHONE_NUMBER', '0044 20 7946 0958']]],
  ['phone: 4155552671', [['PHONE_NUMBER', '4155552671']]],
  ['bare digits 4155552671 without context', []],
  ['dates 2024-05-01, 01/05/2024, 2024.05.01 and times 12:30:45', []],
  ['version 10.2.3.4, build 1.2.3, price $1,234,567.89, 3 + 4 = 7', []],
  ['order #1234567, id 20240501123, ISBN 978-3-16-148410-0', []],
  ['ip 192.168.100.200 is not a phone', [['IP_ADDRESS', '192.168.100.200']]],
  ['US area code must start 2-9: 123-456-7890', []],
]);

table('CREDIT_CARD', [
  ['visa 4111 1111 1111 1111', [['CREDIT_CARD', '4111 1111 1111 1111']]],
  ['visa dashed 4111-1111-1111-1111.', [['CREDIT_CARD', '4111-1111-1111-1111']]],
  ['visa plain 4012888888881881', [['CREDIT_CARD', '4012888888881881']]],
  ['mastercard 5555 5555 5555 4444 and 2-series 2223003122003222', [['CREDIT_CARD', '5555 5555 5555 4444'], ['CREDIT_CARD', '2223003122003222']]],
  ['amex 3782 822463 10005 / 371449635398431', [['CREDIT_CARD', '3782 822463 10005'], ['CREDIT_CARD', '371449635398431']]],
  ['discover 6011 1111 1111 1117, diners 3056 930902 5904', [['CREDIT_CARD', '6011 1111 1111 1117'], ['CREDIT_CARD', '3056 930902 5904']]],
  ['jcb 3530111333300000, unionpay 6200000000000005', [['CREDIT_CARD', '3530111333300000'], ['CREDIT_CARD', '6200000000000005']]],
  ['maestro 6759649826438453', [['CREDIT_CARD', '6759649826438453']]],
  ['luhn-invalid 4111 1111 1111 1112', []],
  ['inside a longer run 12344111111111111111', []],
  ['all same 0000 0000 0000 0000', []],
  ['mixed separators 4111 1111-1111 1111', []],
  ['unknown issuer 9999 9999 9999 9995', []],
  ['odd grouping 411 1111 1111 11111 and 4111 11111 1111 111', []],
  ['13-digit visa 4222 2222 2222 2 and 4-4-4-4-3 4111 1111 1111 1111 003', [['CREDIT_CARD', '4222 2222 2222 2'], ['CREDIT_CARD', '4111 1111 1111 1111 003']]],
]);

table('IBAN_CODE', [
  ['DE89 3704 0044 0532 0130 00', [['IBAN_CODE', 'DE89 3704 0044 0532 0130 00']]],
  ['iban: de89370400440532013000.', [['IBAN_CODE', 'de89370400440532013000']]],
  ['GB29 NWBK 6016 1331 9268 19 (GB)', [['IBAN_CODE', 'GB29 NWBK 6016 1331 9268 19']]],
  ['FR14 2004 1010 0505 0001 3M02 606, NL91ABNA0417164300', [['IBAN_CODE', 'FR14 2004 1010 0505 0001 3M02 606'], ['IBAN_CODE', 'NL91ABNA0417164300']]],
  ['NO93 8601 1117 947 and MT84 MALT 0110 0001 2345 MTLC AST0 01S', [['IBAN_CODE', 'NO93 8601 1117 947'], ['IBAN_CODE', 'MT84 MALT 0110 0001 2345 MTLC AST0 01S']]],
  ['BR18 0036 0305 0000 1000 9795 493C 1 and SA03 8000 0000 6080 1016 7519', [['IBAN_CODE', 'BR18 0036 0305 0000 1000 9795 493C 1'], ['IBAN_CODE', 'SA03 8000 0000 6080 1016 7519']]],
  ['BE68 5390 0754 7034 then more words', [['IBAN_CODE', 'BE68 5390 0754 7034']]],
  ['bad checksum DE89 3704 0044 0532 0130 01', []],
  ['wrong length DE89 3704 0044 0532 0130', []],
  ['unknown country ZZ89 3704 0044 0532 0130 00', []],
]);

table('US_SSN', [
  ['SSN 536-22-1234', [['US_SSN', '536-22-1234']]],
  ['spaced 536 22 1234', [['US_SSN', '536 22 1234']]],
  ['ssn: 536221234', [['US_SSN', '536221234']]],
  ['social security number 536221234', [['US_SSN', '536221234']]],
  ['no context 536221234', []],
  ['invalid areas 000-12-3456 666-12-3456 912-34-5678', []],
  ['group 00 536-00-1234, serial 0000 536-22-0000', []],
  ['published examples 078-05-1120 and 123-45-6789', []],
  ['part of a longer id 12-536-22-1234', []],
]);

table('IP_ADDRESS', [
  ['from 192.168.1.20 and 8.8.8.8.', [['IP_ADDRESS', '192.168.1.20'], ['IP_ADDRESS', '8.8.8.8']]],
  ['cidr 10.0.0.0/8', [['IP_ADDRESS', '10.0.0.0']]],
  ['ipv6 2001:0db8:85a3:0000:0000:8a2e:0370:7334', [['IP_ADDRESS', '2001:0db8:85a3:0000:0000:8a2e:0370:7334']]],
  ['compressed 2001:db8::8a2e:370:7334, fe80::1ff:fe23:4567:890a%eth0', [['IP_ADDRESS', '2001:db8::8a2e:370:7334'], ['IP_ADDRESS', 'fe80::1ff:fe23:4567:890a%eth0']]],
  ['mapped ::ffff:192.0.2.128 and [2001:db8::1]:443', [['IP_ADDRESS', '::ffff:192.0.2.128'], ['IP_ADDRESS', '2001:db8::1']]],
  ['octets over 255: 256.1.1.1, leading zeros 01.02.03.04', []],
  ['versions 1.2.3.4.5 and v1.2.3.4 and version 10.0.0.1', []],
  ['times 12:30:45 and 2025-01-03T22:55:00Z', []],
  ['C++ std::vector and a::b', []],
  ['loopback ::1 and [::1]:8080 and 0:0:0:0:0:0:0:1', [['IP_ADDRESS', '::1'], ['IP_ADDRESS', '::1'], ['IP_ADDRESS', '0:0:0:0:0:0:0:1']]],
  ['Ruby Foo::Bar::1 and ::2 and a::1', []],
  ['uncompressed with an IPv4 tail 0:0:0:0:0:ffff:192.0.2.128', [['IP_ADDRESS', '0:0:0:0:0:ffff:192.0.2.128']]],
]);

table('MAC_ADDRESS', [
  ['mac 00:1A:2B:3C:4D:5E', [['MAC_ADDRESS', '00:1A:2B:3C:4D:5E']]],
  ['mac 00-1a-2b-3c-4d-5e', [['MAC_ADDRESS', '00-1a-2b-3c-4d-5e']]],
  ['cisco 001a.2b3c.4d5e', [['MAC_ADDRESS', '001a.2b3c.4d5e']]],
  ['mixed separators 00:1A-2B:3C:4D:5E', []],
  ['digits only dotted 2024.0101.1200', []],
]);

table('secrets by vendor prefix', [
  ['AKIAIOSFODNN7EXAMPLE', [['AWS_ACCESS_KEY', 'AKIAIOSFODNN7EXAMPLE']]],
  ['aws_access_key_id = ASIAY34FZKBOKMUTVV7A', [['AWS_ACCESS_KEY', 'ASIAY34FZKBOKMUTVV7A']]],
  ['ghp_16C7e42F292c6912E7710c838347Ae178B4a', [['GITHUB_TOKEN', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a']]],
  ['gho_16C7e42F292c6912E7710c838347Ae178B4a ghs_16C7e42F292c6912E7710c838347Ae178B4a', [['GITHUB_TOKEN', 'gho_16C7e42F292c6912E7710c838347Ae178B4a'], ['GITHUB_TOKEN', 'ghs_16C7e42F292c6912E7710c838347Ae178B4a']]],
  ['github_pat_11ABCDEFG0123456789abc_0123456789abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHI', [['GITHUB_TOKEN', 'github_pat_11ABCDEFG0123456789abc_0123456789abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHI']]],
  ['glpat-xxYYzz0123456789abcd and glrt-AbCdEf0123456789ghIJ', [['GITLAB_TOKEN', 'glpat-xxYYzz0123456789abcd'], ['GITLAB_TOKEN', 'glrt-AbCdEf0123456789ghIJ']]],
  ['xoxp-1234567890-1234567890-1234567890-abcdef0123456789abcdef0123456789', [['SLACK_TOKEN', 'xoxp-1234567890-1234567890-1234567890-abcdef0123456789abcdef0123456789']]],
  ['https://hooks.slack.com/services/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', [['SLACK_TOKEN', 'hooks.slack.com/services/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']]],
  // Slack's documented placeholder webhook is no credential
  ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', []],
  ['xapp-1-A0123456789-1234567890123-abcdef0123456789', [['SLACK_TOKEN', 'xapp-1-A0123456789-1234567890123-abcdef0123456789']]],
  ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc pk_test_TYooMQauvdEDq54NiTphI7jx', [['STRIPE_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'], ['STRIPE_KEY', 'pk_test_TYooMQauvdEDq54NiTphI7jx']]],
  ['OPENAI_API_KEY=sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56', [['OPENAI_KEY', 'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56']]],
  ['legacy 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', [['OPENAI_KEY', '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']]],
  ['sk-ant-api03-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90-AA', [['ANTHROPIC_KEY', 'sk-ant-api03-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90-AA']]],
  ['sk-ant-admin01-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90', [['ANTHROPIC_KEY', 'sk-ant-admin01-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90']]],
  ['key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', [['GCP_API_KEY', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY']]],
  ['HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh', [['HUGGINGFACE_TOKEN', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh']]],
  ['//registry.npmjs.org/:_authToken=npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', [['NPM_TOKEN', 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789']]],
  ['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', [['SENDGRID_KEY', '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']]],
  ['prefix inside a longer word xghp_16C7e42F292c6912E7710c838347Ae178B4a', []],
  ['too short: ghp_abc, AKIA1234, sk_live_x, hf_abc', []],
]);

table('JWT and PRIVATE_KEY', [
  [
    'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    [['JWT', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U']],
  ],
  ['unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', [['JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.']]],
  ['header without alg eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln', []],
  [
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
    [['PRIVATE_KEY', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----']],
  ],
  [
    '{"key":"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oGvD\\n-----END EC PRIVATE KEY-----\\n"}',
    [['PRIVATE_KEY', '-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oGvD\\n-----END EC PRIVATE KEY-----']],
  ],
  [
    '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQww\n-----END ENCRYPTED PRIVATE KEY-----',
    [['PRIVATE_KEY', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQww\n-----END ENCRYPTED PRIVATE KEY-----']],
  ],
  ['-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----', []],
]);

table('URL_CREDENTIALS', [
  ['postgres://app:s3cr3t-Pass@db.internal:5432/app', [['URL_CREDENTIALS', 'app:s3cr3t-Pass']]],
  ['mongodb+srv://admin:p%40ss@cluster0.example.net/db', [['URL_CREDENTIALS', 'admin:p%40ss']]],
  ['redis://:hunter2pw@cache:6379', [['URL_CREDENTIALS', ':hunter2pw']]],
  ['at-sign in password amqp://guest:gu@st!@rabbit/vhost', [['URL_CREDENTIALS', 'guest:gu@st!']]],
  ['jdbc:mysql://root:Tr0ub4dor@10.0.0.5/db', [['URL_CREDENTIALS', 'root:Tr0ub4dor'], ['IP_ADDRESS', '10.0.0.5']]],
  ['no password ftp://files.example.com/a@b and host:port https://example.com:8080/', []],
]);

table('GENERIC_SECRET', [
  ['DB_PASSWORD=Xk9#mQ2vLp', [['GENERIC_SECRET', 'Xk9#mQ2vLp']]],
  ['password: "hunter2!"', [['GENERIC_SECRET', 'hunter2!']]],
  ['{"client_secret": "8f3kQ2mZpL0vX9aB"}', [['GENERIC_SECRET', '8f3kQ2mZpL0vX9aB']]],
  ['client = Client(api_key="hFdnXsiVpzz63Ffk")', [['GENERIC_SECRET', 'hFdnXsiVpzz63Ffk']]],
  ['export STRIPE_KEY=Zr8pLq2XvN4kWm7T', [['GENERIC_SECRET', 'Zr8pLq2XvN4kWm7T']]],
  ['const apiKey = \'a8Kd93LmQz01Xv7Y\';', [['GENERIC_SECRET', 'a8Kd93LmQz01Xv7Y']]],
  ['GET /cb?state=x&access_token=Qm9vT2x5Y3h8ZWt5&email=no', [['GENERIC_SECRET', 'Qm9vT2x5Y3h8ZWt5']]],
  ['Authorization: Bearer 9f8e7d6c5b4a3F2E1D0C', [['GENERIC_SECRET', '9f8e7d6c5b4a3F2E1D0C']]],
  ['X-Api-Key: Zr8pLq2XvN4kWm7TqB', [['GENERIC_SECRET', 'Zr8pLq2XvN4kWm7TqB']]],
  ['passwd:=Tr0ub4dor&3x', [['GENERIC_SECRET', 'Tr0ub4dor']]],
  ['max_tokens: 4096, token_count=1234567890, tokens=abcdefgh12', []],
  ['password: required, token: null, secret=${SECRET}, api_key=os.environ["API_KEY"]', []],
  ['password = getpass(), token: <redacted>, password: ********', []],
  ['cache_key=3a4180fd14add2d7bc4d8b92e0a3cfe5 primary_key: user_id_12345', []],
  ['secret: enabled, token_type: bearer, password_policy: Strong123', []],
  ['in words: my password is Tr0ub4dor&3.', [['GENERIC_SECRET', 'Tr0ub4dor&3']]],
  ['as a flag: mysql -u root --password Hunter2x', [['GENERIC_SECRET', 'Hunter2x']]],
  ['ordinary words: the password is changed and the token is invalid', []],
  ['Server=db;User Id=sa;Password=Pa55w0rd!;Encrypt=true', [['GENERIC_SECRET', 'Pa55w0rd!']]],
]);

table('GENERIC_SECRET from other vendor prefixes', [
  ['shopify 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', [['GENERIC_SECRET', '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']]],
  ['twilio SK0123456789abcdef0123456789abcdef', [['GENERIC_SECRET', 'SK0123456789abcdef0123456789abcdef']]],
  ['databricks dapi0123456789abcdef0123456789abcdef', [['GENERIC_SECRET', 'dapi0123456789abcdef0123456789abcdef']]],
  ['vault hvs.CAESIJ1xZ2abc3DEF4ghi5JKL6mno7PQR8', [['GENERIC_SECRET', 'hvs.CAESIJ1xZ2abc3DEF4ghi5JKL6mno7PQR8']]],
  ['groq gsk_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW', [['GENERIC_SECRET', 'gsk_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW']]],
  ['identifiers are not tokens: pplx-client-library-wrapper, glc_handler_function_name', []],
]);

table('JSON escapes, code blocks, headers', [
  ['{\\"email\\": \\"a.b@example.com\\", \\"ip\\": \\"10.1.2.3\\"}', [['EMAIL_ADDRESS', 'a.b@example.com'], ['IP_ADDRESS', '10.1.2.3']]],
  ['line1\\nbob@example.com\\tnext', [['EMAIL_ADDRESS', 'bob@example.com']]],
  ['unicode escape \\u003cjane@example.com\\u003e', [['EMAIL_ADDRESS', 'jane@example.com']]],
  ['```bash\ncurl -H "Authorization: Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc" https://api\n```', [['STRIPE_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc']]],
]);

describe('precision: look-alikes that must never be flagged', () => {
  it.each([
    '07d517c1-b43c-48a7-aa34-e7c7a1535cff',
    'trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7',
    'sha1 216fdaeeb975729fae923d5a4fd12aabfe228f21',
    'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'model gpt-4o-2024-08-06 and claude-3-5-sonnet-20241022, llama-3.1-70b-instruct',
    'versions v1.7.60, 9.30.7, 2.0.0-rc.1+build.20240501',
    'dates 2024-05-01, 2025-01-03T22:55:00Z, 01/05/2024',
    'ISBN 978-0-306-40615-7 and 978-5-188-61883-7',
    'order A-87584, PO-61879, ticket #4521',
    'prices $5,833.49 and €1.234,56 and 1,234,567',
    'luhn-invalid 4019 2164 1967 4175 and 4828288072902228',
    '11489 tokens in 1.2s, 3.14159265358979',
    'npm i @scope/pkg@1.2.3 and git@v2.0',
    'base64 hash sha512-Zm9vYmFyYmF6cXV4',
  ])('%s', (input) => {
    expect(found(input)).toEqual([]);
  });
});

describe('registry', () => {
  it('lists every entity and selects by name', () => {
    expect(BUILTIN_ENTITIES).toContain('URL_CREDENTIALS');
    expect(BUILTIN_ENTITIES.length).toBe(32);
    expect(isBuiltinEntity('EMAIL_ADDRESS')).toBe(true);
    expect(isBuiltinEntity('PERSON')).toBe(true);
    expect(isBuiltinEntity('NOT_AN_ENTITY')).toBe(false);
    const ip = builtinDetectors(['IP_ADDRESS']);
    expect(ip.map((d) => d.entity)).toEqual(['IP_ADDRESS', 'IP_ADDRESS']);
  });

  it('throws at compile time on an unknown name, listing the valid ones', () => {
    expect(() => builtinDetectors(['EMAIL_ADDRESS', 'PASSPORT'])).toThrow(/unknown built-in detector 'PASSPORT'.*EMAIL_ADDRESS/);
  });
});
