/**
 * Property-based fuzzing of the policy engine (issue #13, "what must exist"), seeded and bounded:
 *
 * - the invariant: random spans with validated PII and secrets planted in random places (every field
 *   of the OTLP span model a client can write text into, plain, inside JSON, inside truncated or too
 *   deeply nested JSON, behind JSON escapes, as UTF-8 bytes, as an integer), processed by the
 *   redact-all policy: no planted value appears verbatim in any output, read raw or with its escapes
 *   decoded;
 * - valid JSON stays valid JSON, with the same structure;
 * - no throw escapes `process`, whatever the spans, under every shipped policy, and every span is
 *   accounted for (exported, discarded with a reason, or rejected);
 * - the same for log records (issue #8): values planted in the body (string, kvlist, array, the GenAI
 *   message parts and tool-call arguments), the structured message attributes, the event name and
 *   severity text, resource and scope never come out verbatim, and a structured body keeps its shape.
 *
 * Planted values are the corpus's own labelled values that the scanner finds on their own between
 * spaces ("validated"), so the test asks where a value is, never whether a detector knows its format.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PII_DEV_CORPUS, PII_STRESS_CORPUS, REPO_ROOT } from '../../test/support/fixture-paths.js';
import { fuzzParams, logsData, tracesData } from '../../test/support/otlp-arbitraries.js';
import { encodeTracesJson } from '../otlp/encode-json.js';
import { encodeLogsJson } from '../otlp/encode-logs-json.js';
import { newLogRecord, type LogRecord, type LogsData } from '../otlp/logs-model.js';
import type { AnyValue, KeyValue, Span, TracesData } from '../otlp/model.js';
import { builtinDetectors, createScanner } from './detect/index.js';
import { decodeJsonEscapes } from './detect/find.js';
import { parseCorpus } from './detect/corpus-eval.js';
import { loadPolicy } from './load.js';
import { DEFAULT_SKIP_KEYS } from './skip-keys.js';
import type { CompiledPolicy, ProcessResult } from './types.js';

function policy(path: string): CompiledPolicy {
  const r = loadPolicy(join(REPO_ROOT, path), { env: { LOOPGATE_HASH_KEY: 'fuzz-key' } });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.policy;
}
const redactAll = policy('policies/examples/redact-all.yaml');

// ---- planted values: labelled corpus values the scanner finds on their own ----

const CONTEXT_FREE = new Set([
  'EMAIL_ADDRESS', 'CREDIT_CARD', 'IBAN_CODE', 'IP_ADDRESS', 'PHONE_NUMBER', 'AWS_ACCESS_KEY', 'GITHUB_TOKEN', 'SLACK_TOKEN',
  'STRIPE_KEY', 'OPENAI_KEY', 'ANTHROPIC_KEY', 'GCP_API_KEY', 'JWT',
]);
const scanner = createScanner(builtinDetectors('all'));
const covered = (text: string, value: string): boolean => {
  const at = text.indexOf(value);
  return scanner.scan(text).some((f) => f.start <= at && f.end >= at + value.length);
};
const PLANTED: string[] = (() => {
  const values = new Set<string>();
  for (const file of [PII_DEV_CORPUS, PII_STRESS_CORPUS]) {
    for (const c of parseCorpus(readFileSync(file, 'utf8'))) {
      for (const p of c.pii) {
        // national phone numbers are told from order numbers by the words around them: only
        // international ones (+CC …) are phone numbers whatever surrounds them
        if (p.entity === 'PHONE_NUMBER' && !p.value.startsWith('+')) continue;
        if (CONTEXT_FREE.has(p.entity) && p.value.length >= 6) values.add(p.value);
      }
    }
  }
  return [...values].filter((v) => covered(` ${v} `, v) && covered(`(${v}).`, v) && covered(`"${v}"`, v)).slice(0, 400);
})();
const CARDS = PLANTED.filter((v) => /^[0-9]{12,18}$/.test(v));

// ---- text around them ----

const WORDS = ['hello', 'the', 'user', 'asked', 'about', 'order', 'status', 'café', 'naïve', '日本', 'résumé', 'please', 'send', 'to', 'and', 'with'];
const filler = fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((w) => w.join(' '));
const delimiter = fc.constantFrom(' ', '\n', ', ', ' (', ') ', '; ', '\t', ' "', '" ');
/** A value planted in prose: `<filler><delim><value><delim><filler>`. */
const prose = (value: string): fc.Arbitrary<string> => fc.tuple(filler, delimiter, delimiter, filler).map(([a, d1, d2, b]) => `${a}${d1}${value}${d2}${b}`);

