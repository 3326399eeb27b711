/**
 * Named points where a fault test can have the gateway kill itself with SIGKILL, to reach on purpose a
 * state that a random kill -9 reaches only by luck (test/faults/crash-points.test.ts). The point is
 * chosen by the environment variable LOOPGATE_CRASH_AT, read once at start-up; unset (always, outside
 * those tests) every call is one comparison with undefined.
 *
 * The points:
 *   segment-unlinked   a finished segment's .seg file is removed, its .ack file not yet
 */
export type CrashPoint = 'segment-unlinked';

const armed = process.env.LOOPGATE_CRASH_AT as CrashPoint | undefined;

export function crashPoint(point: CrashPoint): void {
  if (armed === point) process.kill(process.pid, 'SIGKILL');
}
