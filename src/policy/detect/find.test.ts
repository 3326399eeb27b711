import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../test/support/rng.js';
import { builtinDetectors, createScanner, type Detector, type Finding } from './index.js';
import { blankBase64, decodeJsonEscapes, MAX_ESCAPE_LEVELS, mergeFindings } from './find.js';

const f = (entity: string, start: number, end: number): Finding => ({ entity, start, end, detector: entity.toLowerCase() });

describe('mergeFindings', () => {
  it('keeps the longer of two overlapping findings of the same rank', () => {
    expect(mergeFindings([f('EMAIL_ADDRESS', 5, 10), f('IP_ADDRESS', 2, 20)])).toEqual([f('IP_ADDRESS', 2, 20)]);
  });

  it('lets a vendor secret beat a longer generic secret, and PII beat a phone-shaped number', () => {
    expect(mergeFindings([f('GENERIC_SECRET', 5, 30), f('STRIPE_KEY', 5, 30)])).toEqual([f('STRIPE_KEY', 5, 30)]);
    expect(mergeFindings([f('PHONE_NUMBER', 0, 11), f('US_SSN', 0, 11)])).toEqual([f('US_SSN', 0, 11)]);
  });

  it('returns non-overlapping findings sorted by start', () => {
    expect(mergeFindings([f('A', 10, 12), f('B', 0, 3), f('C', 3, 5)])).toEqual([f('B', 0, 3), f('C', 3, 5), f('A', 10, 12)]);
  });

  // issue #13 item 4: an overlap must never un-redact; the union of findings is what gets redacted
  it('#13.4 keeps the parts of a losing finding that no better finding covers', () => {
    expect(mergeFindings([f('GENERIC_SECRET', 0, 40), f('STRIPE_KEY', 5, 30)])).toEqual([
      f('GENERIC_SECRET', 0, 5),
      f('STRIPE_KEY', 5, 30),
      f('GENERIC_SECRET', 30, 40),
    ]);
    expect(mergeFindings([f('OPENAI_KEY', 0, 60), f('EMAIL_ADDRESS', 50, 80)])).toEqual([f('OPENAI_KEY', 0, 60), f('EMAIL_ADDRESS', 60, 80)]);
  });

  it('#13.4 covers exactly the union of the findings, whatever their overlaps', () => {
    const rng = mulberry32(13);
    const entities = ['GENERIC_SECRET', 'PHONE_NUMBER', 'EMAIL_ADDRESS', 'STRIPE_KEY'];
    for (let round = 0; round < 300; round++) {
      const list: Finding[] = [];
      const n = 1 + Math.floor(rng() * 12);
      for (let i = 0; i < n; i++) {
        const start = Math.floor(rng() * 60);
        list.push(f(entities[Math.floor(rng() * entities.length)]!, start, start + 1 + Math.floor(rng() * 20)));
      }
      const covered = new Set<number>();
      for (const x of list) for (let p = x.start; p < x.end; p++) covered.add(p);
      const merged = mergeFindings([...list]);
      const got = new Set<number>();
      for (let i = 0; i < merged.length; i++) {
        const m = merged[i]!;
        if (i > 0) expect(m.start).toBeGreaterThanOrEqual(merged[i - 1]!.end);
        for (let p = m.start; p < m.end; p++) got.add(p);
      }
      expect([...got].sort((a, b) => a - b)).toEqual([...covered].sort((a, b) => a - b));
    }
  });
});

describe('views', () => {
  it('decodes JSON escapes and maps offsets back to the escaped text', () => {
    const s = '{\\"a\\": \\"x\\u0041y\\n\\\\\\/"}';
    const v = decodeJsonEscapes(s);
    // `\\\/` is an escaped backslash before `/`: one level down that is `\/`, which reads as '/'
    expect(v.text).toBe('{"a": "xAy\n/"}');
    // 'A' is the decoded \u0041: it maps to the whole escape
    const a = v.text.indexOf('A');
    expect(s.slice(v.toOriginal(a), v.toOriginal(a + 1))).toBe('\\u0041');
    expect(v.toOriginal(v.text.length)).toBe(s.length);
    expect(decodeJsonEscapes('no escapes').text).toBe('no escapes');
  });

  it('decodes escapes nested several levels deep, up to MAX_ESCAPE_LEVELS', () => {
    expect(decodeJsonEscapes('jane\\\\\\\\u0040x.com').text).toBe('jane@x.com');
    const deep = 'a' + '\\'.repeat(2 ** MAX_ESCAPE_LEVELS) + 'u0040b';
    expect(decodeJsonEscapes(deep).text).toBe('a\\u0040b');
  });

  it('blanks long base64 runs and data: URLs, leaving ordinary text alone', () => {
    const blob = 'QUJD'.repeat(60);
    const text = `img ${blob} end`;
    expect(blankBase64(text)).toBe(`img ${' '.repeat(blob.length)} end`);
    expect(blankBase64('src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==" x')).toBe(`src="data:image/png;base64,${' '.repeat(24)}" x`);
    expect(blankBase64('short words only')).toBe('short words only');
  });

  // issue #13 item 7
  it('#13.7 a base64 blob never takes a neighbouring token with it', () => {
    const blob = 'A'.repeat(300);
    expect(blankBase64(`jane.doe@example.com/${blob}`)).toBe(`jane.doe@example.com${' '.repeat(301)}`);
    expect(blankBase64(`${blob}/jane.doe@example.com`)).toBe(`${' '.repeat(301)}jane.doe@example.com`);
    // glued to a token with no separator inside: kept whole, so it is scanned rather than hidden
    expect(blankBase64(`x.${blob}`)).toBe(`x.${blob}`);
  });
});

