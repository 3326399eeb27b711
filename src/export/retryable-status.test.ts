import { describe, expect, it } from 'vitest';
import { isRetryableStatus, isSuccessStatus, parseRetryAfter } from './retryable-status.js';

describe('isRetryableStatus', () => {
  it.each([
    [200, false],
    [204, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, false],
    [413, false],
    [415, false],
    [429, true],
    [500, false],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [505, false],
  ])('%i → %s', (code, expected) => {
    expect(isRetryableStatus(code)).toBe(expected);
  });
});

describe('isSuccessStatus', () => {
  it.each([
    [199, false],
    [200, true],
    [202, true],
    [299, true],
    [300, false],
    [503, false],
  ])('%i → %s', (code, expected) => {
    expect(isSuccessStatus(code)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it.each<[string | null | undefined, number | undefined]>([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['0', 0],
    ['5', 5_000],
    [' 120 ', 120_000],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['Thu, 01 Jan 2026 00:00:00 GMT', 0],
  ])('%j → %j', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
