import { describe, expect, it } from 'vitest';
import { FIRST_RESTART_DELAY_MS, MAX_RESTART_DELAY_MS, restartDelayMs } from './policy-workers.js';

describe('restartDelayMs: refilling a slot whose workers keep crashing', () => {
  it.each([
    [0, 0],
    [1, FIRST_RESTART_DELAY_MS],
    [2, 2 * FIRST_RESTART_DELAY_MS],
    [3, 4 * FIRST_RESTART_DELAY_MS],
    [6, 3_200],
    [7, MAX_RESTART_DELAY_MS],
    [1_000, MAX_RESTART_DELAY_MS],
  ])('after %i quick crashes in a row: %i ms', (streak, ms) => {
    expect(restartDelayMs(streak)).toBe(ms);
  });
});