/** JSON-escapes some characters of `s` as \uXXXX (what a JSON encoder may do to '@', '+', '-'…). */
const escapedSome = (s: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) =>
    [...s].map((ch, i) => (flags[i] && ch.charCodeAt(0) < 0x7f && /[^A-Za-z0-9 ]/.test(ch) ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch)).join(''),
  );

/** Strings that hold a planted value somewhere: plain, in JSON, in broken JSON, behind escapes. */
function carrier(value: string): fc.Arbitrary<string> {
  return fc.oneof(
    prose(value),
    fc.constant(value),
    prose(value).map((p) => JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: p }] }])),
    prose(value).map((p) => JSON.stringify({ q: p }).slice(0, -2)), // truncated document
    prose(value).map((p) => {
      // JSON nested in JSON strings deeper than json_max_depth (4)
      let doc: string = JSON.stringify({ m: p });
      for (let i = 0; i < 6; i++) doc = JSON.stringify({ inner: doc });
      return doc;
    }),
    fc.tuple(prose(value), escapedSome(value)).map(([p, e]) => `{"q":"${p.replace(value, e).replace(/"/g, '\\"')}`), // escaped, not well-formed
  );
}

// ---- spans with a planted value in one place ----

type Place = (value: string) => fc.Arbitrary<(s: Span, data: TracesData) => void>;
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });
const str = (value: string): AnyValue => ({ kind: 'string', value });
// tenant.id names the tenant: a span naming another one is refused, which this test does not exercise
const skipKey = fc.constantFrom(...DEFAULT_SKIP_KEYS.filter((k) => !k.includes('*') && k !== 'tenant.id'));

