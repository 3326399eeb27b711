/**
 * How the gateway process has V8 collect its old generation: in one atomic pause instead of
 * incrementally, unless Node's command line chose.
 *
 * Why: under load the main thread (sockets, admission, queues, export) holds ~27 MiB of live heap and
 * allocates ~9 MB/s of short-lived request objects. With incremental marking V8 starts a marking
 * cycle every 300–500 ms for it, each of which marks the whole live heap to free ~3 MiB: 16–29 full
 * collections per 12 s, 6.5–7.8% of a core (`--trace-gc`, bench/vs-collector.ts load, 1 worker). With
 * atomic marking the same load takes 1–3 full collections (0.9–1.8% of a core), each a pause of
 * ~45 ms on a slow 2-core machine, and the gateway did 9–11% more spans per CPU-second side by side
 * (README, "Speed"). The policy workers, whose heaps are mostly young objects, rarely run a full
 * collection either way. The cost is that pause: a request arriving during it waits for it.
 *
 * V8 flags are process-wide and this one is read each time V8 decides whether to start marking, so
 * setting it at start-up (before the heap has grown) applies to the main thread and to every policy
 * worker started after. `node --incremental-marking dist/cli/main.js serve` (or NODE_OPTIONS) keeps
 * V8's default: a deployment that prefers short pauses over CPU chooses so on the command line.
 */
import { setFlagsFromString } from 'node:v8';

const MARKING_FLAG = /^--(?:no-)?incremental[-_]marking(?:=|$)/;

const SEMI_SPACE_FLAG = /^--max[-_]semi[-_]space[-_]size(?:=|$)/;

function namesFlag(flag: RegExp, execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((a) => flag.test(a)) || (nodeOptions ?? '').split(/\s+/).some((a) => flag.test(a));
}

/** Whether Node's command line or NODE_OPTIONS already says how to mark: then it is left as chosen. */
export function choosesIncrementalMarking(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return namesFlag(MARKING_FLAG, execArgv, nodeOptions);
}

/**
 * Whether Node's command line or NODE_OPTIONS sized the main thread's young generation. With
 * `service.workers: 0` the policy runs on the main thread, and a small young generation there cost
 * 28-31% of spans per CPU-second and doubled the peak RSS (bench:vs-collector, before-inline against
 * loopgate-inline: 12,441-12,503 → 8,625-9,152; 151-154 → 290-292 MiB): serve warns.
 */
export function capsMainYoungGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS): boolean {
  return namesFlag(SEMI_SPACE_FLAG, execArgv, nodeOptions);
}

/** Turns incremental marking off unless the command line chose; returns whether it did. */
export function preferAtomicMarking(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS): boolean {
  if (choosesIncrementalMarking(execArgv, nodeOptions)) return false;
  setFlagsFromString('--no-incremental-marking');
  return true;
}

/**
 * Has every isolate created from now on (the policy workers) size its young generation itself, from
 * its Worker resourceLimits (policy-workers.ts WORKER_YOUNG_GENERATION_MB), whatever the command
 * line set for the main thread.
 *
 * Why: under load the main thread only moves bytes and keeps few young objects alive, so a 2 MiB
 * semi-space costs it little, while V8's default lets it grow to 16 MiB (32 MiB of new space) at
 * start-up and stay there. A policy worker's young objects are a request's decoded model, and
 * capping theirs at the main thread's size cost 20–30% of spans per CPU-second. The flag is
 * process-wide, read when an isolate is created, and overrides resourceLimits, so setting it back to
 * V8's default (0) before any worker starts splits the two. Call it after preferAtomicMarking and
 * before the first Worker.
 */
export function workersSizeTheirOwnYoungGeneration(): void {
  setFlagsFromString('--max-semi-space-size=0');
}
