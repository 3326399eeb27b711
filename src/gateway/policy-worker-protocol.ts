/** The messages between the pool (policy-workers.ts) and a policy worker (policy-worker.ts). */
import type { CompressionPlan, EncodingPlan } from '../export/encode-output.js';
import type { DecodeLimits, Encoding } from '../otlp/codec.js';
import type { Signal } from '../otlp/signal.js';
import type { CapVerdict } from '../policy/caps.js';
import type { PolicySource } from '../policy/compile.js';
import type { CompileReport } from '../policy/compile-report.js';
import type { SharedWordTable } from '../policy/detect/lexicon/word-table.js';
import type { CapRequest, RequestContext } from '../policy/types.js';
import type { StepOutcome } from './policy-step.js';

export interface WorkerInit {
  /** Where `hash` actions read their keys (the gateway's environment). */
  env: Readonly<Record<string, string | undefined>>;
  limits: DecodeLimits;
  plan: EncodingPlan;
  /** The compressed formats to make each output's bodies in (encode-output.ts). */
  compress: CompressionPlan;
  /** The generations live when the worker starts, oldest first. */
  policies: { generation: number; sources: PolicySource[] }[];
  /** The main thread's PERSON word table in shared memory, adopted instead of built (policy-worker-entry.ts). */
  wordTable?: SharedWordTable;
}

export type ToWorker =
  | { t: 'policy'; generation: number; sources: PolicySource[] }
  | { t: 'retire'; below: number }
  | {
      t: 'run';
      id: number;
      generation: number;
      signal: Signal;
      encoding: Encoding;
      /** The raw body, transferred. */
      body: ArrayBuffer;
      ctx: RequestContext;
      /** The request's decode limit and what the main thread took of the in-flight pool for it. */
      budget?: { limitBytes: number; reservedBytes: number };
      /**
       * The body is still compressed: the worker inflates it under `limitBytes`, reports the size
       * ('inflated') and waits for 'sized' before it decodes (the budget comes with that answer).
       */
      compressed?: { coding: 'gzip' | 'deflate'; limitBytes: number };
      /** A huge request: run it at the lower thread priority (thread-priority.ts). */
      lowPriority?: boolean;
    }
  /**
   * The answer to 'inflated': `run` (with the decode budget taken for it), `busy` (no room in the
   * in-flight pool: the pool has answered the request 503; the worker drops it), or `return` (it is
   * huge and huge requests hold every worker they may: send the inflated body back, to wait).
   */
  | { t: 'sized'; id: number; answer: 'run' | 'busy' | 'return'; budget?: { limitBytes: number; reservedBytes: number }; lowPriority?: boolean }
  | { t: 'verdicts'; id: number; verdicts: readonly CapVerdict[] };

export type FromWorker =
  | { t: 'ready' }
  /** What compiling a generation said: its version, or the issues the main thread places at file:line:col. */
  | { t: 'policy'; generation: number; report: CompileReport }
  | { t: 'caps'; id: number; requests: readonly CapRequest[] }
  /** A compressed body inflated to `bytes` (within its limit). */
  | { t: 'inflated'; id: number; bytes: number }
  /** The inflated body handed back (transferred) after 'sized' said `return`. */
  | { t: 'returned'; id: number; body: ArrayBuffer }
  /** `charged`: the decode budget's estimate of what the request decoded to. */
  | { t: 'done'; id: number; outcome: StepOutcome; charged: number; lowered?: boolean };
