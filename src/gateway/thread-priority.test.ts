/**
 * thread-priority.ts on a real worker thread: lowering its nice value changes that thread only (the
 * main thread keeps its own), as a huge request's worker does (policy-workers.ts).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { LOW_PRIORITY_NICE, setThreadNice, threadNice } from './thread-priority.js';

const linux = process.platform === 'linux';

describe('thread priority', () => {
  it('a worker thread lowers its own priority; the main thread keeps its own (Linux; elsewhere nothing changes)', async () => {
    if (!linux) {
      expect(setThreadNice(LOW_PRIORITY_NICE)).toBe(false);
      return;
    }
    const before = threadNice();
    expect(before).toBeTypeOf('number');
    const module = new URL('./thread-priority.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(module)}); }).then((m) => {
      const ok = m.setThreadNice(${LOW_PRIORITY_NICE});
      require('node:worker_threads').parentPort.postMessage({ ok, nice: m.threadNice() });
    });`;
    const w = new Worker(code, { eval: true });
    const seen = await new Promise<{ ok: boolean; nice: number }>((resolve) => w.once('message', resolve));
    await w.terminate();
    expect(seen).toEqual({ ok: true, nice: LOW_PRIORITY_NICE });
    expect(threadNice()).toBe(before);
  });
});
