/**
 * Redaction actions, compiled once per policy: what replaces a detected value.
 *
 * - replace: a typed placeholder `<EMAIL_ADDRESS>`, so readers still see what kind of thing was there;
 * - mask: same length, all but the last N characters masked (`************1234`), and never more than
 *   half of the value kept, so a short value (a custom detector's 4-digit code) is not shown whole;
 * - hash: `<EMAIL_ADDRESS:hmac:1a2b3c4d5e6f7a8b>`, the first 64 bits of HMAC-SHA-256 under a key from
 *   the environment; equal values give equal tokens across spans and requests, so they still join,
 *   while nobody without the key can test a guess against them;
 * - drop_attribute: the whole attribute holding the value is removed (a span name or status message
 *   cannot be removed, so there the value is replaced);
 * - drop_span: the span is discarded (counted as drop_span_action); its text is still replaced so no
 *   copy of it ever holds the value.
 */
import { createHmac } from 'node:crypto';
import type { RedactionAction } from './types.js';
import type { ActionSpec } from './schema.js';

export type CompiledAction =
  | { readonly kind: 'replace' }
  | { readonly kind: 'mask'; readonly keepLast: number; readonly char: string }
  | { readonly kind: 'hash'; readonly key: Buffer }
  | { readonly kind: 'drop_attribute' }
  | { readonly kind: 'drop_span' };

export const DEFAULT_ACTION: CompiledAction = { kind: 'replace' };

export type ActionCompileResult = { ok: true; action: CompiledAction } | { ok: false; error: string; field: 'key_env' | 'action' };

export function compileAction(spec: ActionSpec, env: Readonly<Record<string, string | undefined>>): ActionCompileResult {
  switch (spec.action) {
    case 'replace':
      return { ok: true, action: DEFAULT_ACTION };
    case 'mask':
      return { ok: true, action: { kind: 'mask', keepLast: spec.keep_last ?? 4, char: spec.mask_char ?? '*' } };
    case 'hash': {
      if (spec.key_env === undefined) return { ok: false, field: 'action', error: "action 'hash' needs key_env: the environment variable holding the HMAC key" };
      const key = env[spec.key_env];
      // Fail closed: without the key there is no keyed hash, and an unkeyed hash of an e-mail address
      // is reversible by guessing.
      if (key === undefined || key === '') return { ok: false, field: 'key_env', error: `environment variable '${spec.key_env}' (the HMAC key) is not set` };
      return { ok: true, action: { kind: 'hash', key: Buffer.from(key, 'utf8') } };
    }
    case 'drop_attribute':
      return { ok: true, action: { kind: 'drop_attribute' } };
    case 'drop_span':
      return { ok: true, action: { kind: 'drop_span' } };
  }
}

export function actionName(a: CompiledAction): RedactionAction {
  return a.kind;
}

/** The text written in place of `value` (for drop_* actions, the replace placeholder). */
export function replacementFor(action: CompiledAction, entity: string, value: string): string {
  switch (action.kind) {
    case 'mask': {
      const keep = Math.min(action.keepLast, value.length >> 1);
      return action.char.repeat(value.length - keep) + value.slice(value.length - keep);
    }
    case 'hash': {
      const digest = createHmac('sha256', action.key).update(value, 'utf8').digest('hex').slice(0, 16);
      return `<${entity}:hmac:${digest}>`;
    }
    default:
      return `<${entity}>`;
  }
}