/** Every place of the model a client can write text into (and an integer for card numbers). */
const PLACES: Record<string, Place> = {
  'span.name': (v) => carrier(v).map((t) => (s) => void (s.name = t)),
  'span.status.message': (v) => carrier(v).map((t) => (s) => void (s.status = { ...s.status, message: t })),
  'span.trace_state': (v) => prose(v).map((t) => (s) => void (s.traceState = `ot=th:0,lg=${t}`)),
  'span attribute value': (v) => carrier(v).map((t) => (s) => void s.attributes.push(kv('prompt', str(t)))),
  'span attribute key': (v) => prose(v).map((t) => (s) => void s.attributes.push(kv(t, str('x')))),
  'skip-listed key, value with content': (v) => fc.tuple(skipKey, prose(v)).map(([k, t]) => (s) => void s.attributes.push(kv(k, str(t)))),
  'bytes value': (v) => prose(v).map((t) => (s) => void s.attributes.push(kv('blob', { kind: 'bytes', value: new TextEncoder().encode(t) }))),
  'array element': (v) => carrier(v).map((t) => (s) => void s.attributes.push(kv('list', { kind: 'array', values: [str('a'), str(t)] }))),
  'kvlist key': (v) => prose(v).map((t) => (s) => void s.attributes.push(kv('map', { kind: 'kvlist', values: [kv(t, str('v'))] }))),
  'kvlist value, nested': (v) => carrier(v).map((t) => (s) => void s.attributes.push(kv('map', { kind: 'kvlist', values: [kv('k', { kind: 'array', values: [{ kind: 'kvlist', values: [kv('deep', str(t))] }] })] }))),
  'event name': (v) => prose(v).map((t) => (s) => void s.events.push({ timeUnixNano: 1n, name: t, attributes: [], droppedAttributesCount: 0 })),
  'event attribute': (v) => carrier(v).map((t) => (s) => void s.events.push({ timeUnixNano: 1n, name: 'e', attributes: [kv('message', str(t))], droppedAttributesCount: 0 })),
  'link trace_state': (v) => prose(v).map((t) => (s) => void s.links.push({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203332', traceState: t, attributes: [], droppedAttributesCount: 0, flags: 0 })),
  'link attribute': (v) => carrier(v).map((t) => (s) => void s.links.push({ traceId: '', spanId: '', traceState: '', attributes: [kv('why', str(t))], droppedAttributesCount: 0, flags: 0 })),
  'loopgate.* attribute': (v) => prose(v).map((t) => (s) => void s.attributes.push(kv('loopgate.note', str(t)))),
  'resource attribute': (v) => carrier(v).map((t) => (_s, d) => void d.resourceSpans[0]!.resource.attributes.push(kv('host.owner', str(t)))),
  'resource attribute key': (v) => prose(v).map((t) => (_s, d) => void d.resourceSpans[0]!.resource.attributes.push(kv(t, str('x')))),
  'resource loopgate.*': (v) => prose(v).map((t) => (_s, d) => void d.resourceSpans[0]!.resource.attributes.push(kv('loopgate.class', str(t)))),
  'scope name': (v) => prose(v).map((t) => (_s, d) => void (d.resourceSpans[0]!.scopeSpans[0]!.scope.name = t)),
  'scope version': (v) => prose(v).map((t) => (_s, d) => void (d.resourceSpans[0]!.scopeSpans[0]!.scope.version = t)),
  'scope attribute': (v) => carrier(v).map((t) => (_s, d) => void d.resourceSpans[0]!.scopeSpans[0]!.scope.attributes.push(kv('lib.note', str(t)))),
  'resource schema_url': (v) => prose(v).map((t) => (_s, d) => void (d.resourceSpans[0]!.schemaUrl = t)),
  'scope schema_url': (v) => prose(v).map((t) => (_s, d) => void (d.resourceSpans[0]!.scopeSpans[0]!.schemaUrl = t)),
};

function baseRequest(spans: number): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', str('chatbot'))], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'lib', version: '1.0', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: (i + 1).toString(16).padStart(16, '0'),
              traceState: '',
              parentSpanId: '',
              flags: 0,
              name: 'chat',
              kind: 3,
              startTimeUnixNano: 1n,
              endTimeUnixNano: 2n,
              attributes: [],
              droppedAttributesCount: 0,
              events: [],
              droppedEventsCount: 0,
              links: [],
              droppedLinksCount: 0,
              status: { message: '', code: 0 },
            })),
          },
        ],
      },
    ],
  };
}

/**
 * A request of 1–3 records (spans or log records), each value planted in a random place of a random
 * record, and sometimes a card number as an int attribute of the first.
 */
function plantedRequests<Data, Item extends { attributes: KeyValue[] }>(
  places: Record<string, (value: string) => fc.Arbitrary<(item: Item, data: Data) => void>>,
  base: (records: number) => Data,
  items: (data: Data) => Item[],
): fc.Arbitrary<{ data: Data; values: string[]; places: string[] }> {
  return fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.tuple(fc.constantFrom(...PLANTED), fc.constantFrom(...Object.keys(places)), fc.nat()), { minLength: 1, maxLength: 6 }))
    .chain(([records, picks]) =>
      fc.tuple(fc.constant(records), fc.constant(picks.map(([v]) => v)), fc.tuple(...picks.map(([v, place, at]) => places[place]!(v).map((apply) => ({ apply, at: at % records, place })))), fc.option(fc.constantFrom(...CARDS))),
    )
    .map(([records, values, edits, card]) => {
      const data = base(records);
      const list = items(data);
      for (const e of edits) e.apply(list[e.at]!, data);
      const all = [...values];
      if (card !== null) {
        list[0]!.attributes.push(kv('card.number', { kind: 'int', value: BigInt(card) }));
        all.push(card);
      }
      return { data, values: all, places: edits.map((e) => e.place) };
    });
}

