import { describe, expect, it } from 'vitest';
import { builtinDetectors, compileCustomDetector, createScanner } from './detect/index.js';
import { looksLikeJson, MAX_JSON_NESTING, redactJsonText, type LeafRedactor } from './json-walk.js';
import { RedactionAccount, TextRedactor } from './redact.js';

const EMAIL = /[\w.]+@[\w.]+/;
const EMAILS = /[\w.]+@[\w.]+/g;

/** A leaf redactor for e-mail-like words that also counts how many strings it was asked about. */
function emailLeaf() {
  const calls = { redact: 0 };
  const leaf: LeafRedactor = {
    redact(text, acc, field, jsonPath) {
      calls.redact++;
      if (!EMAIL.test(text)) return text;
      acc.note({ entity: 'EMAIL_ADDRESS', start: 0, end: 1, detector: 'test' }, { kind: 'replace' }, jsonPath === undefined ? { field } : { field, jsonPath }, '<EMAIL_ADDRESS>');
      return text.replace(EMAILS, '<EMAIL_ADDRESS>');
    },
  };
  return { leaf, calls };
}

const hot = () => new RedactionAccount(false);
const explain = () => new RedactionAccount(true);

describe('redactJsonText', () => {
  it('keeps the original string (same object) when nothing is found', () => {
    const text = '{ "a" : [1, 2.50, "x", true, null, -0.5e+3],  "b": null, "c": {} }';
    const { leaf, calls } = emailLeaf();
    expect(redactJsonText(text, leaf, hot(), 'f', 4)).toBe(text);
    expect(calls.redact).toBe(4); // "a", "x", "b", "c": each string scanned once
  });

  it('replaces only the strings that changed, keeping every other byte (formatting, numbers, escapes)', () => {
    const text = '{ "n" : 1.50, "s": "caf\\u00e9 \\/ ok",\n  "m": "mail\\na@b.example" }';
    expect(redactJsonText(text, emailLeaf().leaf, hot(), 'f', 4)).toBe('{ "n" : 1.50, "s": "caf\\u00e9 \\/ ok",\n  "m": "mail\\n<EMAIL_ADDRESS>" }');
  });

  it('redacts every member of an object with repeated keys, not only the one a parser would keep', () => {
    const out = redactJsonText('{"a":"x@y.example","a":"z@w.example"}', emailLeaf().leaf, hot(), 'f', 4);
    expect(out).toBe('{"a":"<EMAIL_ADDRESS>","a":"<EMAIL_ADDRESS>"}');
  });

  it('redacts string leaves and returns valid JSON of the same shape', () => {
    const text = '[{"role":"user","parts":[{"type":"text","content":"mail a@b.example now"}]}]';
    const out = redactJsonText(text, emailLeaf().leaf, hot(), 'f', 4)!;
    expect(JSON.parse(out)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'mail <EMAIL_ADDRESS> now' }] }]);
  });

  it('opens JSON inside JSON strings (tool-call arguments) and keeps both levels valid', () => {
    const args = JSON.stringify({ email: 'jane@x.example', n: 1 });
    const text = JSON.stringify({ tool_calls: [{ function: { name: 'lookup', arguments: args } }] });
    const acc = explain();
    const out = redactJsonText(text, emailLeaf().leaf, acc, 'span.attributes["output.value"]', 4)!;
    const inner = JSON.parse(JSON.parse(out).tool_calls[0].function.arguments);
    expect(inner).toEqual({ email: '<EMAIL_ADDRESS>', n: 1 });
    expect(acc.records!.map((r) => r.location)).toEqual([{ field: 'span.attributes["output.value"]', jsonPath: '$.tool_calls[0].function.arguments.email' }]);
  });

  it('names each finding by its JSON path, counting array positions of every kind of value', () => {
    const acc = explain();
    redactJsonText('[1, {"a": "x@y.example"}, "z@w.example", [true, null, "q@r.example"], {"odd key": ["s@t.example"]}]', emailLeaf().leaf, acc, 'f', 4);
    expect(acc.records!.map((r) => r.location.jsonPath)).toEqual(['$[1].a', '$[2]', '$[3][2]', '$[4]["odd key"][0]']);
  });

  it('builds no JSON paths when no records are collected', () => {
    const seen: (string | undefined)[] = [];
    const { leaf } = emailLeaf();
    const spy: LeafRedactor = { redact: (t, a, f, p) => (seen.push(p), leaf.redact(t, a, f, p)) };
    redactJsonText('{"a":{"b":["x@y.example"]}}', spy, hot(), '', 4);
    expect(seen.every((p) => p === undefined)).toBe(true);
  });

  it('stops opening nested JSON at the depth bound and scans the rest as text', () => {
    let text = JSON.stringify({ v: 'a@b.example' });
    for (let i = 0; i < 10; i++) text = JSON.stringify({ v: text });
    const out = redactJsonText(text, emailLeaf().leaf, hot(), 'f', 3)!;
    expect(out).not.toContain('a@b.example');
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('redacts object keys too, keeping their order; paths name the placeholder, never the key found', () => {
    const acc = explain();
    const out = redactJsonText('{"x":1,"a@b.example":{"note":"c@d.example"},"z":3}', emailLeaf().leaf, acc, 'f', 4)!;
    expect(Object.keys(JSON.parse(out))).toEqual(['x', '<EMAIL_ADDRESS>', 'z']);
    const paths = acc.records!.map((r) => r.location.jsonPath);
    expect(paths).toEqual(['$["<EMAIL_ADDRESS>"](key)', '$["<EMAIL_ADDRESS>"].note']);
    expect(JSON.stringify(acc.records)).not.toContain('example');
  });

  it('walks deep documents, and refuses (throws) past the nesting bound instead of forwarding them unscanned', () => {
    const deep = (n: number, leafText: string) => `${'['.repeat(n)}"${leafText}"${']'.repeat(n)}`;
    expect(redactJsonText(deep(MAX_JSON_NESTING - 1, 'a@b.example'), emailLeaf().leaf, hot(), 'f', 4)).toContain('<EMAIL_ADDRESS>');
    expect(() => redactJsonText(deep(5000, 'a@b.example'), emailLeaf().leaf, hot(), 'f', 4)).toThrow(RangeError);
    // The pre-check never vouches for what the walk would refuse, even when no string holds anything.
    expect(() => redactJsonText(deep(5000, 'clean'), emailLeaf().leaf, hot(), 'f', 4)).toThrow(RangeError);
  });

  it('counts nothing for a text that only looked like JSON (its strings were scanned before it proved broken)', () => {
    const acc = hot();
    expect(redactJsonText('{"to": "a@b.example", "cc": "c@d.example" oops}', emailLeaf().leaf, acc, 'f', 4)).toBeUndefined();
    expect(acc.count).toBe(0);
    expect(acc.entities).toBeUndefined();
    const records = explain();
    expect(redactJsonText('[{"k": "a@b.example"}, {"k": "c@d.example"', emailLeaf().leaf, records, 'f', 4)).toBeUndefined();
    expect(records.records).toEqual([]);
    // a well-formed document inside one that proves broken is not counted either
    expect(redactJsonText('{"args": "{\\"to\\": \\"a@b.example\\"}", oops}', emailLeaf().leaf, acc, 'f', 4)).toBeUndefined();
    expect(acc.count).toBe(0);
  });

  it('returns undefined for text that is not a JSON object or array', () => {
    expect(redactJsonText('{not json}', emailLeaf().leaf, hot(), 'f', 4)).toBeUndefined();
    expect(redactJsonText('{ a@b.example }', emailLeaf().leaf, hot(), 'f', 4)).toBeUndefined();
    expect(looksLikeJson('  {"a":1}\n')).toBe(true);
    expect(looksLikeJson('hello {')).toBe(false);
  });
});

