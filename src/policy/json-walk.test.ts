import { describe, expect, it } from 'vitest';
import { builtinDetectors, compileCustomDetector, createScanner } from './detect/index.js';
import { jsonIsClean, looksLikeJson, MAX_JSON_NESTING, redactJsonText, type LeafRedactor } from './json-walk.js';
import { RedactionAccount, TextRedactor } from './redact.js';

const EMAIL = /[\w.]+@[\w.]+/;
const EMAILS = /[\w.]+@[\w.]+/g;

/** A leaf redactor for e-mail-like words that also counts how many strings it was asked about. */
function emailLeaf() {
  const calls = { finds: 0, redact: 0 };
  const leaf: LeafRedactor = {
    finds(text) {
      calls.finds++;
      return EMAIL.test(text);
    },
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
    expect(calls.redact).toBe(0); // decided by the pre-check alone: no parse tree, no walk
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

  it('builds no JSON paths when no records are collected', () => {
    const seen: (string | undefined)[] = [];
    const { leaf } = emailLeaf();
    const spy: LeafRedactor = { finds: leaf.finds, redact: (t, a, f, p) => (seen.push(p), leaf.redact(t, a, f, p)) };
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

  it('returns undefined for text that is not a JSON object or array', () => {
    expect(redactJsonText('{not json}', emailLeaf().leaf, hot(), 'f', 4)).toBeUndefined();
    expect(redactJsonText('{ a@b.example }', emailLeaf().leaf, hot(), 'f', 4)).toBeUndefined();
    expect(looksLikeJson('  {"a":1}\n')).toBe(true);
    expect(looksLikeJson('hello {')).toBe(false);
  });
});

describe('jsonIsClean (the pre-check before parsing)', () => {
  const { leaf } = emailLeaf();
  const clean = (t: string) => jsonIsClean(t, leaf, 1, 4);

  it.each([
    ['{}', true],
    ['[]', true],
    [' [1, -2, 3.5e10, 0, true, false, null, "x", {"k": []}] ', true],
    ['{"a@b.example": 1}', false], // a key holding something
    ['["a@b.example"]', false],
    ['["a\\u0040b.example"]', false], // an escape hiding the '@'
    ['["line\\nmail a@b.example"]', false],
    ['["x"', false], // truncated
    ['["x",]', false], // trailing comma
    ['[01]', false], // leading zero
    ['[1.]', false],
    ['["tab\there"]', false], // raw control character
    ['["\\x"]', false], // invalid escape
    ['{"a" 1}', false],
    ['{"a":1}}', false],
    ['[tru]', false],
    ['"just a string"', false], // not an object or array: the walk does not take it
  ])('%s → %s', (text, expected) => {
    expect(clean(text)).toBe(expected);
    if (expected) expect(() => JSON.parse(text)).not.toThrow();
  });

  it('opens JSON inside strings the way the walk does', () => {
    expect(clean(JSON.stringify({ args: JSON.stringify({ to: 'a@b.example' }) }))).toBe(false);
    expect(clean(JSON.stringify({ args: JSON.stringify({ to: 'nobody' }) }))).toBe(true);
  });

  it('agrees with the walk where a raw-text scan would not: anchored patterns and escapes', () => {
    const custom = compileCustomDetector({ id: 'employee-id', entity: 'EMPLOYEE_ID', pattern: '^[0-9]{6}$' });
    if (!custom.ok) throw new Error(custom.error);
    const text = new TextRedactor(createScanner([custom.detector, ...builtinDetectors(['EMAIL_ADDRESS'])]), { actionFor: () => ({ kind: 'replace' }) });
    for (const [doc, expected] of [
      ['{"id":"123456"}', { id: '<EMPLOYEE_ID>' }],
      ['["write to jane\\u0040example.com"]', ['write to <EMAIL_ADDRESS>']],
    ] as const) {
      expect(text.finds(doc), doc).toBe(false); // the raw text, scanned whole, shows nothing
      expect(jsonIsClean(doc, text, 1, 4)).toBe(false);
      expect(JSON.parse(redactJsonText(doc, text, hot(), 'f', 4)!)).toEqual(expected);
    }
  });

  it('never says clean when the walk would change something (built-in detectors over varied documents)', () => {
    const text = redactorFor('all');
    const values = ['plain words', 'mail jane.doe@example.com', 'call +1 415 555 0134', 'card 4111 1111 1111 1111', 'ip 10.0.0.7', 'key AKIAIOSFODNN7EXAMPLE', 'é ü 日本'];
    for (const v of values) {
      for (const doc of [JSON.stringify([v]), JSON.stringify({ [v]: 1 }), JSON.stringify({ a: { b: v } }, null, 2), JSON.stringify({ args: JSON.stringify({ v }) })]) {
        const walked = redactJsonText(doc, text, hot(), 'f', 4);
        expect(jsonIsClean(doc, text, 1, 4), doc).toBe(walked === doc);
      }
    }
  });
});

function redactorFor(builtin: 'all' | string[]): TextRedactor {
  return new TextRedactor(createScanner(builtinDetectors(builtin)), { actionFor: () => ({ kind: 'replace' }) });
}