const planted = plantedRequests(PLACES, baseRequest, (data) => data.resourceSpans[0]!.scopeSpans[0]!.spans);

/** Collects every string it is given, as written and with its escapes decoded; bytes as UTF-8, ints as digits. */
function textCollector(): { out: string[]; add: (s: string) => void; value: (v: AnyValue) => void; kvs: (list: readonly KeyValue[]) => void } {
  const out: string[] = [];
  const add = (s: string): void => {
    out.push(s, decodeJsonEscapes(s).text);
  };
  const value = (v: AnyValue): void => {
    if (v.kind === 'string') add(v.value);
    else if (v.kind === 'bytes') add(new TextDecoder().decode(v.value));
    else if (v.kind === 'int') out.push(v.value.toString());
    else if (v.kind === 'double') out.push(String(v.value));
    else if (v.kind === 'array') v.values.forEach(value);
    else if (v.kind === 'kvlist') kvs(v.values);
  };
  const kvs = (list: readonly KeyValue[]): void => {
    for (const a of list) {
      add(a.key);
      value(a.value);
    }
  };
  return { out, add, value, kvs };
}

/** Every string of a traces output, through textCollector. */
function outputTexts(result: ProcessResult): string[] {
  const { out, add, kvs } = textCollector();
  for (const o of result.outputs) {
    if (o.signal !== 'traces') throw new Error(`a traces request gave a ${o.signal} output`);
    add(encodeTracesJson(o.data));
    for (const rs of o.data.resourceSpans) {
      add(rs.schemaUrl);
      kvs(rs.resource.attributes);
      for (const ss of rs.scopeSpans) {
        add(ss.schemaUrl);
        add(ss.scope.name);
        add(ss.scope.version);
        kvs(ss.scope.attributes);
        for (const s of ss.spans) {
          add(s.name);
          add(s.status.message);
          add(s.traceState);
          kvs(s.attributes);
          for (const e of s.events) {
            add(e.name);
            kvs(e.attributes);
          }
          for (const l of s.links) {
            add(l.traceState);
            kvs(l.attributes);
          }
        }
      }
    }
  }
  return out;
}

describe('engine fuzz: the invariant', () => {
  it(`has validated values to plant (${PLANTED.length}), card numbers among them`, () => {
    expect(PLANTED.length).toBeGreaterThan(100);
    expect(CARDS.length).toBeGreaterThan(5);
  });

  it('no planted value appears verbatim in any output, wherever it was planted', () => {
    fc.assert(
      fc.property(planted, ({ data, values, places }) => {
        const result = redactAll.process(data, {});
        const spans = data.resourceSpans[0]!.scopeSpans[0]!.spans.length;
        // every span exported: a discard would hide a leak instead of testing it
        expect(result.outputs.reduce((n, o) => n + o.count, 0), JSON.stringify({ discarded: result.discarded, rejected: result.rejected, places })).toBe(spans);
        const texts = outputTexts(result);
        for (const v of values) {
          const leak = texts.find((t) => t.includes(v));
          if (leak !== undefined) {
            const at = leak.indexOf(v);
            expect.fail(`${JSON.stringify(v)} (planted in ${places.join(', ')}) survives: …${JSON.stringify(leak.slice(Math.max(0, at - 120), at + v.length + 60))}…`);
          }
        }
      }),
      fuzzParams(1000),
    );
  });
});

