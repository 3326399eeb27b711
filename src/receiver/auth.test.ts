import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './auth.js';

describe('bearer authentication', () => {
  const auth = createAuthenticator([
    { token: 'tok-acme', tenant: 'acme' },
    { token: 'tok-globex', tenant: 'globex' },
  ]);

  it.each([
    ['Bearer tok-acme', { ok: true, tenant: 'acme' }],
    ['bearer tok-globex', { ok: true, tenant: 'globex' }],
    ['Bearer   tok-acme  ', { ok: true, tenant: 'acme' }],
    ['Bearer tok-acm', { ok: false, reason: 'unknown' }],
    ['Bearer tok-acme-and-more', { ok: false, reason: 'unknown' }],
    ['Basic dXNlcjpwYXNz', { ok: false, reason: 'missing' }],
    ['Bearer', { ok: false, reason: 'missing' }],
    ['tok-acme', { ok: false, reason: 'missing' }],
    [undefined, { ok: false, reason: 'missing' }],
  ])('%j', (header, expected) => expect(auth(header)).toEqual(expected));
});
