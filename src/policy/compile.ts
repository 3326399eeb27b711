/**
 * Compiles parsed policy documents into an immutable CompiledPolicy: detectors into scanners, actions
 * into a table with their HMAC keys, conditions into closures, rates into thresholds. Everything the
 * hot path needs is built here, once; `process` only runs it (design principle 3).
 *
 * Cross-reference checks happen here too (unknown entities, duplicate ids, invalid RE2, unreachable
 * rules, missing HMAC keys) and are returned as issues with the key path that caused them; the loader
 * turns paths into file:line:col.
 */
import { BUILTIN_ENTITIES, builtinDetectors, compileCustomDetector, createScanner, isBuiltinEntity } from './detect/index.js';
import type { Detector, EntityName } from './detect/types.js';
import { compileAction, DEFAULT_ACTION, type CompiledAction } from './actions.js';
import { mergeOverride } from './compose.js';
import { compileCondition, type CompiledCondition, type ConditionIssue } from './conditions.js';
import { parseDuration } from './duration.js';
import { splitBySignal, type CompiledCap, type CompiledRule, type Effective, type KeepRule } from './compiled.js';
import { createEngine } from './engine.js';
import { TextRedactor, type ActionTable } from './redact.js';
import { thresholdFor } from './sample.js';
import { RecordRedactor } from './redact-record.js';
import type { PolicyDocument } from './schema.js';
import { compileSignalConfig } from './feedback-signals.js';
import { compileKeyMatcher, DEFAULT_SKIP_KEYS } from './skip-keys.js';
import { compileContract, type Contract, type TenantSettings } from './tenant.js';
import { systemClock, type Clock, type CompiledPolicy } from './types.js';
import { policyVersion } from './version.js';

/** One parsed policy file. The first base (no `tenant:`) is the base; files with `tenant:` override it. */
export interface PolicySource {
  doc: PolicyDocument;
  /** File name for messages; any label when compiled from memory. */
  source: string;
}

export interface PolicyIssue {
  source: string;
  path: PropertyKey[];
  message: string;
  severity: 'error' | 'warning';
  /** Point at the key rather than its value. */
  anchor?: 'key' | 'value';
}

export interface CompileOptions {
  /** Where `hash` actions read their keys. */
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  /** Extra detectors added to every scanner (plugins; tests inject failing ones). */
  extraDetectors?: readonly Detector[];
}

export type CompileResult =
  | { ok: true; policy: CompiledPolicy; warnings: PolicyIssue[] }
  | { ok: false; errors: PolicyIssue[]; warnings: PolicyIssue[] };

const DEFAULT_TENANT_ATTRIBUTE = 'tenant.id';
const DEFAULT_JSON_DEPTH = 4;

export function compilePolicy(input: PolicyDocument | readonly PolicySource[], options: CompileOptions = {}): CompileResult {
  const sources: readonly PolicySource[] = Array.isArray(input) ? input : [{ doc: input as PolicyDocument, source: '<policy>' }];
  const issues: PolicyIssue[] = [];
  const err = (source: string, path: PropertyKey[], message: string, anchor?: 'key' | 'value'): void => {
    const i: PolicyIssue = { source, path, message, severity: 'error' };
    if (anchor) i.anchor = anchor;
    issues.push(i);
  };

  const bases = sources.filter((s) => s.doc.tenant === undefined);
  const overrides = sources.filter((s) => s.doc.tenant !== undefined);
  if (bases.length !== 1) {
    const where = bases[1] ?? sources[0];
    err(where?.source ?? '<policy>', [], bases.length === 0 ? 'no base policy: every file has `tenant:`; one file must be the base' : `more than one base policy (files without \`tenant:\`): ${bases.map((b) => b.source).join(', ')}`);
    return { ok: false, errors: issues, warnings: [] };
  }
  const base = bases[0]!;
  const seenTenants = new Map<string, string>();
  for (const o of overrides) {
    if (o.doc.tenants !== undefined) err(o.source, ['tenants'], 'a tenant override cannot change tenant resolution; set `contract:` for this tenant instead', 'key');
    const prev = seenTenants.get(o.doc.tenant!);
    if (prev !== undefined) err(o.source, ['tenant'], `tenant '${o.doc.tenant}' already has an override in ${prev}`);
    seenTenants.set(o.doc.tenant!, o.source);
  }
  if (base.doc.contract !== undefined) err(base.source, ['contract'], '`contract:` belongs in a tenant override; in the base use tenants.contracts', 'key');

  const env = options.env ?? {};
  const clock = options.clock ?? systemClock;
  const version = policyVersion(sources.map((s) => s.doc));

  // Tenant settings (from the base), with override contracts folded in.
  const t = base.doc.tenants ?? {};
  const defaultContract = compileContract(t.default_contract);
  const contracts = new Map<string, Contract>();
  for (const [name, c] of Object.entries(t.contracts ?? {})) contracts.set(name, compileContract(c));
  for (const o of overrides) if (o.doc.contract) contracts.set(o.doc.tenant!, compileContract(o.doc.contract));
  const tenantSettings: TenantSettings = {
    attribute: t.resource_attribute ?? DEFAULT_TENANT_ATTRIBUTE,
    missing: t.missing ?? 'allow',
    contracts,
    defaultContract,
  };

  const baseEffective = compileEffective(base.doc, base.source, options, env, issues);
  const perTenant = new Map<string, Effective>();
  for (const o of overrides) {
    // The override is checked on its own first, so messages carry its own key paths; then the merge is
    // compiled, and what only the combination breaks (an id used in both files) is reported at its root.
    const before = issues.filter((i) => i.severity === 'error').length;
    compileEffective({ ...o.doc, tenant: undefined, contract: undefined }, o.source, options, env, issues, true);
    const mergedIssues: PolicyIssue[] = [];
    const eff = compileEffective(mergeOverride(base.doc, o.doc), o.source, options, env, mergedIssues);
    if (eff) perTenant.set(o.doc.tenant!, eff);
    else if (issues.filter((i) => i.severity === 'error').length === before) {
      for (const m of mergedIssues.filter((i) => i.severity === 'error')) err(o.source, [], `combined with the base policy: ${m.message}`);
    }
  }

  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  if (errors.length > 0 || baseEffective === undefined) return { ok: false, errors, warnings };

  const policy = createEngine({
    version,
    sources: sources.map((s) => s.source),
    tenants: tenantSettings,
    base: baseEffective,
    perTenant,
    clock,
  });
  return { ok: true, policy, warnings };
}

