/**
 * How the gateway process is launched: what the Dockerfile and `npm start` put on Node's command line
 * and in its environment, and `bench:vs-collector` copies for this tree's build. Both must be in place
 * before the process starts, so the gateway cannot set them on itself; a test checks the Dockerfile
 * and package.json carry them (gc-tuning.test.ts).
 */

/**
 * The main thread's young generation, set on Node's command line (`node --max-semi-space-size=2
 * dist/cli/main.js serve`): V8 sizes an isolate's young generation once, when the isolate is created,
 * so only the command line reaches the main thread's (gc-tuning.ts has the policy workers size theirs).
 */
export const MAIN_THREAD_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * glibc's malloc gives each thread that allocates an arena of its own (up to 8 per core), and keeps
 * what an arena once held: the policy workers, the thread that builds the word table, zlib and libuv's
 * pool each leave one behind. Two arenas for the process cost nothing measurable in spans per CPU-second
 * and 6 MiB of peak RSS less with one worker (bench:vs-collector, three runs side by side: 146–151
 * against 154–160 MiB, 166–171 against 175–180). musl and other allocators ignore the variable.
 */
export const GATEWAY_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
