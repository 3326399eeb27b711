/**
 * Issue #13 item 2: every detector, the scanner and the overlap merge do work linear in their input.
 * Each test doubles the input and checks the WORK, counted deterministically (test/support/work-meter:
 * regex backtracking steps of a plain backtracking engine plus the characters string methods look
 * at; the merge counts its own heap steps), never the clock. Linear work doubles; the quadratic merge
 * this issue found quadrupled, and so did the PEM detector's 16 000-character lookahead on repeated
 * BEGIN lines (both fixed).
 *
 * The shapes are the ones that hurt a scanner: each detector's own trigger repeated (so it starts a
 * candidate everywhere), the known-bad inputs, and runs of the characters detectors extend
 * candidates over. Every detector meets every shape.
 */
import { describe, expect, it } from 'vitest';
import { measureWork } from '../../../test/support/work-meter.js';
import { builtinDetectors } from './builtin.js';
import { createScanner, decodeJsonEscapes, mergeFindings, mergeWork } from './find.js';
import type { Finding } from './types.js';
import { redactJsonText } from '../json-walk.js';
import { RedactionAccount, TextRedactor } from '../redact.js';
import { compileKeyMatcher } from '../skip-keys.js';

/** Each repeated to the input size. */
const SHAPES: Record<string, string> = {
  // the issue's
  'api_key=AKIA… repeated': 'api_key=AKIAIOSFODNN7EXAMPLE ',
  'http://user:pass@host repeated': 'http://user:pass@host.com ',
  'key glued to an e-mail': 'sk-proj-a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZABCD!jane.doe@example.com ',
  'atext run before @': `${'a'.repeat(100)}'jane.doe@example.com `,
  'e-mail next to base64': `jane.doe@example.com/${'A'.repeat(300)} `,
  // e-mail
  'a@': 'a@',
  'dotted local part': 'a.b.c.d.e.f.g.h.i@x.',
  'domain labels': '@a-a.b-b.c-c.d-d.e-e.f-f.g-g.h-h.i-i.',
  // numbers: cards, phones, SSNs, IPs, IBANs
  digits: '1',
  'digit space': '1 ',
  'digit dash': '12-',
  'card groups': '4111 1111 1111 1111 ',
  'phone': '+44 20 7946 0958 ',
  'plus paren': '+1 (',
  'ssn': '123-45-6789 ',
  'dot digits': '1.',
  'IBAN start': 'DE89 ',
  // separators
  colons: ':',
  'hex colons': 'a1:',
  'double colons': '::',
  'mac': 'aa:',
  equals: '=',
  'password=': 'password=',
  'token=value&': 'token=Zr8pLq2XvN4kWm7T&',
  'secret: x': 'secret: x',
  'spoken secret': 'password is ',
  'cli flag': ' -p ',
  'cli user': ' -u a:b ',
  'xml tag': '<a>b',
  'xml key': 'key="a" ',
  'table cell': '| a |',
  pipes: '|',
  'scheme': 'a://',
  'url credentials + host': 'postgres://app:s3cr3t@db.internal/x ',
  // prefixed secrets
  'eyJ': 'eyJ',
  'eyJ segments': 'eyJaa.',
  'jwt': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc ',
  'PEM BEGIN line': '-----BEGIN PRIVATE KEY-----',
  'PEM END line': '-----END PRIVATE KEY-----',
  'sk-proj-': 'sk-proj-',
  'ghp_': 'ghp_',
  'xoxb-': 'xoxb-',
  // plain runs
  letters: 'a',
  base64: 'QUFB',
  // escapes
  'JSON quotes': '"a":"',
  'escaped JSON': '\\"a\\":\\"',
  backslash: '\\',
  'unicode escape': '\\u0040',
  'escape chain': '\\u005c',
};

const N = 4000;
/** Doubling linear work doubles it, plus a little for constant costs; quadratic work quadruples. */
const MAX_RATIO = 2.2;

