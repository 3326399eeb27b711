/**
 * Cap counters for one classified record: every cap of its signal that counts its class and whose
 * condition holds, each with the counter key its `key` parts name, in the window the clock is in.
 */
import { getAttribute, type KeyValue } from '../otlp/model.js';
import { boundedCapKey, windowStart, type CapKey } from './caps.js';
import type { CompiledCap } from './compiled.js';
import type { EvalContext } from './conditions.js';
import type { Signals } from './feedback-signals.js';
import type { Clock, ExportClass } from './types.js';

/** `cap.id` and each key part's value, joined by NUL; bounded in length (caps.ts boundedCapKey). */
export function capKey(cap: CompiledCap, cls: ExportClass, rule: string, tenant: string | undefined, attributes: readonly KeyValue[], resource: readonly KeyValue[], signals: Signals): string {
  let key = cap.id;
  for (const part of cap.key) {
    let v: string;
    if (part === 'tenant') v = tenant ?? '';
    else if (part === 'class') v = cls;
    else if (part === 'rule') v = rule;
    else if (part === 'signal.kind') v = [...signals.kinds].sort().join('+');
    else if (part === 'signal.reason') v = [...signals.reasons].sort().join('+');
    else {
      const colon = part.indexOf(':');
      const scope = part.slice(0, colon);
      const attr = getAttribute(scope === 'resource' ? resource : attributes, part.slice(colon + 1));
      v = attr === undefined ? '' : attr.kind === 'string' ? attr.value : attr.kind === 'int' || attr.kind === 'double' || attr.kind === 'bool' ? String(attr.value) : attr.kind;
    }
    key += `\u0000${v}`;
  }
  return boundedCapKey(key);
}

/** A record's counters, with the id of the cap each one counts for. */
export interface CapClaim {
  capIds: string[];
  keys: CapKey[];
}

/** The caps that apply to a record of class `cls` decided by `rule`; undefined when none does. */
export function capClaim(caps: readonly CompiledCap[], cls: ExportClass, rule: string, e: EvalContext, clock: Clock): CapClaim | undefined {
  let out: CapClaim | undefined;
  for (const cap of caps) {
    if (cap.classes !== undefined && !cap.classes.has(cls)) continue;
    if (cap.cond !== undefined && !cap.cond.test(e)) continue;
    out ??= { capIds: [], keys: [] };
    out.capIds.push(cap.id);
    out.keys.push({
      key: capKey(cap, cls, rule, e.tenant, e.attributes, e.resource, e.signals),
      limit: cap.limit,
      windowStartMs: windowStart(clock, cap.windowMs),
      windowMs: cap.windowMs,
    });
  }
  return out;
}
