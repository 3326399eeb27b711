/**
 * For the memo tests (clean-memo.test.ts, found-memo.test.ts): a detector that counts how often it
 * runs and finds every "secret" word, so a test sees whether a scan reached the detectors.
 */
import type { Detector, Finding } from './types.js';

export function countingDetector(): Detector & { runs: number } {
  const d = {
    name: 'counting',
    entity: 'GENERIC_SECRET',
    runs: 0,
    mayMatch: () => true,
    find(text: string, out: Finding[]) {
      d.runs++;
      for (const m of text.matchAll(/secret/g)) out.push({ entity: 'GENERIC_SECRET', start: m.index, end: m.index + 6, detector: 'counting' });
    },
  };
  return d;
}
