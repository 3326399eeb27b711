/**
 * Bearer-token authentication: `Authorization: Bearer <token>` → the tenant the token is bound to.
 *
 * Tokens are compared as SHA-256 digests with crypto.timingSafeEqual, against every configured token
 * without stopping at the first match, so neither the token's length nor its position in the table
 * shows in the response time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthToken } from '../config/types.js';

export type AuthResult = { ok: true; tenant: string } | { ok: false; reason: 'missing' | 'unknown' };

export type Authenticator = (authorization: string | undefined) => AuthResult;

const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function createAuthenticator(tokens: readonly AuthToken[]): Authenticator {
  const table = tokens.map((t) => ({ digest: digest(t.token), tenant: t.tenant }));
  return (authorization) => {
    const m = authorization === undefined ? null : BEARER.exec(authorization);
    if (m === null) return { ok: false, reason: 'missing' };
    const presented = digest(m[1]!);
    let tenant: string | undefined;
    for (const entry of table) {
      if (timingSafeEqual(presented, entry.digest) && tenant === undefined) tenant = entry.tenant;
    }
    return tenant === undefined ? { ok: false, reason: 'unknown' } : { ok: true, tenant };
  };
}