describe('createScanner', () => {
  const all = createScanner(builtinDetectors('all'));

  it('reports entities of its detectors once each', () => {
    expect(createScanner(builtinDetectors(['IP_ADDRESS', 'EMAIL_ADDRESS'])).entities).toEqual(['EMAIL_ADDRESS', 'IP_ADDRESS']);
  });

  it('finds PII inside raw escaped JSON without swallowing the backslash', () => {
    const text = '{\\"email\\": \\"a@b.com\\"}';
    const [finding] = all.scan(text);
    expect(finding && text.slice(finding.start, finding.end)).toBe('a@b.com');
  });

  it('leaves base64 blobs alone by default, scans them when asked', () => {
    // a card number that happens to sit inside a long base64 run
    const blob = 'A'.repeat(120) + '/4111111111111111/' + 'B'.repeat(120);
    expect(all.scan(blob)).toEqual([]);
    const deep = createScanner(builtinDetectors('all'), { scanBase64: true });
    expect(deep.scan(blob).map((x) => x.entity)).toEqual(['CREDIT_CARD']);
  });

  it('still finds vendor secrets inside base64-looking runs', () => {
    const text = 'x'.repeat(150) + ' ghp_16C7e42F292c6912E7710c838347Ae178B4a ' + 'y'.repeat(10);
    expect(all.scan(text).map((x) => x.entity)).toEqual(['GITHUB_TOKEN']);
  });

  it('runs a keyword detector only where one of its keywords is, asking mayMatch where a blob was blanked', () => {
    const seen: string[] = [];
    let asked = 0;
    const probe = {
      name: 'probe',
      entity: 'PROBE',
      patterns: [],
      keywords: ['secret'],
      mayMatch: (t: string) => {
        asked++;
        return /secret/i.test(t);
      },
      triggered: () => true,
      find: (t: string) => {
        seen.push(t.slice(t.lastIndexOf(' ') + 1));
      },
    };
    // keywords ride along the prefix lookups of a prefix-anchored detector
    const anchored = { name: 'anchored', entity: 'ANCHORED', patterns: [], prefixes: ['zq_'], mayMatch: () => true, find: () => {} };
    const s = createScanner([probe, anchored], { memoMaxLength: 0 });
    s.scan('no keyword here');
    s.scan('a SECRET here');
    expect(asked).toBe(0);
    // the only keyword is inside a base64 blob: the blanked view has none, so find() is not called
    s.scan(`blob ${'QUFB'.repeat(30)}secret${'QUFB'.repeat(30)} end`);
    s.scan(`blob ${'QUFB'.repeat(60)} and my Secret`);
    expect(seen).toEqual(['here', 'Secret']);
    expect(asked).toBe(2);
    // without one, mayMatch decides
    seen.length = 0;
    asked = 0;
    const alone = createScanner([probe], { memoMaxLength: 0 });
    alone.scan('no keyword here');
    alone.scan('a SECRET here');
    expect([seen, asked]).toEqual([['here'], 2]);
  });

  it('skips find() when mayMatch says no', () => {
    let calls = 0;
    const d: Detector = {
      name: 'probe',
      entity: 'PROBE',
      mayMatch: (t) => t.includes('#'),
      find: (_t, out) => {
        calls++;
        out.push(f('PROBE', 0, 1));
      },
    };
    const s = createScanner([d]);
    expect(s.scan('no hash here')).toEqual([]);
    expect(s.scan('# yes')).toHaveLength(1);
    expect(calls).toBe(1);
  });

  it('finds several entities in one mixed text in order', () => {
    const text = 'Email jo@ex.com, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, ip 10.0.0.7, key AKIAIOSFODNN7EXAMPLE';
    expect(all.scan(text).map((x) => x.entity)).toEqual(['EMAIL_ADDRESS', 'CREDIT_CARD', 'IBAN_CODE', 'IP_ADDRESS', 'AWS_ACCESS_KEY']);
  });

  const redacted = (text: string): string => {
    let out = '';
    let pos = 0;
    for (const x of all.scan(text)) {
      out += text.slice(pos, x.start) + `<${x.entity}>`;
      pos = x.end;
    }
    return out + text.slice(pos);
  };

  it('#13.4 a key glued to an e-mail address: both are redacted', () => {
    expect(redacted('sk-proj-a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZABCD!jane.doe@example.com')).toBe('<OPENAI_KEY><EMAIL_ADDRESS>');
  });

  it('#13.5 escapes are read as the characters they encode outside well-formed JSON', () => {
    const truncated = '{"q":"mail jane.doe\\u0040example.com, card 4111\\u00201111\\u00201111\\u00201111';
    expect(redacted(truncated)).toBe('{"q":"mail <EMAIL_ADDRESS>, card <CREDIT_CARD>');
    expect(redacted('{\\"email\\": \\"a\\\\u0040b.com\\"}')).toBe('{\\"email\\": \\"<EMAIL_ADDRESS>\\"}');
  });

  it('#13.7 an address next to a base64 blob is still found', () => {
    expect(redacted(`jane.doe@example.com/${'A'.repeat(300)}`)).toBe(`<EMAIL_ADDRESS>/${'A'.repeat(300)}`);
    expect(redacted(`${'A'.repeat(300)}/jane.doe@example.com`)).toBe(`${'A'.repeat(300)}/<EMAIL_ADDRESS>`);
  });

  it('#13.8 a long atext run before the local part does not hide the address', () => {
    expect(redacted(`${'a'.repeat(100)}'jane.doe@example.com`)).toBe(`${'a'.repeat(100)}'<EMAIL_ADDRESS>`);
    // no separator: the 64 characters before the '@' are taken, the name with them
    expect(redacted(`${'a'.repeat(100)}jane.doe@example.com`)).toBe(`${'a'.repeat(44)}<EMAIL_ADDRESS>`);
  });
});
