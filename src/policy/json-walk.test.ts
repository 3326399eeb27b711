import { describe, expect, it } from 'vitest';
import { looksLikeJson, MAX_JSON_NESTING, redactJsonText } from './json-walk.js';
import type { Location } from './types.js';

const EMAIL = /[\w.]+@[\w.]+/g;
const seen: Location[] = [];
const leaf = (s: string, where: () => Location): string => {
  if (!EMAIL.test(s)) return s;
  seen.push(where());
  return s.replace(EMAIL, '<EMAIL_ADDRESS>');
};

describe('redactJsonText', () => {
  it('keeps the original bytes when nothing is found', () => {
    const text = '{ "a" : [1, 2.50, "x"],  "b": null }';
    expect(redactJsonText(text, 'f', '$', 1, 4, leaf)).toBe(text);
  });

  it('redacts string leaves and returns valid JSON of the same shape', () => {
    const text = '[{"role":"user","parts":[{"type":"text","content":"mail a@b.example now"}]}]';
    const out = redactJsonText(text, 'f', '$', 1, 4, leaf)!;
    expect(JSON.parse(out)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'mail <EMAIL_ADDRESS> now' }] }]);
  });

  it('opens JSON inside JSON strings (tool-call arguments) and keeps both levels valid', () => {
    const args = JSON.stringify({ email: 'jane@x.example', n: 1 });
    const text = JSON.stringify({ tool_calls: [{ function: { name: 'lookup', arguments: args } }] });
    seen.length = 0;
    const out = redactJsonText(text, 'span.attributes["output.value"]', '$', 1, 4, leaf)!;
    const inner = JSON.parse(JSON.parse(out).tool_calls[0].function.arguments);
    expect(inner).toEqual({ email: '<EMAIL_ADDRESS>', n: 1 });
    expect(seen).toEqual([{ field: 'span.attributes["output.value"]', jsonPath: '$.tool_calls[0].function.arguments.email' }]);
  });

  it('stops opening nested JSON at the depth bound and scans the rest as text', () => {
    let text = JSON.stringify({ v: 'a@b.example' });
    for (let i = 0; i < 10; i++) text = JSON.stringify({ v: text });
    const out = redactJsonText(text, 'f', '$', 1, 3, leaf)!;
    expect(out).not.toContain('a@b.example');
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('redacts object keys too, keeping their order', () => {
    const out = redactJsonText('{"x":1,"a@b.example":2,"z":3}', 'f', '$', 1, 4, leaf)!;
    expect(Object.keys(JSON.parse(out))).toEqual(['x', '<EMAIL_ADDRESS>', 'z']);
  });

  it('walks deep documents, and refuses (throws) past the nesting bound instead of forwarding them unscanned', () => {
    const deep = (n: number) => `${'['.repeat(n)}"a@b.example"${']'.repeat(n)}`;
    expect(redactJsonText(deep(MAX_JSON_NESTING - 1), 'f', '$', 1, 4, leaf)).toContain('<EMAIL_ADDRESS>');
    expect(() => redactJsonText(deep(5000), 'f', '$', 1, 4, leaf)).toThrow(RangeError);
  });

  it('returns undefined for text that is not a JSON object or array', () => {
    expect(redactJsonText('{not json}', 'f', '$', 1, 4, leaf)).toBeUndefined();
    expect(looksLikeJson('  {"a":1}\n')).toBe(true);
    expect(looksLikeJson('hello {')).toBe(false);
  });
});
