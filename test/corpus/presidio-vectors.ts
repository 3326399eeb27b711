/**
 * Vectors for Presidio's entity set, built from each entity's documented format and check digit (not
 * copied from Presidio's tests): positives (`presidio-pos/<entity>`) in the sentences and context words
 * people use, negatives (`presidio-neg/<entity>`) that share the shape but fail the checksum, the
 * reserved ranges or the context, and must be kept.
 */
import { createHash } from 'node:crypto';
import type { DevCase, Gen } from './generate-detect-dev.js';

const DIG = '0123456789';
const HEX = '0123456789abcdef';
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function base58Encode(bytes: Uint8Array): string {
  let n = BigInt('0x' + Buffer.from(bytes).toString('hex'));
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = '1' + out;
  }
  return out;
}

function legacyAddress(g: Gen): string {
  const payload = Buffer.from([g.chance(0.5) ? 0x00 : 0x05, ...Array.from({ length: 20 }, () => g.int(0, 255))]);
  const check = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest().subarray(0, 4);
  return base58Encode(Buffer.concat([payload, check]));
}

function polymod(values: number[]): number {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i] as number;
  }
  return chk >>> 0;
}

function segwitAddress(g: Gen): string {
  const program = Array.from({ length: 20 }, () => g.int(0, 255));
  const data = [0];
  let acc = 0;
  let bits = 0;
  for (const b of program) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) data.push((acc << (5 - bits)) & 31);
  const mod = polymod([3, 3, 0, 2, 3, ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  for (let i = 0; i < 6; i++) data.push((mod >> (5 * (5 - i))) & 31);
  return 'bc1' + data.map((d) => BECH[d]).join('');
}

function nhs(g: Gen, valid: boolean): string {
  for (;;) {
    const d = g.str(DIG, 9);
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(d[i]) * (10 - i);
    let check = 11 - (sum % 11);
    if (check === 10) continue;
    if (check === 11) check = 0;
    return d + String(valid ? check : (check + g.int(1, 9)) % 10);
  }
}

function aba(g: Gen, valid: boolean): string {
  const prefixes = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '21', '22', '26', '31', '32', '61', '63', '71'];
  const d = (valid ? g.pick(prefixes) : g.pick(['13', '40', '55', '90'])) + g.str(DIG, 6);
  const w = [3, 7, 1, 3, 7, 1, 3, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * (w[i] as number);
  const check = (10 - (sum % 10)) % 10;
  return d + String(check);
}

type Vec = (g: Gen) => { text: string; value: string };

const POSITIVES: Record<string, Vec[]> = {
  CRYPTO: [
    (g) => { const v = legacyAddress(g); return { text: `Send the refund to my wallet ${v} please`, value: v }; },
    (g) => { const v = segwitAddress(g); return { text: `btc address: ${v}`, value: v }; },
  ],
  UK_NHS: [
    (g) => { const n = nhs(g, true); const v = `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`; return { text: `Patient NHS number ${v}, ward 4`, value: v }; },
    (g) => { const v = nhs(g, true); return { text: `nhs: ${v}`, value: v }; },
  ],
  ABA_ROUTING_NUMBER: [
    (g) => { const v = aba(g, true); return { text: `Wire it: routing number ${v}, account below`, value: v }; },
    (g) => { const a = aba(g, true); const v = `${a.slice(0, 4)}-${a.slice(4, 8)}-${a.slice(8)}`; return { text: `ABA ${v}`, value: v }; },
  ],
  US_ITIN: [
    (g) => { const v = `9${g.str(DIG, 2)}-${g.pick(['70', '78', '88', '90', '94', '99', '50', '65'])}-${g.str(DIG, 4)}`; return { text: `My ITIN is ${v}`, value: v }; },
    (g) => { const v = `9${g.str(DIG, 2)}${g.pick(['71', '83', '92'])}${g.str(DIG, 4)}`; return { text: `individual taxpayer identification number: ${v}`, value: v }; },
  ],
  US_PASSPORT: [
    (g) => { const v = `${g.int(1, 9)}${g.str(DIG, 8)}`; return { text: `US passport number ${v} expires next year`, value: v }; },
    (g) => { const v = `${g.pick(['A', 'C', 'E', 'X'])}${g.str(DIG, 8)}`; return { text: `passport no. ${v}`, value: v }; },
  ],
  US_DRIVER_LICENSE: [
    (g) => { const v = `${g.pick(['D', 'F', 'S', 'W'])}${g.str(DIG, 7)}`; return { text: `Driver's license: ${v} (CA)`, value: v }; },
    (g) => { const v = `${g.int(1, 9)}${g.str(DIG, 8)}`; return { text: `DL number ${v}`, value: v }; },
  ],
  US_BANK_NUMBER: [
    (g) => { const v = `${g.int(1, 9)}${g.str(DIG, g.int(9, 13))}`; return { text: `checking account number ${v}`, value: v }; },
    (g) => { const v = `${g.int(1, 9)}${g.str(DIG, 9)}`; return { text: `bank account: ${v}`, value: v }; },
  ],
  DATE_OF_BIRTH: [
    (g) => { const v = `${String(g.int(1, 12)).padStart(2, '0')}/${String(g.int(1, 28)).padStart(2, '0')}/${g.int(1940, 2005)}`; return { text: `DOB: ${v}`, value: v }; },
    (g) => { const v = `${g.int(1, 28)} ${g.pick(['March', 'July', 'October', 'Jan'])} ${g.int(1940, 2005)}`; return { text: `She was born on ${v} in Leeds.`, value: v }; },
    (g) => { const v = `${g.int(1940, 2005)}-${String(g.int(1, 12)).padStart(2, '0')}-${String(g.int(1, 28)).padStart(2, '0')}`; return { text: `{"date_of_birth": "${v}"}`, value: v }; },
  ],
  IP_ADDRESS: [
    (g) => { const v = g.pick(['::1', '2001:db8::', 'fe80::', `fe80::${g.str(HEX, 4)}:${g.str(HEX, 4)}`, `::ffff:192.0.2.${g.int(1, 254)}`, `64:ff9b::198.51.100.${g.int(1, 254)}`, `2001:db8:${g.str(HEX, 4)}::${g.str(HEX, 3)}`]); return { text: `client ip ${v} was blocked`, value: v }; },
  ],
  US_SSN: [
    (g) => { const v = `${g.int(101, 665)}${g.int(10, 99)}${g.int(1000, 9999)}`; return { text: `SSN ${v}`, value: v }; },
    (g) => { const v = `${g.int(101, 665)}-${g.int(10, 99)}${g.int(1000, 9999)}`; return { text: `my social security number is ${v}`, value: v }; },
  ],
  EMAIL_ADDRESS: [
    (g) => { const v = g.pick(['jörg@bücher.de', '用户@例子.广告', 'info@xn--mller-kva.de', 'δοκιμή@παράδειγμα.δοκιμή', 'josé.núñez@correo.es', 'пользователь@пример.рф']); return { text: `contact: ${v}`, value: v }; },
  ],
};

const NEGATIVES: Record<string, Vec[]> = {
  CRYPTO: [
    (g) => { const a = legacyAddress(g); const i = g.int(5, a.length - 2); const v = a.slice(0, i) + (a[i] === 'z' ? 'y' : 'z') + a.slice(i + 1); return { text: `wallet ${v}`, value: v }; },
    (g) => { const v = '1' + g.str(BASE58, 33); return { text: `ref ${v}`, value: v }; },
  ],
  UK_NHS: [(g) => { const n = nhs(g, false); const v = `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`; return { text: `NHS number ${v}`, value: v }; }],
  ABA_ROUTING_NUMBER: [(g) => { const v = aba(g, false); return { text: `routing number ${v}`, value: v }; }],
  US_ITIN: [(g) => { const v = `9${g.str(DIG, 2)}-${g.pick(['40', '45', '66', '89', '93'])}-${g.str(DIG, 4)}`; return { text: `ITIN ${v}`, value: v }; }],
  US_PASSPORT: [(g) => { const v = `${g.int(1, 9)}${g.str(DIG, 8)}`; return { text: `order ${v} shipped`, value: v }; }],
  US_DRIVER_LICENSE: [(g) => { const v = `D${g.str(DIG, 7)}`; return { text: `part D-series ${v} in stock`, value: v }; }],
  US_BANK_NUMBER: [(g) => { const v = `${g.int(1, 9)}${g.str(DIG, 11)}`; return { text: `order number ${v}`, value: v }; }],
  DATE_OF_BIRTH: [
    (g) => { const v = `${String(g.int(1, 12)).padStart(2, '0')}/${String(g.int(1, 28)).padStart(2, '0')}/${g.int(2020, 2026)}`; return { text: `deadline ${v}`, value: v }; },
    (g) => { const v = `${g.pick(['March', 'July'])} ${g.int(1, 28)}, ${g.int(2019, 2026)}`; return { text: `released on ${v}`, value: v }; },
  ],
  IP_ADDRESS: [(g) => { const v = g.pick(['std::vector', 'a::b', 'Foo::Bar::1', '12:30:45', 'ab:cd']); return { text: `see ${v} in the code`, value: v }; }],
  US_SSN: [(g) => { const v = `${g.int(101, 665)}-${g.int(10, 99)}${g.int(1000, 9999)}`; return { text: `ticket ${v}`, value: v }; }],
  IBAN_CODE: [
    (g) => { const v = `DE${g.int(10, 99)} ${g.str(DIG, 4)} ${g.str(DIG, 4)} ${g.str(DIG, 4)} ${g.str(DIG, 4)} ${g.str(DIG, 2)}`; return { text: `IBAN: ${v} (check digits wrong)`, value: v }; },
    (g) => { const v = `GB${g.int(10, 99)} NWBK ${g.str(DIG, 4)} ${g.str(DIG, 4)} ${g.str(DIG, 4)} ${g.str(DIG, 2)}`; return { text: `account ${v}`, value: v }; },
  ],
  EMAIL_ADDRESS: [(g) => { const v = g.pick(['@jörg', 'user@localhost', 'ping @mañana']); return { text: `${v} said hi`, value: v }; }],
};

export function presidioCases(g: Gen, out: DevCase[]): void {
  for (const [entity, makers] of Object.entries(POSITIVES)) {
    for (let k = 0; k < 8; k++) {
      const { text, value } = g.pick(makers)(g);
      out.push({ id: '', slice: `presidio-pos/${entity}`, text, pii: [{ entity, value }], keep: [] });
    }
  }
  for (const [entity, makers] of Object.entries(NEGATIVES)) {
    for (let k = 0; k < 8; k++) {
      const { text, value } = g.pick(makers)(g);
      out.push({ id: '', slice: `presidio-neg/${entity}`, text, pii: [], keep: [value] });
    }
  }
}
