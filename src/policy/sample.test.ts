import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keepTrace, thresholdFor } from './sample.js';

const ids = Array.from({ length: 20_000 }, () => randomBytes(16).toString('hex'));

describe('trace-consistent sampling', () => {
  it('keeps about p of traces', () => {
    for (const p of [0.01, 0.1, 0.5, 0.9]) {
      const th = thresholdFor(p);
      const kept = ids.filter((id) => keepTrace(id, '', th)).length / ids.length;
      // 20k Bernoulli trials: 5 standard deviations stays well inside these bounds.
      expect(Math.abs(kept - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / ids.length) + 1e-9);
    }
  });

  it('gives every span of a trace the same answer, on any replica (a pure function of the id)', () => {
    const th = thresholdFor(0.3);
    for (const id of ids.slice(0, 1000)) expect(keepTrace(id, '', th)).toBe(keepTrace(id, '', thresholdFor(0.3)));
  });

  it('is nested: a trace kept at a lower rate is kept at every higher rate', () => {
    const low = thresholdFor(0.1);
    const high = thresholdFor(0.4);
    for (const id of ids) if (keepTrace(id, '', low)) expect(keepTrace(id, '', high)).toBe(true);
  });

  it('compares the low 56 bits against T = (1 - p) * 2^56', () => {
    const th = thresholdFor(0.5); // T = 2^55 = 0x80000000000000
    expect(keepTrace('ffffffffffffffffff80000000000000', '', th)).toBe(true);
    expect(keepTrace('ffffffffffffffffff7fffffffffffff', '', th)).toBe(false);
    expect(keepTrace('0000000000000000007fffffffffffff', '', th)).toBe(false);
  });

  it('uses the explicit randomness from tracestate ot=rv when present', () => {
    const th = thresholdFor(0.5);
    expect(keepTrace('ffffffffffffffffffffffffffffffff', 'ot=th:8;rv:00000000000001', th)).toBe(false);
    expect(keepTrace('00000000000000000000000000000000', 'vendor=x,ot=rv:ffffffffffffff', th)).toBe(true);
  });

  it('keeps everything at 1 and nothing at 0; an unusable id is kept only at 1', () => {
    expect(keepTrace('', '', thresholdFor(1))).toBe(true);
    expect(keepTrace(ids[0]!, '', thresholdFor(0))).toBe(false);
    expect(keepTrace('zz', '', thresholdFor(0.99))).toBe(false);
  });
});