/** The structure of a JSON text, duplicate keys kept: containers as lists of their members' shapes. */
function shapeOf(text: string): unknown {
  let i = 0;
  const blank = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const stringEnd = (from: number): number => {
    let j = from + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  const value = (): unknown => {
    blank();
    const c = text[i];
    if (c === '[' || c === '{') {
      const members: unknown[] = [];
      i++;
      blank();
      if (text[i] === (c === '[' ? ']' : '}')) {
        i++;
        return { [c]: members };
      }
      for (;;) {
        if (c === '{') {
          blank();
          i = stringEnd(i);
          blank();
          i++; // ':'
        }
        members.push(value());
        blank();
        if (text[i++] !== ',') return { [c]: members };
      }
    }
    const start = i;
    if (c === '"') i = stringEnd(i);
    else while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
    return typeof JSON.parse(text.slice(start, i));
  };
  return value();
}

describe('engine fuzz: JSON stays JSON', () => {
  const jsonWithPlanted = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(...PLANTED).chain((v) => prose(v)),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PLANTED)), tie('node'), { maxKeys: 4 }),
    ),
  })).node;

  it('a JSON-valued attribute comes out as JSON of the same shape, with the planted values gone', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(jsonWithPlanted, { minLength: 1, maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), jsonWithPlanted, { minKeys: 1, maxKeys: 4 })), fc.boolean(), (doc, pretty) => {
        const text = JSON.stringify(doc, null, pretty ? 2 : undefined);
        const data = baseRequest(1);
        data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.push(kv('gen_ai.input.messages', str(text)));
        const result = redactAll.process(data, {});
        const first = result.outputs[0]!;
        if (first.signal !== 'traces') throw new Error('a traces output expected');
        const out = first.data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.find((a) => a.key === 'gen_ai.input.messages')!.value;
        expect(out.kind).toBe('string');
        const written = (out as { value: string }).value;
        JSON.parse(written); // well-formed
        // same structure, member for member (redacted keys may coincide, so JSON.parse would merge them)
        expect(shapeOf(written)).toEqual(shapeOf(text));
        for (const v of PLANTED) if (text.includes(v)) expect((out as { value: string }).value).not.toContain(v);
      }),
      fuzzParams(400),
    );
  });
});

describe('engine fuzz: no throw escapes process()', () => {
  const policies = ['policies/default.yaml', 'policies/examples/redact-all.yaml', 'policies/examples/tenant-isolated.yaml', 'policies/examples/eval-capture.yaml', 'policies/examples/per-tenant'].map(policy);
  it('any spans, every shipped policy: no exception, every span accounted for', () => {
    fc.assert(
      fc.property(tracesData, fc.constantFrom(...policies), fc.option(fc.constantFrom('acme', 'globex', 'initech')), (data, p, tenant) => {
        const result = p.process(data, tenant === null ? {} : { authTenant: tenant });
        const exported = result.outputs.reduce((n, o) => n + o.count, 0);
        const discarded = Object.values(result.discarded).reduce((n, c) => n + (c ?? 0), 0);
        expect(exported + discarded + result.rejected.count).toBe(result.received);
      }),
      fuzzParams(400),
    );
  });
});

// ---- log records (issue #8: the policy applies to log records as to spans) ----

type LogPlace = (value: string) => fc.Arbitrary<(r: LogRecord, data: LogsData) => void>;
const kvlist = (...values: KeyValue[]): AnyValue => ({ kind: 'kvlist', values });
const arrayOf = (...values: AnyValue[]): AnyValue => ({ kind: 'array', values });

function choiceBody(args: string): AnyValue {
  const call = kvlist(kv('id', str('call_1')), kv('function', kvlist(kv('name', str('lookup')), kv('arguments', str(args)))));
  return kvlist(kv('index', { kind: 'int', value: 0n }), kv('message', kvlist(kv('tool_calls', arrayOf(call)))));
}

