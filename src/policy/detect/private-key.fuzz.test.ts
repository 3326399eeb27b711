/**
 * The PEM detector finds in code what one regex used to match, linear where the regex was not
 * (detectors/private-key.ts). Property: on texts assembled from PEM pieces, separators and body
 * characters, it reports exactly the spans the regex does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams } from '../../../test/support/otlp-arbitraries.js';
import { privateKeyDetector } from './detectors/private-key.js';
import type { Finding } from './types.js';

const LABEL = '[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?';
const REFERENCE = new RegExp(`-----BEGIN ${LABEL}-----(?:[A-Za-z0-9+/=\\s:,\\-.\\\\]{0,16000}?-----END ${LABEL}-----|[A-Za-z0-9+/=\\s\\\\]{0,16000})`, 'g');

function reference(text: string): [number, number][] {
  const out: [number, number][] = [];
  REFERENCE.lastIndex = 0;
  for (let m = REFERENCE.exec(text); m !== null; m = REFERENCE.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

const PIECES = [
  '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', '-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----',
  '-----BEGIN PGP PRIVATE KEY BLOCK-----', '-----END PGP PRIVATE KEY BLOCK-----', '-----END CERTIFICATE-----', '-----END ',
  'MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA', 'Proc-Type: 4,ENCRYPTED', '\n', '\\n', ' ', ':', ',', '-', '.', '=', '"', '#', 'é', '\u00a0',
];

describe('PEM detector', () => {
  it('reports what the single-regex form matched', () => {
    const text = fc
      .tuple(fc.array(fc.constantFrom(...PIECES), { maxLength: 16 }), fc.option(fc.integer({ min: 15_990, max: 16_010 }), { freq: 8 }))
      .map(([parts, longBody]) => parts.join('') + (longBody === null ? '' : 'A'.repeat(longBody) + '-----END PRIVATE KEY-----'));
    fc.assert(
      fc.property(text, (t) => {
        const out: Finding[] = [];
        privateKeyDetector.find(t, out);
        expect(out.map((f) => [f.start, f.end])).toEqual(reference(t));
      }),
      fuzzParams(3000),
    );
  });
});
