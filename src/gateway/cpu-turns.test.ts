import { describe, expect, it } from 'vitest';
import { CpuTurns } from './cpu-turns.js';

describe('CpuTurns', () => {
  it('releases waiting jobs in order, one per event-loop iteration, with I/O callbacks between them', async () => {
    const turns = new CpuTurns();
    const log: string[] = [];
    const jobs = [1, 2, 3].map(async (n) => {
      await turns.next();
      log.push(`job ${n}`);
      // A timer or socket callback that becomes due meanwhile runs before the next job.
      setImmediate(() => log.push(`io after ${n}`));
    });
    expect(turns.pending).toBe(3);
    await Promise.all(jobs);
    await new Promise((r) => setImmediate(r));
    expect(log.slice(0, 5)).toEqual(['job 1', 'job 2', 'io after 1', 'job 3', 'io after 2']);
    expect(turns.pending).toBe(0);
  });

  it('serves jobs that arrive while others run, and keeps nothing once idle', async () => {
    const turns = new CpuTurns();
    let done = 0;
    const wave = async (): Promise<void> => {
      await turns.next();
      done++;
    };
    await Promise.all([wave(), wave()]);
    await Promise.all([wave(), wave(), wave()]);
    expect(done).toBe(5);
    expect(turns.pending).toBe(0);
  });
});