/** Structured GenAI messages (semantic conventions' input/output messages): one message, one part. */
function messages(member: string, text: string): AnyValue {
  const part = kvlist(kv('type', str('text')), kv(member, str(text)));
  return arrayOf(kvlist(kv('role', str('user')), kv('parts', arrayOf(part))));
}

/** Every place of the log record model a client can write text into, GenAI message structures included. */
const LOG_PLACES: Record<string, LogPlace> = {
  'body string': (v) => carrier(v).map((t) => (r) => void (r.body = str(t))),
  'body kvlist content': (v) => carrier(v).map((t) => (r) => void (r.body = kvlist(kv('role', str('user')), kv('content', str(t))))),
  'body kvlist key': (v) => prose(v).map((t) => (r) => void (r.body = kvlist(kv(t, str('x'))))),
  'body array element': (v) => carrier(v).map((t) => (r) => void (r.body = arrayOf(str('a'), str(t)))),
  'body bytes': (v) => prose(v).map((t) => (r) => void (r.body = { kind: 'bytes', value: new TextEncoder().encode(t) })),
  // gen_ai.choice (legacy Python, JS): {message: {tool_calls: [{function: {arguments: "<JSON>"}}]}}
  'body tool_call arguments': (v) => carrier(v).map((t) => (r) => void (r.body = choiceBody(t))),
  // gen_ai.client.inference.operation.details: gen_ai.input.messages as structured parts
  'structured message part': (v) =>
    fc
      .tuple(fc.constantFrom('gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions'), fc.constantFrom('content', 'arguments', 'response', 'result'), carrier(v))
      .map(([key, member, t]) => (r) => void r.attributes.push(kv(key, messages(member, t)))),
  'message attribute as JSON string': (v) => prose(v).map((t) => (r) => void r.attributes.push(kv('gen_ai.input.messages', str(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: t }] }]))))),
  'attribute value': (v) => carrier(v).map((t) => (r) => void r.attributes.push(kv('prompt', str(t)))),
  'attribute key': (v) => prose(v).map((t) => (r) => void r.attributes.push(kv(t, str('x')))),
  'loopgate.* attribute': (v) => prose(v).map((t) => (r) => void r.attributes.push(kv('loopgate.rule', str(t)))),
  'event name': (v) => prose(v).map((t) => (r) => void (r.eventName = t)),
  'event.name attribute': (v) => prose(v).map((t) => (r) => void r.attributes.push(kv('event.name', str(t)))),
  'severity text': (v) => prose(v).map((t) => (r) => void (r.severityText = t)),
  'resource attribute': (v) => carrier(v).map((t) => (_r, d) => void d.resourceLogs[0]!.resource.attributes.push(kv('host.owner', str(t)))),
  'scope name': (v) => prose(v).map((t) => (_r, d) => void (d.resourceLogs[0]!.scopeLogs[0]!.scope.name = t)),
  'scope version': (v) => prose(v).map((t) => (_r, d) => void (d.resourceLogs[0]!.scopeLogs[0]!.scope.version = t)),
  'scope attribute': (v) => carrier(v).map((t) => (_r, d) => void d.resourceLogs[0]!.scopeLogs[0]!.scope.attributes.push(kv('lib.note', str(t)))),
  'resource schema_url': (v) => prose(v).map((t) => (_r, d) => void (d.resourceLogs[0]!.schemaUrl = t)),
  'scope schema_url': (v) => prose(v).map((t) => (_r, d) => void (d.resourceLogs[0]!.scopeLogs[0]!.schemaUrl = t)),
};

function baseLogs(records: number): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', str('chatbot'))], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 'lib', version: '1.0', attributes: [], droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: Array.from({ length: records }, (_, i) =>
              newLogRecord({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: (i + 1).toString(16).padStart(16, '0'), eventName: 'gen_ai.user.message', observedTimeUnixNano: 1n }),
            ),
          },
        ],
      },
    ],
  };
}