function textOf(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

function ratio(work: (n: number) => number): { ratio: number; at: number } {
  const a = work(N);
  const b = work(2 * N);
  return { ratio: a === 0 ? (b === 0 ? 1 : Infinity) : b / a, at: a };
}

const all = builtinDetectors('all');

describe('#13.2 every built-in detector is linear on every shape (work counted, input doubled)', () => {
  const names = [...new Set(all.map((d) => d.name))];
  for (const name of names) {
    it(name, () => {
      const detector = all.find((d) => d.name === name)!;
      const superLinear: string[] = [];
      for (const [shape, unit] of Object.entries(SHAPES)) {
        const r = ratio((n) => {
          const text = textOf(unit, n);
          return measureWork(() => detector.find(text, [])).steps;
        });
        if (r.ratio > MAX_RATIO) superLinear.push(`${shape}: ×${r.ratio.toFixed(2)} (${r.at} steps at ${N})`);
      }
      expect(superLinear).toEqual([]);
    });
  }
});

describe('#13.2 the whole scanner (views, triggers, every detector, merge) is linear on every shape', () => {
  const scanner = createScanner(all);
  for (const [shape, unit] of Object.entries(SHAPES)) {
    it(shape, () => {
      const text = (n: number): string => textOf(unit, n);
      expect(ratio((n) => measureWork(() => scanner.scan(text(n))).steps).ratio).toBeLessThanOrEqual(MAX_RATIO);
      const merge = ratio((n) => {
        const t = text(n);
        const before = mergeWork.steps;
        scanner.scan(t);
        return mergeWork.steps - before;
      });
      expect(merge.ratio).toBeLessThanOrEqual(MAX_RATIO);
    });
  }
});

describe('#13.2 mergeFindings is O(n log n) in findings, whatever their overlaps', () => {
  const f = (entity: string, start: number, end: number): Finding => ({ entity, start, end, detector: entity });
  const overlapShapes: Record<string, (n: number) => Finding[]> = {
    // every finding overlaps its neighbours (a chain), ranks alternating
    chain: (n) => Array.from({ length: n }, (_, i) => f(i % 2 ? 'GENERIC_SECRET' : 'EMAIL_ADDRESS', i * 10, i * 10 + 15)),
    // one long low-rank finding under many short high-rank ones: the old merge compared each with all kept
    'umbrella': (n) => [f('GENERIC_SECRET', 0, n * 10), ...Array.from({ length: n }, (_, i) => f('STRIPE_KEY', i * 10, i * 10 + 5))],
    // the shape: a secret finding and an overlapping generic one per repetition
    'api_key= pairs': (n) => Array.from({ length: n }, (_, i) => [f('AWS_ACCESS_KEY', i * 29 + 8, i * 29 + 28), f('GENERIC_SECRET', i * 29 + 8, i * 29 + 28)]).flat(),
    'all identical': (n) => Array.from({ length: n }, () => f('EMAIL_ADDRESS', 0, 20)),
    nested: (n) => Array.from({ length: n }, (_, i) => f('PHONE_NUMBER', i, 2 * n - i)),
  };
  for (const [shape, make] of Object.entries(overlapShapes)) {
    it(shape, () => {
      const r = ratio((n) => {
        const list = make(n);
        const before = mergeWork.steps;
        mergeFindings(list);
        return mergeWork.steps - before;
      });
      // n log n: doubling n a little more than doubles the work
      expect(r.ratio).toBeLessThanOrEqual(2.4);
    });
  }
});

describe('#13.2 JSON escape decoding is linear, nested chains included', () => {
  for (const [shape, unit] of Object.entries({ 'unicode escapes': '\\u0040', 'escaped backslashes': '\\\\', 'u005c chain': '\\u005c', 'quotes': '\\"' })) {
    it(shape, () => {
      expect(ratio((n) => measureWork(() => decodeJsonEscapes(textOf(unit, n)).text.length).steps).ratio).toBeLessThanOrEqual(MAX_RATIO);
    });
  }
});

describe('#13.2 the JSON walker is linear in the document', () => {
  const redactor = new TextRedactor(createScanner(all), { actionFor: () => ({ kind: 'replace' }) });
  const docs: Record<string, (n: number) => string> = {
    'many strings with an e-mail': (n) => JSON.stringify(Array.from({ length: n / 20 }, (_, i) => `u${i}@example.com`)),
    'many members': (n) => JSON.stringify(Object.fromEntries(Array.from({ length: n / 20 }, (_, i) => [`k${i}`, 'v']))),
    'nested arrays': (n) => `${'['.repeat(Math.min(n / 16, 500))}"x"${']'.repeat(Math.min(n / 16, 500))}`.padEnd(n, ' '),
    'JSON in JSON strings': (n) => JSON.stringify(Array.from({ length: n / 60 }, () => JSON.stringify({ q: JSON.stringify({ m: 'jane@example.com' }) }))),
    'truncated document': (n) => `{"q":"${'mail jane.doe\\u0040example.com, '.repeat(n / 40)}`,
  };
  for (const [shape, make] of Object.entries(docs)) {
    it(shape, () => {
      const r = ratio((n) => {
        const doc = make(n);
        return measureWork(() => redactJsonText(doc, redactor, new RedactionAccount(false), 'f', 4) ?? redactor.redact(doc, new RedactionAccount(false), 'f', undefined)).steps;
      });
      expect(r.ratio).toBeLessThanOrEqual(MAX_RATIO);
    });
  }
});

describe('#13.12 a skip-key glob matches in linear time', () => {
  it('a*a*…b (ten stars) against keys of growing length', () => {
    const m = compileKeyMatcher([`${'a*'.repeat(10)}b`]);
    expect(ratio((n) => measureWork(() => m.matches('a'.repeat(n))).steps).ratio).toBeLessThanOrEqual(MAX_RATIO);
  });
});
