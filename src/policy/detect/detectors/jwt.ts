/**
 * JWT (RFC 7519, JWS compact serialisation RFC 7515 §7.1): three base64url segments joined by dots.
 * The header is base64url JSON, so it starts "eyJ" ('{"'), and must decode to an object with "alg";
 * an unsigned token (alg none) may have an empty third segment.
 */
import { regexDetector } from '../regex-detector.js';

const JWT = /(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{5,2000}\.[A-Za-z0-9_\-]{2,8000}\.[A-Za-z0-9_\-]{0,2000}(?![A-Za-z0-9_\-])/g;

export function jwtHeaderValid(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && 'alg' in parsed;
  } catch {
    return false;
  }
}

export const jwtDetector = regexDetector({
  name: 'jwt',
  entity: 'JWT',
  pattern: JWT,
  mayMatch: (text) => text.includes('eyJ'),
  prefixes: ['eyJ'],
  validate: (m) => jwtHeaderValid(m[0]),
  scansEncoded: true,
});