const plantedLogs = plantedRequests(LOG_PLACES, baseLogs, (data) => data.resourceLogs[0]!.scopeLogs[0]!.logRecords);

/** Every string of a logs output, as written and with its escapes decoded (as outputTexts for spans). */
function logOutputTexts(result: ProcessResult): string[] {
  const { out, add, value, kvs } = textCollector();
  for (const o of result.outputs) {
    if (o.signal !== 'logs') throw new Error(`a logs request gave a ${o.signal} output`);
    add(encodeLogsJson(o.data));
    for (const rl of o.data.resourceLogs) {
      add(rl.schemaUrl);
      kvs(rl.resource.attributes);
      for (const sl of rl.scopeLogs) {
        add(sl.schemaUrl);
        add(sl.scope.name);
        add(sl.scope.version);
        kvs(sl.scope.attributes);
        for (const r of sl.logRecords) {
          add(r.eventName);
          add(r.severityText);
          value(r.body);
          kvs(r.attributes);
        }
      }
    }
  }
  return out;
}

/** The shape of an AnyValue: kinds and keys' count, not its text. */
function anyShape(v: AnyValue): unknown {
  if (v.kind === 'array') return { array: v.values.map(anyShape) };
  if (v.kind === 'kvlist') return { kvlist: v.values.map((m) => anyShape(m.value)) };
  return v.kind;
}

describe('engine fuzz: log records', () => {
  it('no planted value appears verbatim in any output, wherever in a log record it was planted', () => {
    fc.assert(
      fc.property(plantedLogs, ({ data, values, places }) => {
        const result = redactAll.processSignal({ signal: 'logs', data }, {});
        const records = data.resourceLogs[0]!.scopeLogs[0]!.logRecords.length;
        expect(result.outputs.reduce((n, o) => n + o.count, 0), JSON.stringify({ discarded: result.discarded, rejected: result.rejected, places })).toBe(records);
        const texts = logOutputTexts(result);
        for (const v of values) {
          const leak = texts.find((t) => t.includes(v));
          if (leak !== undefined) {
            const at = leak.indexOf(v);
            expect.fail(`${JSON.stringify(v)} (planted in ${places.join(', ')}) survives: …${JSON.stringify(leak.slice(Math.max(0, at - 120), at + v.length + 60))}…`);
          }
        }
      }),
      fuzzParams(1000),
    );
  });

  it('a structured body keeps its shape after redaction: kvlists stay kvlists, arrays arrays, strings strings', () => {
    fc.assert(
      fc.property(plantedLogs, ({ data }) => {
        const before = data.resourceLogs[0]!.scopeLogs[0]!.logRecords.map((r) => anyShape(r.body));
        const result = redactAll.processSignal({ signal: 'logs', data }, {});
        const o = result.outputs[0]!;
        if (o.signal !== 'logs') throw new Error('a logs output expected');
        expect(o.data.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => anyShape(r.body))))).toEqual(before);
      }),
      fuzzParams(300),
    );
  });

  it('any log records, every shipped policy: no exception, every record accounted for', () => {
    const policies = ['policies/default.yaml', 'policies/examples/redact-all.yaml', 'policies/examples/tenant-isolated.yaml', 'policies/examples/eval-capture.yaml', 'policies/examples/per-tenant'].map(policy);
    fc.assert(
      fc.property(logsData, fc.constantFrom(...policies), fc.option(fc.constantFrom('acme', 'globex', 'initech')), (data, p, tenant) => {
        const result = p.processSignal({ signal: 'logs', data }, tenant === null ? {} : { authTenant: tenant });
        const exported = result.outputs.reduce((n, o) => n + o.count, 0);
        const discarded = Object.values(result.discarded).reduce((n, c) => n + (c ?? 0), 0);
        expect(exported + discarded + result.rejected.count).toBe(result.received);
      }),
      fuzzParams(400),
    );
  });
});
