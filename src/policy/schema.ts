/**
 * The policy language: the single source of its shape. TypeScript types are inferred from it, the JSON
 * Schema editors use (schema/policy.schema.json) is generated from it (scripts/gen-schema.ts), and the
 * loader validates YAML against it. Objects are strict: a misspelled key is an error, never ignored,
 * because an ignored key in a compliance contract is a silent hole.
 *
 * docs/policy-reference.md documents every key; keep the two in step.
 */
import { z } from 'zod';
import { SIGNAL_KINDS, SIGNAL_REASONS } from './signal-kinds.js';
import {
  MAX_CAPS,
  MAX_CONTEXT_WORDS,
  MAX_CUSTOM_DETECTORS,
  MAX_KEEP_RULES,
  MAX_KEY_LENGTH,
  MAX_LIST_ITEMS,
  MAX_PATTERN_LENGTH,
  MAX_RULES,
  MAX_SIGNAL_ALIASES,
  MAX_SKIP_KEYS,
  MAX_TENANT_CONTRACTS,
  tooLong,
  tooMany,
} from './policy-limits.js';

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'ids are lower case letters, digits, ".", "_" or "-", starting with a letter or digit');

const EntityNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'entity names are UPPER_SNAKE_CASE, e.g. EMAIL_ADDRESS');

const ClassSchema = z.enum(['broad-use', 'tenant-only', 'eval-only', 'discard']);

/** Durations as written by people: 30s, 15m, 1h, 1d, 1w. */
export const DurationSchema = z
  .string()
  .regex(/^[1-9][0-9]*(s|m|h|d|w)$/, 'a duration such as 30s, 15m, 1h, 1d or 1w');

const Probability = z.number().min(0).max(1);

// ---------------------------------------------------------------------------------------------------
// Detectors

export const CustomDetectorSchema = z.strictObject({
  id: Id.describe('Unique id of this detector; reported in explain output and redaction records.'),
  entity: EntityNameSchema.describe('The entity this detector finds; actions are chosen per entity.'),
  pattern: z.string().min(1).max(MAX_PATTERN_LENGTH, tooLong(MAX_PATTERN_LENGTH)).describe('RE2 regular expression (linear time; no backreferences or lookaround).'),
  case_insensitive: z.boolean().optional().describe('Match letters regardless of case. Default false.'),
  context: z
    .array(z.string().min(1).max(MAX_KEY_LENGTH, tooLong(MAX_KEY_LENGTH)))
    .min(1)
    .max(MAX_CONTEXT_WORDS, tooMany(MAX_CONTEXT_WORDS))
    .optional()
    .describe('Only report a match when one of these words appears near it (case-insensitive).'),
});

export const DetectorsSchema = z.strictObject({
  builtin: z
    .union([z.literal('all'), z.array(EntityNameSchema)])
    .optional()
    .describe('Built-in detectors to enable: "all", or a list of entity names. Default: none.'),
  custom: z.array(CustomDetectorSchema).max(MAX_CUSTOM_DETECTORS, tooMany(MAX_CUSTOM_DETECTORS)).optional().describe('Detectors defined by this policy.'),
});

// ---------------------------------------------------------------------------------------------------
// Where to look

export const ScanSchema = z.strictObject({
  skip_keys: z
    .array(z.string().min(1).max(MAX_KEY_LENGTH, tooLong(MAX_KEY_LENGTH)))
    .max(MAX_SKIP_KEYS, tooMany(MAX_SKIP_KEYS))
    .optional()
    .describe('Attribute keys never scanned, in addition to the defaults. Exact keys or globs with * (e.g. "app.ids.*").'),
  default_skip_keys: z
    .boolean()
    .optional()
    .describe('Keep the built-in list of never-scanned keys (model names, token counts, ids, loopgate.*). Default true.'),
  json: z
    .boolean()
    .optional()
    .describe('Look inside string values that hold JSON objects or arrays (and JSON inside those). Default true.'),
  json_max_depth: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe('How many levels of JSON-in-JSON strings are opened. Default 4.'),
  base64: z.boolean().optional().describe('Also decode base64-looking strings and scan the result. Default false.'),
});

// ---------------------------------------------------------------------------------------------------
// Actions

export const ActionSchema = z.strictObject({
  action: z
    .enum(['replace', 'mask', 'hash', 'drop_attribute', 'drop_span'])
    .describe('replace: <ENTITY>; mask: keep the last N characters; hash: keyed HMAC-SHA-256; drop_attribute; drop_span.'),
  keep_last: z.number().int().min(0).max(16).optional().describe('mask only: characters kept at the end. Default 4.'),
  mask_char: z.string().length(1).optional().describe('mask only: the masking character. Default "*".'),
  key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .describe('hash only: the environment variable holding the HMAC key. Required for hash; a missing variable refuses the policy.'),
});

