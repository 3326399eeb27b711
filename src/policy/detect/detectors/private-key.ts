/**
 * PRIVATE_KEY. PEM blocks (RFC 7468) whose label ends in "PRIVATE KEY": PKCS#1 RSA, SEC1 EC, PKCS#8
 * (plain and ENCRYPTED), OpenSSH, DSA, PGP "PRIVATE KEY BLOCK". The whole block is the finding. The
 * body may hold real newlines or JSON-escaped "\n" (the scanner blanks escapes before detectors run).
 * A pasted key cut off before its END line is still taken up to where its base64 body stops.
 */
import { regexDetector } from '../regex-detector.js';

const LABEL = '[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?';
const PEM = new RegExp(
  `-----BEGIN ${LABEL}-----(?:[A-Za-z0-9+/=\\s:,\\-.\\\\]{0,16000}?-----END ${LABEL}-----|[A-Za-z0-9+/=\\s\\\\]{0,16000})`,
  'g',
);

export const privateKeyDetector = regexDetector({
  name: 'private_key',
  entity: 'PRIVATE_KEY',
  pattern: PEM,
  mayMatch: (text) => text.includes('PRIVATE KEY'),
  prefixes: ['PRIVATE KEY'],
  scansEncoded: true,
});