/**
 * Compiles one (possibly merged) document. Returns undefined when it had errors. `partial`: the document
 * is an override checked on its own, so references to base detectors must not be reported as unknown.
 */
function compileEffective(
  doc: PolicyDocument,
  source: string,
  options: CompileOptions,
  env: Readonly<Record<string, string | undefined>>,
  issues: PolicyIssue[],
  partial = false,
): Effective | undefined {
  const start = issues.length;
  const err = (path: PropertyKey[], message: string, anchor?: 'key' | 'value'): void => {
    const i: PolicyIssue = { source, path, message, severity: 'error' };
    if (anchor) i.anchor = anchor;
    issues.push(i);
  };
  const warn = (path: PropertyKey[], message: string): void => {
    issues.push({ source, path, message, severity: 'warning' });
  };

  // ---- detectors
  const detectors: Detector[] = [];
  const builtin = doc.detectors?.builtin;
  if (builtin === 'all') detectors.push(...builtinDetectors('all'));
  else if (builtin !== undefined) {
    const names: EntityName[] = [];
    builtin.forEach((name, i) => {
      if (isBuiltinEntity(name)) names.push(name);
      else err(['detectors', 'builtin', i], `unknown built-in detector '${name}'; expected one of ${BUILTIN_ENTITIES.join(', ')}`);
    });
    if (names.length > 0) detectors.push(...builtinDetectors(names));
  }
  const knownEntities = new Set<string>(builtin === 'all' ? BUILTIN_ENTITIES : (builtin ?? []).filter((n) => isBuiltinEntity(n)));
  const customIds = new Map<string, number>();
  (doc.detectors?.custom ?? []).forEach((c, i) => {
    const prev = customIds.get(c.id);
    if (prev !== undefined) err(['detectors', 'custom', i, 'id'], `duplicate custom detector id '${c.id}' (also detectors.custom[${prev}])`);
    customIds.set(c.id, i);
    const spec: { id: string; entity: string; pattern: string; caseInsensitive?: boolean; context?: string[] } = { id: c.id, entity: c.entity, pattern: c.pattern };
    if (c.case_insensitive !== undefined) spec.caseInsensitive = c.case_insensitive;
    if (c.context !== undefined) spec.context = c.context;
    const r = compileCustomDetector(spec);
    if (r.ok) detectors.push(r.detector);
    else err(['detectors', 'custom', i, 'pattern'], `invalid RE2 pattern: ${r.error}`);
    knownEntities.add(c.entity);
  });
  if (options.extraDetectors) for (const d of options.extraDetectors) {
    detectors.push(d);
    knownEntities.add(d.entity);
  }
  const isKnown = (e: string): boolean => partial || knownEntities.has(e) || isBuiltinEntity(e);

  // ---- actions
  const actionMap = new Map<EntityName, CompiledAction>();
  let defaultAction: CompiledAction = DEFAULT_ACTION;
  if (doc.actions?.default) {
    const r = compileAction(doc.actions.default, env);
    if (r.ok) defaultAction = r.action;
    else err(['actions', 'default', r.field], r.error);
  }
  for (const [entity, spec] of Object.entries(doc.actions?.entities ?? {})) {
    if (!isKnown(entity)) err(['actions', 'entities', entity], `unknown entity '${entity}': no enabled detector reports it`, 'key');
    const r = compileAction(spec, env);
    if (r.ok) actionMap.set(entity, r.action);
    else err(['actions', 'entities', entity, r.field], r.error);
  }
  const actions: ActionTable = { actionFor: (e) => actionMap.get(e) ?? defaultAction };

  // ---- scanning
  const scan = doc.scan ?? {};
  const skip = compileKeyMatcher([...(scan.default_skip_keys === false ? [] : DEFAULT_SKIP_KEYS), ...(scan.skip_keys ?? [])]);
  const scanner = createScanner(detectors, { scanBase64: scan.base64 ?? false, rememberFindings: true });
  const recordRedactor = new RecordRedactor({ text: new TextRedactor(scanner, actions), skip, json: scan.json ?? true, jsonMaxDepth: scan.json_max_depth ?? DEFAULT_JSON_DEPTH });

  // ---- conditions
  const condIssues: ConditionIssue[] = [];
  const checkEntities = (c: unknown, path: PropertyKey[]): void => {
    // Walks the raw condition for `detected.entities` references; conditions are small trees.
    const stack: [unknown, PropertyKey[]][] = [[c, path]];
    while (stack.length > 0) {
      const [node, p] = stack.pop()!;
      if (node === null || typeof node !== 'object') continue;
      const n = node as Record<string, unknown>;
      const det = n['detected'] as { entities?: string[] } | undefined;
      det?.entities?.forEach((e, i) => {
        if (!isKnown(e)) err([...p, 'detected', 'entities', i], `unknown entity '${e}': no enabled detector reports it`);
      });
      (n['all'] as unknown[] | undefined)?.forEach((s, i) => stack.push([s, [...p, 'all', i]]));
      (n['any'] as unknown[] | undefined)?.forEach((s, i) => stack.push([s, [...p, 'any', i]]));
      if (n['not'] !== undefined) stack.push([n['not'], [...p, 'not']]);
    }
  };
  const cond = (c: Parameters<typeof compileCondition>[0], path: PropertyKey[]): CompiledCondition => {
    checkEntities(c, path);
    return compileCondition(c, path, condIssues);
  };

  // ---- rules
  const rules: CompiledRule[] = [];
  const ruleIds = new Map<string, number>();
  let catchAll: number | undefined;
  (doc.rules ?? []).forEach((r, i) => {
    const prev = ruleIds.get(r.id);
    if (prev !== undefined) err(['rules', i, 'id'], `duplicate rule id '${r.id}' (also rules[${prev}])`);
    ruleIds.set(r.id, i);
    const c = cond(r.when, ['rules', i, 'when']);
    if (catchAll !== undefined) warn(['rules', i], `rule '${r.id}' is unreachable: rules[${catchAll}] matches every span first`);
    else if (c.always) catchAll = i;
    const rule: CompiledRule = { id: r.id, cls: r.class, cond: c, description: r.description };
    if (r.sample !== undefined) rule.threshold = thresholdFor(r.sample);
    rules.push(rule);
  });

  // ---- sampling
  const keep: KeepRule[] = [];
  const keepIds = new Set<string>();
  (doc.sampling?.keep_always ?? []).forEach((k, i) => {
    if (keepIds.has(k.id)) err(['sampling', 'keep_always', i, 'id'], `duplicate keep_always id '${k.id}'`);
    keepIds.add(k.id);
    keep.push({ id: k.id, cond: cond(k.when, ['sampling', 'keep_always', i, 'when']) });
  });
  const threshold = thresholdFor(doc.sampling?.rate ?? 1);

  // ---- caps
  const caps: CompiledCap[] = [];
  const capIds = new Set<string>();
  (doc.caps ?? []).forEach((c, i) => {
    if (capIds.has(c.id)) err(['caps', i, 'id'], `duplicate cap id '${c.id}'`);
    capIds.add(c.id);
    const windowMs = parseDuration(c.window);
    if (windowMs === undefined) {
      err(['caps', i, 'window'], 'expected a duration such as 1h or 1d');
      return;
    }
    const cap: CompiledCap = { id: c.id, classes: c.class ? new Set(c.class) : undefined, key: c.key, limit: c.limit, windowMs, cond: undefined };
    if (c.when) cap.cond = cond(c.when, ['caps', i, 'when']);
    caps.push(cap);
  });

  for (const ci of condIssues) err(ci.path, ci.message);

  const signals = compileSignalConfig(doc.signals ?? {});

  if (issues.slice(start).some((i) => i.severity === 'error')) return undefined;
  const dropsRecords = defaultAction.kind === 'drop_span' || [...actionMap.values()].some((a) => a.kind === 'drop_span');
  return { redactor: recordRedactor, threshold, signals, bySignal: splitBySignal(rules, keep, caps, dropsRecords) };
}
