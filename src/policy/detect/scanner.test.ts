import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner, type Detector, type Finding } from './index.js';
import { blankBase64, blankJsonEscapes, mergeFindings } from './scanner.js';

const f = (entity: string, start: number, end: number): Finding => ({ entity, start, end, detector: entity.toLowerCase() });

describe('mergeFindings', () => {
  it('keeps the longer of two overlapping findings of the same rank', () => {
    expect(mergeFindings([f('EMAIL_ADDRESS', 5, 10), f('IP_ADDRESS', 2, 20)])).toEqual([f('IP_ADDRESS', 2, 20)]);
  });

  it('lets a vendor secret beat a longer generic secret, and PII beat a phone-shaped number', () => {
    expect(mergeFindings([f('GENERIC_SECRET', 0, 40), f('STRIPE_KEY', 5, 30)])).toEqual([f('STRIPE_KEY', 5, 30)]);
    expect(mergeFindings([f('PHONE_NUMBER', 0, 12), f('US_SSN', 0, 11)])).toEqual([f('US_SSN', 0, 11)]);
  });

  it('returns non-overlapping findings sorted by start', () => {
    expect(mergeFindings([f('A', 10, 12), f('B', 0, 3), f('C', 3, 5)])).toEqual([f('B', 0, 3), f('C', 3, 5), f('A', 10, 12)]);
  });
});

describe('views', () => {
  it('blanks JSON escapes to spaces of the same length', () => {
    const s = '{\\"a\\": \\"x\\u0041y\\n\\\\\\/"}';
    const v = blankJsonEscapes(s);
    expect(v.length).toBe(s.length);
    expect(v).toBe('{  a  :   x      y      "}');
    expect(blankJsonEscapes('no escapes')).toBe('no escapes');
  });

  it('blanks long base64 runs and data: URLs, leaving ordinary text alone', () => {
    const blob = 'QUJD'.repeat(60);
    const text = `img ${blob} end`;
    expect(blankBase64(text)).toBe(`img ${' '.repeat(blob.length)} end`);
    expect(blankBase64('src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==" x')).toBe(`src="data:image/png;base64,${' '.repeat(24)}" x`);
    expect(blankBase64('short words only')).toBe('short words only');
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
});
