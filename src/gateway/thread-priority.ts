/**
 * The scheduling priority of the calling thread (Linux): a policy worker runs a huge request at a
 * lower priority, so on a busy machine the event loop and the workers of small requests get the CPU
 * first (issue #13: an attacker's 20 MiB bodies must not starve the other clients).
 *
 * Linux keeps a nice value per thread: setpriority(PRIO_PROCESS, tid) (os.setPriority) changes only
 * that thread, and /proc/thread-self names the calling thread's id. Elsewhere, or when the OS refuses,
 * nothing changes. Lowering is always allowed; raising back needs CAP_SYS_NICE, so it may stay low.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value of a huge request's thread: well below the default 0, not the floor 19. */
export const LOW_PRIORITY_NICE = 10;

let tid: number | null | undefined;

function threadId(): number | null {
  if (tid === undefined) {
    try {
      const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
      tid = Number.isInteger(id) && id > 0 ? id : null;
    } catch {
      tid = null;
    }
  }
  return tid;
}

/** This thread's nice value, or undefined where threads have none of their own. */
export function threadNice(): number | undefined {
  const id = threadId();
  if (id === null) return undefined;
  try {
    return getPriority(id);
  } catch {
    return undefined;
  }
}

/** Sets this thread's nice value; false when it cannot (not Linux, or not permitted). */
export function setThreadNice(nice: number): boolean {
  const id = threadId();
  if (id === null) return false;
  try {
    setPriority(id, nice);
    return getPriority(id) === nice;
  } catch {
    return false;
  }
}
