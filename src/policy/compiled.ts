/**
 * What compile.ts builds and the engine runs: rules, keep rules and caps with their conditions already
 * compiled, per tenant view of the policy, and split by the signal their records belong to.
 *
 * Which records a rule is evaluated for is fixed here, once: a rule (keep rule, cap) whose condition
 * mentions `signal_type` is evaluated for spans and log records alike, and `signal_type` decides;
 * one that never mentions it is a span rule, as it was written before Loopgate accepted logs. So a
 * policy written for spans classifies no log record until someone says it should (they are then
 * discarded as no_rule_matched: fail closed), and no span rule can start sending logs to broad-use.
 */
import type { CompiledCondition, RecordSignal } from './conditions.js';
import type { Threshold } from './sample.js';
import type { RecordRedactor } from './redact-record.js';
import type { SignalConfig } from './feedback-signals.js';
import type { TenantSettings } from './tenant.js';
import type { Classification, Clock, ExportClass } from './types.js';

export interface CompiledRule {
  id: string;
  cls: Classification;
  cond: CompiledCondition;
  description: string | undefined;
  threshold?: Threshold;
}

export interface KeepRule {
  id: string;
  cond: CompiledCondition;
}

export interface CompiledCap {
  id: string;
  classes: ReadonlySet<ExportClass> | undefined;
  cond: CompiledCondition | undefined;
  key: readonly string[];
  limit: number;
  windowMs: number;
}

/** The rules, keep rules and caps that apply to one signal's records, in policy order. */
export interface SignalRules {
  rules: readonly CompiledRule[];
  keep: readonly KeepRule[];
  caps: readonly CompiledCap[];
  /** Some rule, keep rule or cap of this signal reads feedback signals (so they are extracted). */
  usesSignals: boolean;
  /**
   * Nothing the detectors find can change where a record goes: no rule, keep rule or cap reads
   * `detected`, and no action drops a record. The engine then decides first and scans only the
   * records it exports (known when the policy compiles, like usesSignals).
   */
  decidesBeforeScan: boolean;
}

/** Everything compiled for one tenant's view of the policy (the base, or base + that tenant's override). */
export interface Effective {
  redactor: RecordRedactor;
  threshold: Threshold;
  signals: SignalConfig;
  bySignal: { readonly [S in RecordSignal]: SignalRules };
}

export interface EngineParts {
  version: string;
  sources: string[];
  tenants: TenantSettings;
  base: Effective;
  perTenant: ReadonlyMap<string, Effective>;
  clock: Clock;
}

/** The signals a condition is evaluated for (see the module comment). */
export function signalsOf(cond: CompiledCondition | undefined): readonly RecordSignal[] {
  return cond?.mentionsSignalType === true ? ['traces', 'logs'] : ['traces'];
}

/**
 * Splits compiled rules, keep rules and caps into the per-signal lists the engine runs. `dropsRecords`:
 * some detector action of the policy is drop_span (a finding can discard the record).
 */
export function splitBySignal(rules: readonly CompiledRule[], keep: readonly KeepRule[], caps: readonly CompiledCap[], dropsRecords: boolean): Effective['bySignal'] {
  const one = (signal: RecordSignal): SignalRules => {
    const r = rules.filter((x) => signalsOf(x.cond).includes(signal));
    const k = keep.filter((x) => signalsOf(x.cond).includes(signal));
    const c = caps.filter((x) => signalsOf(x.cond).includes(signal));
    const usesSignals = r.some((x) => x.cond.usesSignals) || k.some((x) => x.cond.usesSignals) || c.some((x) => x.cond?.usesSignals === true || x.key.some((p) => p.startsWith('signal.')));
    const usesFindings = r.some((x) => x.cond.usesFindings) || k.some((x) => x.cond.usesFindings) || c.some((x) => x.cond?.usesFindings === true);
    return { rules: r, keep: k, caps: c, usesSignals, decidesBeforeScan: !usesFindings && !dropsRecords };
  };
  return { traces: one('traces'), logs: one('logs') };
}
