/**
 * Table tests for the entities added from Presidio's set and for the wider secret families: positives
 * and near-miss negatives (bad checksum, reserved range, no context word, placeholder, wrong length),
 * run through the full scanner so overlaps resolve as in production.
 */
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from './index.js';

const scanner = createScanner(builtinDetectors('all'));
const found = (text: string): [string, string][] => scanner.scan(text).map((f) => [f.entity, text.slice(f.start, f.end)]);

type Row = [input: string, expected: [string, string][]];
function table(title: string, rows: Row[]): void {
  describe(title, () => {
    it.each(rows)('%j', (input, expected) => expect(found(input)).toEqual(expected));
  });
}

table('CRYPTO', [
  ['send to 1BoatSLRHtKNngkdXEeobR76b53LETtpyT', [['CRYPTO', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT']]],
  ['p2sh 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', [['CRYPTO', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy']]],
  ['segwit bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', [['CRYPTO', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq']]],
  ['taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297', [['CRYPTO', 'bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297']]],
  ['bad checksum 1BoatSLRHtKNngkdXEeobR76b53LETtpyX', []],
  ['bad bech32 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx', []],
]);

table('UK_NHS', [
  ['NHS number 943 476 5919', [['UK_NHS', '943 476 5919']]],
  ['patient nhs: 9434765919', [['UK_NHS', '9434765919']]],
  ['wrong check digit: NHS number 943 476 5918', []],
  ['solid without a context word 9434765919', []],
]);

table('ABA_ROUTING_NUMBER', [
  ['routing number 011000015', [['ABA_ROUTING_NUMBER', '011000015']]],
  ['ABA 0110-0001-5', [['ABA_ROUTING_NUMBER', '0110-0001-5']]],
  ['routing number 011000016 (bad checksum)', []],
  ['routing number 400000005 (no Federal Reserve prefix)', []],
]);

table('US_ITIN', [
  ['My ITIN is 912-70-1234', [['US_ITIN', '912-70-1234']]],
  ['individual taxpayer id 912781234', [['US_ITIN', '912781234']]],
  ['ITIN 912-40-1234 has a middle group the IRS never issues', []],
  ['no context 912781234', []],
]);

table('US_PASSPORT, US_DRIVER_LICENSE, US_BANK_NUMBER (context-gated)', [
  ['US passport number 912803456', [['US_PASSPORT', '912803456']]],
  ['passport no. A12345678', [['US_PASSPORT', 'A12345678']]],
  ["Driver's license: D1234567", [['US_DRIVER_LICENSE', 'D1234567']]],
  ['checking account number 000123456789', [['US_BANK_NUMBER', '000123456789']]],
  ['order 912803456 shipped', []],
  ['part D1234567 in stock', []],
  ['order number 123456789012', []],
]);

table('DATE_OF_BIRTH', [
  ['DOB: 03/14/1985', [['DATE_OF_BIRTH', '03/14/1985']]],
  ['She was born on 14 March 1985 in Leeds.', [['DATE_OF_BIRTH', '14 March 1985']]],
  ['{"date_of_birth": "1985-03-14"}', [['DATE_OF_BIRTH', '1985-03-14']]],
  ['deadline 03/14/2025', []],
  ['released on March 14, 2025', []],
  ['born on 1985-13-45 is no date', []],
]);

table('IPv6 forms, SSN forms, IDN e-mail, invalid IBANs', [
  ['client ip fe80:: and 2001:db8:: and 64:ff9b::192.0.2.33', [['IP_ADDRESS', 'fe80::'], ['IP_ADDRESS', '2001:db8::'], ['IP_ADDRESS', '64:ff9b::192.0.2.33']]],
  ['listen address ::', [['IP_ADDRESS', '::']]],
  ['std::vector and a::b', []],
  ['my SSN: 078-051121', [['US_SSN', '078-051121']]],
  ['social security 53622-1234 and ssn 536.22.1234', [['US_SSN', '53622-1234'], ['US_SSN', '536.22.1234']]],
  ['ticket 536-221234', []],
  ['mail jörg@bücher.de or 用户@例子.广告', [['EMAIL_ADDRESS', 'jörg@bücher.de'], ['EMAIL_ADDRESS', '用户@例子.广告']]],
  ['IBAN DE89 3704 0044 0532 0130 01 (bad check digits)', []],
  ['account GB29 NWBK 6016 1331 9268 18', []],
]);

table('more secret families', [
  ['AGE-SECRET-KEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQY', []],
  ['key AGE-SECRET-KEY-1GFPYYSJZGCHRVX8JTQQY8N6D3K9HWCMY0LTW5UEJ2PSMFQZL4XSAHL3V9A', [['GENERIC_SECRET', 'AGE-SECRET-KEY-1GFPYYSJZGCHRVX8JTQQY8N6D3K9HWCMY0LTW5UEJ2PSMFQZL4XSAHL3V9A']]],
  ['GITLAB_TOKEN=glpat-aB3dE5fG7hJ9kL1mN3pQ5rS.01.0f1h2k3', [['GITLAB_TOKEN', 'glpat-aB3dE5fG7hJ9kL1mN3pQ5rS.01.0f1h2k3']]],
  ['SLACK_TOKEN=xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx', []],
  ['API_TOKEN=$TOKEN and password=${DB_PASS}', []],
  ['ASANA_CLIENT_SECRET ::= 5f2a9c1e7b3d4f6a8c0e2b4d6f8a1c3e', [['GENERIC_SECRET', '5f2a9c1e7b3d4f6a8c0e2b4d6f8a1c3e']]],
  ['$apiToken .= "Zq8Lm2Nx7Rt4Vb6Kp9Hd";', [['GENERIC_SECRET', 'Zq8Lm2Nx7Rt4Vb6Kp9Hd']]],
  ['var apiToken string = "Zq8Lm2Nx7Rt4Vb6Kp9Hd"', [['GENERIC_SECRET', 'Zq8Lm2Nx7Rt4Vb6Kp9Hd']]],
  ['System.setProperty("X_TOKEN", "Zq8Lm2Nx7Rt4Vb6Kp9Hd");', [['GENERIC_SECRET', 'Zq8Lm2Nx7Rt4Vb6Kp9Hd']]],
  ['<password>\n  Zq8Lm2Nx7Rt4Vb6Kp9Hd\n</password>', [['GENERIC_SECRET', 'Zq8Lm2Nx7Rt4Vb6Kp9Hd']]],
  ['client_secret=846102937512039417', [['GENERIC_SECRET', '846102937512039417']]],
  ['discord_token ||= "Zq8Lm2Nx7Rt4Vb6Kp9HdW3"', [['GENERIC_SECRET', 'Zq8Lm2Nx7Rt4Vb6Kp9HdW3']]],
  ['api_token <- "Zq8Lm2Nx7Rt4Vb6Kp9HdW3"', [['GENERIC_SECRET', 'Zq8Lm2Nx7Rt4Vb6Kp9HdW3']]],
  ['TELEGRAM_BOT_TOKEN=1234567890:AAH3kLm9Qp2Rs4Tu6Vw8Xy0Za1Bc3De5Fg7', [['GENERIC_SECRET', '1234567890:AAH3kLm9Qp2Rs4Tu6Vw8Xy0Za1Bc3De5Fg7']]],
  ['shopify shpat_1a2b3c4d5e6f7a8b9c0d1e2f3a4b (too short)', []],
  // a Telegram token inside the Bot API's URL; "robot" before the digits is no URL
  ["fetch('https://api.telegram.org/bot1234567890:AAH3kLm9Qp2Rs4Tu6Vw8Xy0Za1Bc3De5Fg7/getMe')", [['GENERIC_SECRET', '1234567890:AAH3kLm9Qp2Rs4Tu6Vw8Xy0Za1Bc3De5Fg7']]],
  ['robot1234567890:AAH3kLm9Qp2Rs4Tu6Vw8Xy0Za1Bc3De5Fg7', []],
  // Discord webhooks: snowflake id and a 68-character token; a placeholder token is kept
  [
    'post to https://discord.com/api/webhooks/997562901639869357/2HVH1TbOIqNXmLQcZxULB5thFJ0PtbhVTNBdHhpnOncoP_YYPvJEVwPBhtVW2abgzT9k now',
    [['GENERIC_SECRET', 'https://discord.com/api/webhooks/997562901639869357/2HVH1TbOIqNXmLQcZxULB5thFJ0PtbhVTNBdHhpnOncoP_YYPvJEVwPBhtVW2abgzT9k']],
  ],
  ['https://discord.com/api/webhooks/997562901639869357/' + 'x'.repeat(68), []],
  // Authress service client keys; the same shape without the account part is not one
  [
    'key sc_soqenjdwhd2k.eqjcv.acc_wnxdaxtj0wkmqmnlz48j.PJce0jayq5AX1BFsq-DdsUhIjHNE-b2CmBNMmQ9eiZXhsKfxYm',
    [['GENERIC_SECRET', 'sc_soqenjdwhd2k.eqjcv.acc_wnxdaxtj0wkmqmnlz48j.PJce0jayq5AX1BFsq-DdsUhIjHNE-b2CmBNMmQ9eiZXhsKfxYm']],
  ],
  ['key sc_soqenjdwhd2k.eqjcv.PJce0jayq5AX1BFsq-DdsUhIjHNE-b2CmBNMmQ9eiZXhsKfxYm', []],
]);

table('STREET_ADDRESS', [
  ['Ship to 1600 Amphitheatre Pkwy, Mountain View, CA 94043 today', [['STREET_ADDRESS', '1600 Amphitheatre Pkwy, Mountain View, CA 94043']]],
  ['I live at 221B Baker Street, London NW1 6XE.', [['STREET_ADDRESS', '221B Baker Street, London NW1 6XE']]],
  ['Hauptstraße 5, 10115 Berlin', [['STREET_ADDRESS', 'Hauptstraße 5, 10115 Berlin']]],
  ['12 rue de Rivoli, 75001 Paris', [['STREET_ADDRESS', '12 rue de Rivoli, 75001 Paris']]],
  ['Keizersgracht 123, 1015 CJ Amsterdam', [['STREET_ADDRESS', 'Keizersgracht 123, 1015 CJ Amsterdam']]],
  ['address: 742 Evergreen Terrace', [['STREET_ADDRESS', '742 Evergreen Terrace']]],
  ['PSC 4115, Box 7815\nAPO AE 41903', [['STREET_ADDRESS', 'PSC 4115, Box 7815\nAPO AE 41903']]],
  ['The 2024 Google Drive update broke sharing.', []],
  ['Send me the logs via Slack please.', []],
  ['We ordered 3 Main Street banners.', []],
]);

table('CREDIT_CARD as people write it', [
  ['card 4111.1111.1111.1111', [['CREDIT_CARD', '4111.1111.1111.1111']]],
  ['card 4111  1111  1111  1111', [['CREDIT_CARD', '4111  1111  1111  1111']]],
  ['card 4111\u00a01111\u00a01111\u00a01111', [['CREDIT_CARD', '4111\u00a01111\u00a01111\u00a01111']]],
  ['card 4111\u20091111\u20091111\u20091111', [['CREDIT_CARD', '4111\u20091111\u20091111\u20091111']]],
  ['maestro card 501800000009', [['CREDIT_CARD', '501800000009']]],
  ['id 501800000009 (12 digits, no card word)', []],
  ['JCB 213100000000001', [['CREDIT_CARD', '213100000000001']]],
  ['card 3500 0000 0000 0009', [['CREDIT_CARD', '3500 0000 0000 0009']]],
  ['order 4111.1111.1111.1112 and build 4111.1111', []],
]);

table('PHONE_NUMBER as people write it', [
  ['call (402)429-7004x863 now', [['PHONE_NUMBER', '(402)429-7004x863']]],
  ['phone: 105.820.2236', [['PHONE_NUMBER', '105.820.2236']]],
  ['my number is +1-105-820-2236x0015', [['PHONE_NUMBER', '+1-105-820-2236x0015']]],
  ['Phone 001-105-820-2236 ext. 12', [['PHONE_NUMBER', '001-105-820-2236 ext. 12']]],
  ['tel: 555-1234', [['PHONE_NUMBER', '555-1234']]],
  ['+41 (0)26 279 22 26', [['PHONE_NUMBER', '+41 (0)26 279 22 26']]],
  ['105.820.2236 with no phone word', []],
  ['order number 123-456-7890', []],
  ['version 10.2.3 and ts 1700000000000', []],
]);
