import { describe, expect, it } from 'vitest';
import { compileTenantTemplate } from './tenant-template.js';

describe('compileTenantTemplate', () => {
  it('leaves a template without {tenant} as it is, tenant or not', () => {
    const t = compileTenantTemplate('/v1/traces');
    expect(t.needsTenant).toBe(false);
    expect(t.expand(undefined)).toEqual({ ok: true, value: '/v1/traces' });
    expect(t.expand('acme')).toEqual({ ok: true, value: '/v1/traces' });
  });

  it.each([
    ['acme', '/t/acme/v1/traces'],
    ['a b', '/t/a%20b/v1/traces'],
    ['../etc', '/t/..%2Fetc/v1/traces'],
    ['x?y#z', '/t/x%3Fy%23z/v1/traces'],
    ['100%', '/t/100%25/v1/traces'],
    ['ünï', '/t/%C3%BCn%C3%AF/v1/traces'],
  ])('encodes tenant %j as one path segment', (tenant, expected) => {
    expect(compileTenantTemplate('/t/{tenant}/v1/traces').expand(tenant)).toEqual({ ok: true, value: expected });
  });

  it('expands every occurrence', () => {
    expect(compileTenantTemplate('./data/{tenant}/{tenant}.jsonl').expand('acme')).toEqual({ ok: true, value: './data/acme/acme.jsonl' });
  });

  it.each([[undefined], [''], ['.'], ['..']])('refuses tenant %j when the template needs one', (tenant) => {
    const r = compileTenantTemplate('/t/{tenant}').expand(tenant);
    expect(r.ok).toBe(false);
  });
});