describe('the tokenizer accepts exactly the documents JSON.parse accepts', () => {
  const { leaf } = emailLeaf();
  it.each([
    '{}',
    '[]',
    ' [1, -2, 3.5e10, 0, true, false, null, "x", {"k": []}, "\\ud800"] ',
    '["x"',
    '["x",]',
    '[01]',
    '[1.]',
    '[-]',
    '[1e]',
    '["tab\there"]',
    '["\\x"]',
    '["\\u12"]',
    '{"a" 1}',
    '{"a":1}}',
    '{"a":1,}',
    '{,}',
    '[tru]',
    '[1 2]',
    '\ufeff[]',
    '"just a string"',
    '42',
  ])('%s', (text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const isDocument = parsed !== null && typeof parsed === 'object';
    expect(redactJsonText(text, leaf, hot(), 'f', 4) !== undefined).toBe(isDocument);
  });
});

describe('what gets scanned is each decoded string, never the raw text', () => {
  it('finds what a raw-text scan would miss: anchored patterns', () => {
    const custom = compileCustomDetector({ id: 'employee-id', entity: 'EMPLOYEE_ID', pattern: '^[0-9]{6}$' });
    if (!custom.ok) throw new Error(custom.error);
    const text = new TextRedactor(createScanner([custom.detector, ...builtinDetectors(['EMAIL_ADDRESS'])]), { actionFor: () => ({ kind: 'replace' }) });
    for (const [doc, expected] of [
      ['{"id":"123456"}', { id: '<EMPLOYEE_ID>' }],
    ] as const) {
      expect(text.finds(doc), doc).toBe(false); // the raw text, scanned whole, shows nothing
      expect(JSON.parse(redactJsonText(doc, text, hot(), 'f', 4)!)).toEqual(expected);
    }
  });

  it('decodes escapes in the document and in raw text alike (#13.5)', () => {
    const text = new TextRedactor(createScanner(builtinDetectors(['EMAIL_ADDRESS'])), { actionFor: () => ({ kind: 'replace' }) });
    const doc = '["write to jane\\u0040example.com"]';
    expect(JSON.parse(redactJsonText(doc, text, hot(), 'f', 4)!)).toEqual(['write to <EMAIL_ADDRESS>']);
    // the same document cut short is no JSON: scanned as text, its escape still read as '@'
    expect(text.redact(doc.slice(0, -3), hot(), 'f', undefined)).toBe('["write to <EMAIL_ADDRESS>');
  });

  it('gives the same values as redacting the parsed document string by string (built-in detectors)', () => {
    const text = redactorFor('all');
    const mapStrings = (v: unknown): unknown =>
      typeof v === 'string'
        ? text.redact(v, hot(), '', undefined)
        : Array.isArray(v)
          ? v.map(mapStrings)
          : v !== null && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [text.redact(k, hot(), '', undefined), mapStrings(x)]))
            : v;
    const values = ['plain words', 'mail jane.doe@example.com', 'call +1 415 555 0134', 'card 4111 1111 1111 1111', 'ip 10.0.0.7', 'key AKIAIOSFODNN7EXAMPLE', 'é ü 日本 "quoted"\n'];
    for (const v of values) {
      for (const doc of [JSON.stringify([v, 1.5, null]), JSON.stringify({ [v]: 1 }), JSON.stringify({ a: { b: v } }, null, 2)]) {
        const out = redactJsonText(doc, text, hot(), 'f', 4)!;
        expect(JSON.parse(out), doc).toEqual(mapStrings(JSON.parse(doc)));
        if (out === doc) expect(text.redact(v, hot(), '', undefined)).toBe(v);
      }
    }
  });
});

function redactorFor(builtin: 'all' | string[]): TextRedactor {
  return new TextRedactor(createScanner(builtinDetectors(builtin)), { actionFor: () => ({ kind: 'replace' }) });
}
