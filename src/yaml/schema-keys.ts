/**
 * Finds the keys a zod object schema accepts at a path, so an unknown-key message can say what was
 * expected (`unknown key 'equalz'; expected one of equals, in, exists, matches`). zod's own issue only
 * names the unknown key. Reads zod v4's public `_zod.def` tree; only the wrappers a config schema uses
 * are followed (optional, default, nullable, pipe, lazy, array, record, union, object).
 */
import type { z } from 'zod';

type AnyDef = { type: string; [k: string]: unknown };

function defOf(schema: unknown): AnyDef | undefined {
  const def = (schema as { _zod?: { def?: AnyDef } } | undefined)?._zod?.def;
  return def;
}

/** Strips wrappers that do not change the shape of the value. */
function unwrap(schema: unknown, guard = 0): unknown {
  let s = schema;
  for (let i = 0; i < 32 + guard; i++) {
    const def = defOf(s);
    if (!def) return s;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        s = def['innerType'];
        break;
      case 'pipe':
        s = def['in'];
        break;
      case 'lazy':
        s = (def['getter'] as () => unknown)();
        break;
      default:
        return s;
    }
  }
  return s;
}

/** The candidate schemas found at `path` (several when unions are crossed). */
function schemasAt(root: z.ZodType, path: readonly PropertyKey[]): unknown[] {
  let current: unknown[] = [unwrap(root)];
  for (const seg of path) {
    const next: unknown[] = [];
    const expand = (s: unknown): void => {
      const def = defOf(s);
      if (!def) return;
      if (def.type === 'union') {
        for (const o of def['options'] as unknown[]) expand(unwrap(o));
        return;
      }
      if (def.type === 'object' && typeof seg === 'string') {
        const shape = def['shape'] as Record<string, unknown>;
        if (Object.prototype.hasOwnProperty.call(shape, seg)) next.push(unwrap(shape[seg]));
        return;
      }
      if (def.type === 'array' && typeof seg === 'number') {
        next.push(unwrap(def['element']));
        return;
      }
      if (def.type === 'record' && typeof seg === 'string') {
        next.push(unwrap(def['valueType']));
      }
    };
    for (const s of current) expand(s);
    current = next;
    if (current.length === 0) return current;
  }
  return current;
}

/** The keys accepted by the object schema(s) at `path`, in declaration order, or [] when unknown. */
export function expectedKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys: string[] = [];
  const add = (s: unknown): void => {
    const def = defOf(s);
    if (!def) return;
    if (def.type === 'union') {
      for (const o of def['options'] as unknown[]) add(unwrap(o));
    } else if (def.type === 'object') {
      for (const k of Object.keys(def['shape'] as object)) if (!keys.includes(k)) keys.push(k);
    }
  };
  for (const s of schemasAt(root, path)) add(s);
  return keys;
}
