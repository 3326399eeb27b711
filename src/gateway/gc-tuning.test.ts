/**
 * The gateway's garbage-collection setting: when the command line chose, and that the flag set at run
 * time really stops V8 from starting incremental marking (Node documents setFlagsFromString after
 * start-up as possibly doing nothing, so a real child process checks it on this Node version).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { choosesIncrementalMarking } from './gc-tuning.js';

describe('choosesIncrementalMarking', () => {
  it.each([
    { execArgv: [], nodeOptions: undefined, chose: false },
    { execArgv: ['--max-old-space-size=512', '--enable-source-maps'], nodeOptions: '--trace-warnings', chose: false },
    { execArgv: ['--incremental-marking'], nodeOptions: undefined, chose: true },
    { execArgv: ['--no-incremental-marking'], nodeOptions: undefined, chose: true },
    { execArgv: ['--incremental_marking=true'], nodeOptions: undefined, chose: true },
    { execArgv: [], nodeOptions: '--max-semi-space-size=8  --no-incremental_marking', chose: true },
    // a longer flag that merely starts the same is another flag
    { execArgv: ['--incremental-marking-hard-trigger=50'], nodeOptions: undefined, chose: false },
  ])('$execArgv / $nodeOptions → $chose', ({ execArgv, nodeOptions, chose }) => {
    expect(choosesIncrementalMarking(execArgv, nodeOptions)).toBe(chose);
  });
});

describe('preferAtomicMarking in a real process', () => {
  const module = fileURLToPath(new URL('./gc-tuning.ts', import.meta.url));
  // Allocates ~300 MB in batches that live a while, on the main thread and then in a worker started
  // after the call (as policy workers are), so each old generation grows past V8's marking thresholds
  // several times over; --trace-incremental-marking prints a line each time marking starts.
  const allocate = `let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }`;
  const churn = (prefer: boolean) => `
    const { preferAtomicMarking } = await import(${JSON.stringify(module)});
    const { Worker } = await import('node:worker_threads');
    if (${prefer}) preferAtomicMarking([], undefined);
    ${allocate}
    const worker = new Worker(${JSON.stringify(allocate)}, { eval: true });
    await new Promise((resolve) => worker.on('exit', resolve));
    console.log('done');`;
  const run = (prefer: boolean) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--trace-incremental-marking', '--input-type=module', '-e', churn(prefer)], { encoding: 'utf8', timeout: 60_000 });

  it('V8 starts no incremental marking after it, on the main thread nor in a worker started later', () => {
    const control = run(false);
    expect(control.stdout).toContain('done');
    // both isolates mark incrementally by default
    expect(new Set([...control.stdout.matchAll(/^\[\d+:(0x[0-9a-f]+)\][^\n]*\[IncrementalMarking\] Start/gm)].map((m) => m[1])).size).toBe(2);
    const atomic = run(true);
    expect(atomic.stdout).toContain('done');
    expect(atomic.stdout).not.toMatch(/\[IncrementalMarking\] Start/);
  });
});
