/**
 * `{tenant}` in an endpoint or a file path, expanded per item.
 *
 * The tenant comes from a bearer token or from a resource attribute the client chose, so it is untrusted
 * text: it is URL-encoded as one path segment (so `/`, `?`, `#` and `%` cannot change the URL's shape or
 * the file's folder), and '', '.' and '..' are refused because servers and file systems resolve those as
 * "this folder" or "the parent folder". An item without a tenant never reaches a template that needs one:
 * it fails instead of going to a literal "{tenant}" URL or file.
 */

export const TENANT_PLACEHOLDER = '{tenant}';

export type Expansion = { ok: true; value: string } | { ok: false; error: string };

export interface TenantTemplate {
  readonly needsTenant: boolean;
  expand(tenant: string | undefined): Expansion;
}

/** The tenant as one safe path segment. */
export function tenantSegment(tenant: string): Expansion {
  if (tenant === '' || tenant === '.' || tenant === '..') {
    return { ok: false, error: "tenant is not usable as a path segment ('', '.' or '..')" };
  }
  return { ok: true, value: encodeURIComponent(tenant) };
}

export function compileTenantTemplate(template: string): TenantTemplate {
  const parts = template.split(TENANT_PLACEHOLDER);
  if (parts.length === 1) {
    const fixed: Expansion = { ok: true, value: template };
    return { needsTenant: false, expand: () => fixed };
  }
  return {
    needsTenant: true,
    expand(tenant) {
      if (tenant === undefined) return { ok: false, error: 'spans have no tenant but the destination needs {tenant}' };
      const seg = tenantSegment(tenant);
      return seg.ok ? { ok: true, value: parts.join(seg.value) } : seg;
    },
  };
}