export const ActionsSchema = z.strictObject({
  default: ActionSchema.optional().describe('Action for entities not listed below. Default: replace.'),
  entities: z.record(EntityNameSchema, ActionSchema).optional().describe('Per-entity actions.'),
});

// ---------------------------------------------------------------------------------------------------
// Conditions (recursive)

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const AttributePredicateSchema = z.strictObject({
  key: z.string().min(1).describe('Attribute key.'),
  exists: z.boolean().optional().describe('true: the attribute is present; false: it is absent.'),
  equals: Scalar.optional().describe('The value equals this (strings compare exactly; numbers numerically).'),
  in: z.array(Scalar).min(1).max(MAX_LIST_ITEMS, tooMany(MAX_LIST_ITEMS)).optional().describe('The value equals one of these.'),
  matches: z.string().min(1).max(MAX_PATTERN_LENGTH, tooLong(MAX_PATTERN_LENGTH)).optional().describe('The string value matches this RE2 regular expression (unanchored).'),
  gt: z.number().optional().describe('The numeric value is greater than this.'),
  lt: z.number().optional().describe('The numeric value is less than this.'),
});

export const StringPredicateSchema = z.strictObject({
  equals: z.string().optional(),
  in: z.array(z.string()).min(1).max(MAX_LIST_ITEMS, tooMany(MAX_LIST_ITEMS)).optional(),
  matches: z.string().min(1).max(MAX_PATTERN_LENGTH, tooLong(MAX_PATTERN_LENGTH)).optional().describe('RE2 regular expression (unanchored).'),
});

export const EventPredicateSchema = z
  .strictObject({
    name: StringPredicateSchema.optional().describe('The event name (e.g. exception, gen_ai.evaluation.result).'),
    attribute: AttributePredicateSchema.optional().describe('An attribute predicate that must hold on that same event.'),
  })
  .refine((p) => p.name !== undefined || p.attribute !== undefined, { message: 'an event condition needs `name`, `attribute` or both' });


export const SignalPredicateSchema = z.strictObject({
  kind: z.array(z.enum(SIGNAL_KINDS)).min(1).optional().describe('Any of these signal kinds is present.'),
  reason: z.array(z.enum(SIGNAL_REASONS)).min(1).optional().describe('Any of these reason codes is present.'),
  intent: z.enum(['high', 'low', 'any']).optional().describe('high: only high-intent signals count. Default any.'),
  min_diff_size: z.number().int().min(0).optional().describe('user_edit only: the edit changed at least this many characters.'),
});

