/**
 * The gateway's garbage-collection setting: when the command line chose, and that the flag set at run
 * time really stops V8 from starting incremental marking (Node documents setFlagsFromString after
 * start-up as possibly doing nothing, so a real child process checks it on this Node version).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { capsMainYoungGeneration, choosesIncrementalMarking } from './gc-tuning.js';
import { GATEWAY_PROCESS_ENV, MAIN_THREAD_NODE_FLAGS } from './launch.js';
import { WORKER_YOUNG_GENERATION_MB } from './policy-workers.js';

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

describe('workersSizeTheirOwnYoungGeneration in a real process', () => {
  const module = fileURLToPath(new URL('./gc-tuning.ts', import.meta.url));
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // Churns young objects on the main thread, then in a worker started after the call, and prints
  // each isolate's new space: it grows to its cap under this churn.
  const allocate = `let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }
    const newSpace = (await import('node:v8')).getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;`;
  const churn = (reset: boolean) => `
    const { workersSizeTheirOwnYoungGeneration } = await import(${JSON.stringify(module)});
    const { Worker } = await import('node:worker_threads');
    if (${reset}) workersSizeTheirOwnYoungGeneration();
    ${allocate}
    console.log('main', newSpace);
    // as policy-workers.ts starts a policy worker
    const worker = new Worker(${JSON.stringify(`(async () => { ${allocate} console.log('worker', newSpace); })()`)}, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: ${WORKER_YOUNG_GENERATION_MB} } });
    await new Promise((resolve) => worker.on('exit', resolve));`;
  const run = (reset: boolean) => {
    const out = spawnSync(process.execPath, [...MAIN_THREAD_NODE_FLAGS, '--import', 'tsx', '--input-type=module', '-e', churn(reset)], { encoding: 'utf8', timeout: 60_000 }).stdout;
    return { main: Number(/^main (\S+)/m.exec(out)?.[1]), worker: Number(/^worker (\S+)/m.exec(out)?.[1]) };
  };

  it("keeps the command line's small young generation on the main thread and lets workers started later size theirs", () => {
    const control = run(false);
    // without the call the command-line cap reaches the worker too
    expect(control.main).toBeLessThanOrEqual(4);
    expect(control.worker).toBeLessThanOrEqual(4);
    const split = run(true);
    expect(split.main).toBeLessThanOrEqual(4);
    // V8 splits a young generation into two semi-spaces and a large-object space of the same size:
    // the new space (both semi-spaces) grows to 2/3 of the worker's resourceLimits, and no further
    expect(split.worker).toBeGreaterThanOrEqual((WORKER_YOUNG_GENERATION_MB * 2) / 3 - 1);
    expect(split.worker).toBeLessThanOrEqual((WORKER_YOUNG_GENERATION_MB * 2) / 3);
  });

  it('the Dockerfile and npm start run the gateway with the main-thread flags', () => {
    const dockerfile = readFileSync(`${root}/Dockerfile`, 'utf8');
    const start = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start;
    const entrypoint = JSON.stringify(['node', ...MAIN_THREAD_NODE_FLAGS, 'dist/cli/main.js']).replaceAll(',', ', ');
    expect(dockerfile).toContain(`ENTRYPOINT ${entrypoint}`);
    expect(start).toContain(`node ${MAIN_THREAD_NODE_FLAGS.join(' ')} dist/cli/main.js serve`);
  });

  it('the Dockerfile and npm start run the gateway with its process environment', () => {
    const dockerfile = readFileSync(`${root}/Dockerfile`, 'utf8');
    const start = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start;
    for (const [name, value] of Object.entries(GATEWAY_PROCESS_ENV)) {
      expect(dockerfile).toMatch(new RegExp(`^ENV .*\\b${name}=${value}\\b`, 'm'));
      // set on the command npm's shell execs, so node itself starts with it
      expect(start).toMatch(new RegExp(`\\b${name}=${value} exec node `));
    }
    // and npm's shell really hands it to node
    const r = spawnSync('sh', ['-c', start!.replace(/exec node .*/, 'exec node -p process.env')], { encoding: 'utf8', cwd: root });
    for (const [name, value] of Object.entries(GATEWAY_PROCESS_ENV)) expect(r.stdout).toContain(`${name}: '${value}'`);
  });
});

describe('capsMainYoungGeneration', () => {
  it.each([
    { execArgv: [], nodeOptions: undefined, caps: false },
    { execArgv: [...MAIN_THREAD_NODE_FLAGS], nodeOptions: undefined, caps: true },
    { execArgv: ['--max_semi_space_size=8'], nodeOptions: undefined, caps: true },
    { execArgv: [], nodeOptions: '--trace-warnings --max-semi-space-size=4', caps: true },
    // the old generation's flag is another flag
    { execArgv: ['--max-old-space-size=512'], nodeOptions: undefined, caps: false },
  ])('$execArgv / $nodeOptions → $caps', ({ execArgv, nodeOptions, caps }) => {
    expect(capsMainYoungGeneration(execArgv, nodeOptions)).toBe(caps);
  });
});
