/**
 * A policy worker thread (each worker of policy-workers.ts, imported by policy-worker-entry.ts once
 * the shared word table is installed). It holds compiled policies by generation and runs the policy
 * step (policy-step.ts) for one request at a time:
 *
 *   main → { t: 'policy', generation, sources }   compile; answer { t: 'policy', generation, report }
 *                                                   (the version, or every issue: compile-report.ts)
 *   main → { t: 'retire', below }                  forget generations older than `below`
 *   main → { t: 'run', id, generation, … body }    (body transferred) → { t: 'caps', id, requests } when
 *   main → { t: 'verdicts', id, verdicts }           caps apply, then { t: 'done', id, outcome } with the
 *                                                   encoded bodies transferred back
 *   a compressed body is inflated first → { t: 'inflated', id, bytes }; main → { t: 'sized', id, answer }:
 *   'run' (go on, with the budget), 'busy' (dropped: already answered 503), or 'return' → { t: 'returned',
 *   id, body } (a huge request sent back to wait for a worker it may take, policy-workers.ts)
 *
 * A request names its generation, so it runs under exactly one compiled policy whatever reload
 * happens meanwhile. Nothing here logs: errors go back as values; a crash is the pool's to handle.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transferableBodies } from '../export/encode-output.js';
import { compilePolicy, type PolicySource } from '../policy/compile.js';
import { compileReport } from '../policy/compile-report.js';
import type { CapVerdict } from '../policy/caps.js';
import type { CompiledPolicy } from '../policy/types.js';
import { LOW_PRIORITY_NICE, setThreadNice, threadNice } from './thread-priority.js';
import { inflateStep, reservedBudget, runStep, type StepRequest } from './policy-step.js';
import type { FromWorker, ToWorker, WorkerInit } from './policy-worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const policies = new Map<number, CompiledPolicy>();
const waiting = new Map<number, (verdicts: readonly CapVerdict[]) => void>();
type Sized = Extract<ToWorker, { t: 'sized' }>;
const sizing = new Map<number, (answer: Sized) => void>();
/** The nice value this thread started with, and whether it runs lower now (thread-priority.ts). */
const normalNice = threadNice() ?? 0;
let lowered = false;

const send = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

function compile(generation: number, sources: PolicySource[]): FromWorker {
  const r = compilePolicy(sources, { env: init.env });
  if (r.ok) policies.set(generation, r.policy);
  return { t: 'policy', generation, report: compileReport(r) };
}

/**
 * Test-only: LOOPGATE_WORKER_CRASH=throw|exit|oom makes a worker fail that way on a request whose body
 * holds CRASH_MARKER (test/gateway/worker-crash.test.ts). Unset, as always outside that test, it costs
 * one comparison per request.
 */
const crashMode = process.env.LOOPGATE_WORKER_CRASH;
const CRASH_MARKER = 'loopgate-test-crash-worker';

function maybeCrash(body: Uint8Array): void {
  if (crashMode === undefined || Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(CRASH_MARKER) === -1) return;
  if (crashMode === 'exit') process.exit(3);
  if (crashMode === 'oom') {
    const hoard: unknown[] = [];
    for (;;) hoard.push(new Array(1 << 16).fill({ crash: hoard.length }));
  }
  throw new Error('test-only worker crash (LOOPGATE_WORKER_CRASH)');
}

async function run(m: Extract<ToWorker, { t: 'run' }>): Promise<void> {
  const policy = policies.get(m.generation);
  if (policy === undefined) throw new Error(`policy generation ${m.generation} is not loaded in this worker`);
  let body: Uint8Array = new Uint8Array(m.body);
  let budget = m.budget;
  let lowPriority = m.lowPriority === true;
  if (m.compressed !== undefined) {
    const inflated = inflateStep(body, m.compressed);
    if (!inflated.ok) {
      send({ t: 'done', id: m.id, outcome: inflated, charged: 0 });
      return;
    }
    body = inflated.bytes;
    send({ t: 'inflated', id: m.id, bytes: body.byteLength });
    const sized = await new Promise<Sized>((resolve) => sizing.set(m.id, resolve));
    if (sized.answer === 'busy') return;
    if (sized.answer === 'return') {
      const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
      send({ t: 'returned', id: m.id, body: own.buffer as ArrayBuffer }, [own.buffer as ArrayBuffer]);
      return;
    }
    budget = sized.budget;
    if (sized.lowPriority) lowPriority = true;
  }
  maybeCrash(body);
  const request: StepRequest = { signal: m.signal, encoding: m.encoding, body, ctx: m.ctx };
  if (budget !== undefined) request.budget = reservedBudget(budget.limitBytes, budget.reservedBytes);
  if (lowPriority && !lowered) lowered = setThreadNice(LOW_PRIORITY_NICE);
  const outcome = await runStep(
    request,
    policy,
    init.limits,
    init.plan,
    (requests) => {
      send({ t: 'caps', id: m.id, requests });
      return new Promise((resolve) => waiting.set(m.id, resolve));
    },
    init.compress,
  );
  // Back to the normal priority for whatever comes next, where the OS lets us (else the pool knows).
  if (lowered) lowered = !setThreadNice(normalNice);
  send({ t: 'done', id: m.id, outcome, charged: request.budget?.charged ?? 0, lowered }, outcome.ok ? transferableBodies(outcome.outputs) : []);
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'policy':
      send(compile(m.generation, m.sources));
      return;
    case 'retire':
      for (const g of policies.keys()) if (g < m.below) policies.delete(g);
      return;
    case 'sized': {
      const resolve = sizing.get(m.id);
      sizing.delete(m.id);
      resolve?.(m);
      return;
    }
    case 'verdicts': {
      const resolve = waiting.get(m.id);
      waiting.delete(m.id);
      resolve?.(m.verdicts);
      return;
    }
    case 'run':
      // A throw here is a bug or the test hook: it escapes as an uncaught error, the worker dies, and
      // the pool answers the request 503 (fail closed) and starts another worker.
      run(m).catch((err: unknown) => {
        throw err;
      });
      return;
  }
});

for (const p of init.policies) send(compile(p.generation, p.sources));
send({ t: 'ready' });