const StatusName = z.enum(['unset', 'ok', 'error']);
/** The signals whose records rules classify; metrics are forwarded unclassified. */
const SignalTypeName = z.enum(['traces', 'logs']);
const KindName = z.enum(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']);
/** SeverityNumber ranges (logs.proto): each name is the first number of its range (TRACE = 1 … FATAL = 21). */
const SeverityName = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const SeverityLevel = z.union([SeverityName, z.number().int().min(1).max(24)]);
const SeverityPredicateSchema = z
  .strictObject({
    at_least: SeverityLevel.optional().describe('severity_number is at least this: a name (trace, debug, info, warn, error, fatal: the first number of its range) or 1–24.'),
    below: SeverityLevel.optional().describe('severity_number is below this (a name or 1–24).'),
  })
  .refine((p) => p.at_least !== undefined || p.below !== undefined, { message: 'severity needs at_least or below' })
  .meta({ id: 'SeverityPredicate' });
export type SeverityPredicate = z.infer<typeof SeverityPredicateSchema>;

export interface Condition {
  always?: true | undefined;
  all?: Condition[] | undefined;
  any?: Condition[] | undefined;
  not?: Condition | undefined;
  attribute?: z.infer<typeof AttributePredicateSchema> | undefined;
  resource?: z.infer<typeof AttributePredicateSchema> | undefined;
  name?: z.infer<typeof StringPredicateSchema> | undefined;
  event?: z.infer<typeof EventPredicateSchema> | undefined;
  status?: z.infer<typeof StatusName> | z.infer<typeof StatusName>[] | undefined;
  kind?: z.infer<typeof KindName> | z.infer<typeof KindName>[] | undefined;
  tenant?: { in?: string[] | undefined; exists?: boolean | undefined } | undefined;
  contract?: { broad_use?: boolean | undefined; eval?: boolean | undefined } | undefined;
  detected?: { any?: boolean | undefined; entities?: string[] | undefined } | undefined;
  signal?: z.infer<typeof SignalPredicateSchema> | undefined;
  signal_type?: z.infer<typeof SignalTypeName> | z.infer<typeof SignalTypeName>[] | undefined;
  event_name?: z.infer<typeof StringPredicateSchema> | undefined;
  severity?: SeverityPredicate | undefined;
}

/**
 * Several keys in one condition must all hold (an implicit `all`). An empty condition is refused: it
 * would read as "nothing" to some people and "everything" to others; `always: true` says the latter.
 */
export const ConditionSchema: z.ZodType<Condition> = z
  .strictObject({
    always: z.literal(true).optional().describe('Matches every record the condition applies to: the catch-all.'),
    get all() {
      return z.array(ConditionSchema).min(1).max(MAX_LIST_ITEMS, tooMany(MAX_LIST_ITEMS)).optional().describe('Every listed condition holds.');
    },
    get any() {
      return z.array(ConditionSchema).min(1).max(MAX_LIST_ITEMS, tooMany(MAX_LIST_ITEMS)).optional().describe('At least one listed condition holds.');
    },
    get not() {
      return ConditionSchema.optional().describe('The condition does not hold.');
    },
    attribute: AttributePredicateSchema.optional().describe('A span attribute predicate.'),
    resource: AttributePredicateSchema.optional().describe('A resource attribute predicate.'),
    name: StringPredicateSchema.optional().describe('The span name.'),
    event: EventPredicateSchema.optional().describe('Some event of the span has this name and, on that same event, this attribute.'),
    status: z.union([StatusName, z.array(StatusName).min(1)]).optional().describe('Span status code.'),
    kind: z.union([KindName, z.array(KindName).min(1)]).optional().describe('Span kind.'),
    tenant: z
      .strictObject({ in: z.array(z.string()).min(1).max(MAX_LIST_ITEMS, tooMany(MAX_LIST_ITEMS)).optional(), exists: z.boolean().optional() })
      .optional()
      .describe('The span\'s tenant is one of these / is known.'),
    contract: z
      .strictObject({ broad_use: z.boolean().optional(), eval: z.boolean().optional() })
      .optional()
      .describe('The tenant\'s data-use contract allows (true) or forbids (false) this use.'),
    detected: z
      .strictObject({ any: z.boolean().optional(), entities: z.array(EntityNameSchema).min(1).optional() })
      .optional()
      .describe('Detectors found something in the span (any), or one of these entities.'),
    signal: SignalPredicateSchema.optional().describe('A feedback signal is attached to the span or log record.'),
    signal_type: z
      .union([SignalTypeName, z.array(SignalTypeName).min(1)])
      .optional()
      .describe('The record is a span (traces) or a log record (logs). A condition that never names signal_type applies to spans only.'),
    event_name: StringPredicateSchema.optional().describe("The log record's event name (event_name, or the event.name attribute); never holds on a span."),
    severity: SeverityPredicateSchema.optional().describe("The log record's severity_number; never holds on a span, nor on a log record without one (0, unspecified)."),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), {
    message: 'a condition needs at least one test; write `always: true` to match every record',
  })
  .meta({ id: 'Condition', description: 'Tests on a span or log record; several keys must all hold.' }) as z.ZodType<Condition>;

// ---------------------------------------------------------------------------------------------------
// Tenants

export const ContractSchema = z.strictObject({
  broad_use: z.boolean().optional().describe('Signals may be used across customers (training, shared evals). Default false.'),
  eval: z.boolean().optional().describe('Signals may become evaluation cases. Default false.'),
  tenant_only: z.boolean().optional().describe('Signals may be kept in the tenant\'s own store. Default true.'),
  retention: z.string().min(1).optional().describe('Retention tag stamped on exported spans as loopgate.retention (e.g. 30d).'),
});

export const TenantsSchema = z.strictObject({
  resource_attribute: z
    .string()
    .min(1)
    .optional()
    .describe('Resource attribute naming the tenant when the request is not authenticated as one. Default tenant.id.'),
  missing: z
    .enum(['reject', 'allow'])
    .optional()
    .describe('Spans with no tenant: reject (refused as tenant_missing) or allow (processed tenant-less; tenant-only is then impossible). Default allow.'),
  contracts: z
    .record(z.string().min(1), ContractSchema)
    .refine((r) => Object.keys(r).length <= MAX_TENANT_CONTRACTS, { message: tooMany(MAX_TENANT_CONTRACTS) })
    .optional().describe('Data-use contract per tenant.'),
  default_contract: ContractSchema.optional().describe('Contract for tenants not listed (and tenant-less spans). Default: nothing but tenant-only.'),
});

// ---------------------------------------------------------------------------------------------------
// Sampling, caps, signals

export const KeepRuleSchema = z.strictObject({
  id: Id,
  description: z.string().optional(),
  when: ConditionSchema,
});

export const SamplingSchema = z.strictObject({
  rate: Probability.optional().describe('Fraction of traces kept, decided from the trace id so every span of a trace agrees. Default 1.'),
  keep_always: z.array(KeepRuleSchema).max(MAX_KEEP_RULES, tooMany(MAX_KEEP_RULES)).optional().describe('Spans matching any of these are kept whatever the rate.'),
});

const CapKeyPart = z
  .string()
  .regex(/^(tenant|class|rule|signal\.kind|signal\.reason|(attribute|resource):.+)$/, 'tenant, class, rule, signal.kind, signal.reason, attribute:<key> or resource:<key>');

export const CapSchema = z.strictObject({
  id: Id,
  description: z.string().optional(),
  class: z.array(z.enum(['broad-use', 'tenant-only', 'eval-only'])).min(1).optional().describe('Classes this cap counts. Default all.'),
  when: ConditionSchema.optional().describe('Only spans matching this are counted.'),
  key: z.array(CapKeyPart).describe('What the cap counts per: e.g. [tenant, class, signal.reason].'),
  limit: z.number().int().min(0).describe('At most this many spans per key per window.'),
  window: DurationSchema.describe('Fixed window length, aligned to the epoch (UTC).'),
});

export const SignalsSchema = z.strictObject({
  high_intent: z.array(z.enum(SIGNAL_KINDS)).optional().describe('Kinds treated as high intent. Default: user_edit, retry, regenerate, thumbs_down, suggestion_rejected.'),
  min_edit_size: z.number().int().min(0).optional().describe('A user_edit smaller than this many characters is low intent. Default 1.'),
  kind_attributes: z.array(z.string().min(1)).max(MAX_LIST_ITEMS, tooMany(MAX_LIST_ITEMS)).optional().describe('Extra attribute keys that name a signal kind.'),
  reason_attributes: z.array(z.string().min(1)).max(MAX_LIST_ITEMS, tooMany(MAX_LIST_ITEMS)).optional().describe('Extra attribute keys that hold a reason code.'),
  aliases: z
    .record(z.string().min(1), z.enum(SIGNAL_KINDS))
    .refine((r) => Object.keys(r).length <= MAX_SIGNAL_ALIASES, { message: tooMany(MAX_SIGNAL_ALIASES) })
    .optional()
    .describe('Extra values (lower case) mapped to a signal kind, e.g. "dislike": thumbs_down.'),
});

// ---------------------------------------------------------------------------------------------------
// Classification

export const RuleSchema = z.strictObject({
  id: Id.describe('Unique rule id: stamped on every span this rule decides (loopgate.rule).'),
  description: z.string().optional().describe('Why this rule exists, for reviewers.'),
  when: ConditionSchema,
  class: ClassSchema,
  sample: Probability.optional().describe('Overrides sampling.rate for spans this rule decides.'),
});

export const PolicySchema = z.strictObject({
  version: z.literal(1).describe('Policy language version.'),
  name: z.string().min(1).optional().describe('Human name of this policy.'),
  description: z.string().optional(),
  tenant: z
    .string()
    .min(1)
    .optional()
    .describe('Makes this file an override for one tenant, applied over the base policy of its folder.'),
  extends: z.string().min(1).optional().describe('Path of the base policy this override applies to (relative to this file).'),
  contract: ContractSchema.optional().describe('Tenant overrides only: this tenant\'s data-use contract.'),
  detectors: DetectorsSchema.optional(),
  scan: ScanSchema.optional(),
  actions: ActionsSchema.optional(),
  tenants: TenantsSchema.optional(),
  signals: SignalsSchema.optional(),
  sampling: SamplingSchema.optional(),
  caps: z.array(CapSchema).max(MAX_CAPS, tooMany(MAX_CAPS)).optional(),
  rules: z
    .array(RuleSchema)
    .max(MAX_RULES, tooMany(MAX_RULES))
    .optional()
    .describe('Classification rules in order; the first that matches decides. No match: discard. Tenant overrides may add rules that run before the base rules.'),
});

export type PolicyDocument = z.infer<typeof PolicySchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type CapSpec = z.infer<typeof CapSchema>;
export type ActionSpec = z.infer<typeof ActionSchema>;
export type ContractSpec = z.infer<typeof ContractSchema>;
export type CustomDetectorSpec = z.infer<typeof CustomDetectorSchema>;
export type AttributePredicate = z.infer<typeof AttributePredicateSchema>;
export type StringPredicate = z.infer<typeof StringPredicateSchema>;
export type EventPredicate = z.infer<typeof EventPredicateSchema>;
export type SignalPredicate = z.infer<typeof SignalPredicateSchema>;
