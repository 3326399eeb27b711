/**
 * Goals of the detection-breadth issue on the seeded development corpus test/corpus/detect-dev.jsonl
 * (generate-detect-dev.ts), per slice family. The committed file must be exactly what the generator
 * produces from its seed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from '../../src/policy/detect/index.js';
import { parseSliceCorpus, scoreSlices, type SliceScore } from '../../src/policy/detect/slice-eval.js';
import { DETECT_DEV_PATH, generateDetectDev, toJsonl } from './generate-detect-dev.js';

const jsonl = readFileSync(DETECT_DEV_PATH, 'utf8');
const scores = scoreSlices(createScanner(builtinDetectors('all')), parseSliceCorpus(jsonl));

function slice(key: string): SliceScore {
  const s = scores.get(key);
  if (s === undefined) throw new Error(`no slice ${key}`);
  return s;
}
const recall = (s: SliceScore): number => s.caught / s.n;
const kept = (s: SliceScore): number => s.kept / s.keepN;
const detail = (s: SliceScore): string => JSON.stringify({ misses: s.misses.slice(0, 8), over: s.over.slice(0, 8) });

describe('detection-breadth development corpus', () => {
  it('is reproducible from its seed', () => {
    expect(toJsonl(generateDetectDev()) === jsonl).toBe(true);
  });

  it('PERSON: recall ≥ 0.85 over names of 24 culture groups in 15 forms, ≥ 0.90 in template sentences', () => {
    const all = slice('person/*');
    expect(all.n).toBeGreaterThan(400);
    expect(recall(all), detail(all)).toBeGreaterThanOrEqual(0.85);
    expect(recall(slice('person/template')), detail(slice('person/template'))).toBeGreaterThanOrEqual(0.9);
  });

  it('PERSON: at most 5% of look-alikes (places, companies, products, AI models, weekdays, months) redacted', () => {
    const l = slice('person-lookalike/*');
    expect(l.keepN).toBeGreaterThan(30);
    expect(kept(l), detail(l)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('secret vectors (vendor layouts in 15 assignment syntaxes; placeholders, wrong lengths, variables)', () => {
  it('catches ≥ 97% of true positives', () => {
    const tp = slice('secret-tp/*');
    expect(tp.n).toBeGreaterThan(200);
    expect(recall(tp), detail(tp)).toBeGreaterThanOrEqual(0.97);
  });

  it('keeps ≥ 90% of false positives', () => {
    const fp = slice('secret-fp/*');
    expect(fp.keepN).toBeGreaterThan(60);
    expect(kept(fp), detail(fp)).toBeGreaterThanOrEqual(0.9);
  });
});

describe("Presidio's entity set (documented formats and check digits)", () => {
  it('finds ≥ 97% of positives', () => {
    const pos = slice('presidio-pos/*');
    expect(pos.n).toBeGreaterThan(80);
    expect(recall(pos), detail(pos)).toBeGreaterThanOrEqual(0.97);
  });

  it('keeps ≥ 95% of negatives (bad checksums, reserved ranges, no context, invalid IBANs not taken for phones)', () => {
    const neg = slice('presidio-neg/*');
    expect(neg.keepN).toBeGreaterThan(80);
    expect(kept(neg), detail(neg)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('STREET_ADDRESS (postal layouts of nine countries and US military mail, in template sentences)', () => {
  it('finds ≥ 90% of addresses', () => {
    const a = slice('address/*');
    expect(a.n).toBeGreaterThanOrEqual(90);
    expect(recall(a), detail(a)).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps phrases that only share words with addresses ("2024 Google Drive", "via Slack")', () => {
    const l = slice('address-lookalike/*');
    expect(kept(l), detail(l)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('cards and phones as people write them', () => {
  it('finds every IIN family and length with Luhn, grouped with dots, runs of spaces, NBSP or thin spaces', () => {
    const c = slice('card/*');
    expect(c.n).toBeGreaterThanOrEqual(60);
    expect(recall(c), detail(c)).toBeGreaterThanOrEqual(0.97);
  });

  it('finds phone numbers in the layouts of presidio-evaluator (extensions, dotted, plan-invalid in context, (0) trunk)', () => {
    const p = slice('phone/*');
    expect(recall(p), detail(p)).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps order numbers, versions, timestamps and ids', () => {
    const l = slice('number-lookalike/*');
    expect(kept(l), detail(l)).toBeGreaterThanOrEqual(0.97);
  });
});

/** Both batches of hand-written held-out-style cases (realworld-cases.ts) as one score per family. */
function realworld(family: string): SliceScore {
  const a = slice(`rw-${family}/*`);
  const b = slice(`rw2-${family}/*`);
  return { slice: family, n: a.n + b.n, caught: a.caught + b.caught, keepN: a.keepN + b.keepN, kept: a.kept + b.kept, misses: [...a.misses, ...b.misses], over: [...a.over, ...b.over] };
}

describe('hand-written held-out-style cases (names in real formats, secrets in the files they turn up in)', () => {
  it('PERSON: recall ≥ 0.85 over 17 culture groups in chat, signatures, headers, YAML/XML/CSV/JSON, SMS, calendars, traces, lower case, ALL CAPS', () => {
    const p = realworld('person');
    expect(p.n).toBeGreaterThan(120);
    expect(recall(p), detail(p)).toBeGreaterThanOrEqual(0.85);
  });

  it('PERSON: at most 5% of look-alikes redacted (places, firms, products, models, weekdays, months, sentence-initial words)', () => {
    const l = realworld('person-lookalike');
    expect(l.keepN).toBeGreaterThan(80);
    expect(kept(l), detail(l)).toBeGreaterThanOrEqual(0.95);
  });

  it('secrets: ≥ 97% of true positives caught, ≥ 90% of near misses kept', () => {
    const tp = realworld('secret-tp');
    const fp = realworld('secret-fp');
    expect(tp.n).toBeGreaterThan(150);
    expect(recall(tp), detail(tp)).toBeGreaterThanOrEqual(0.97);
    expect(fp.keepN).toBeGreaterThan(50);
    expect(kept(fp), detail(fp)).toBeGreaterThanOrEqual(0.9);
  });
});

describe("hand-written Presidio-entity, card and phone cases (rw2-pii)", () => {
  it('finds ≥ 97% of the values and keeps ≥ 95% of the number look-alikes', () => {
    const p = slice('rw2-pii/*');
    const l = slice('rw2-pii-lookalike/*');
    expect(p.n).toBeGreaterThanOrEqual(30);
    expect(recall(p), detail(p)).toBeGreaterThanOrEqual(0.97);
    expect(kept(l), detail(l)).toBeGreaterThanOrEqual(0.95);
  });
});
