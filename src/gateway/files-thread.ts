/**
 * Reads the gateway config and the policy files on a thread of its own that ends once they are read
 * (and, for a policy, once the compile's issues are placed at file:line:col), instead of on the main
 * thread, which with policy workers only moves bytes.
 *
 * Why: reading them loads the YAML parser, zod and the config and policy schemas (~5.5 MiB of heap on
 * an isolate, ~1 MB of module source: zod's is the largest), which the main thread would keep for
 * good although it reads files only at start and on a policy reload. Only the plain results cross:
 * the config, the parsed policy sources (what the workers compile), diagnostics.
 */
import { Worker } from 'node:worker_threads';
import type { GatewayConfig } from '../config/types.js';
import type { PolicyIssue, PolicySource } from '../policy/compile.js';
import type { Diagnostic } from '../yaml/diagnostic.js';
import { workerEntry } from './worker-entry.js';

export type FilesRequest =
  | { t: 'config'; path: string; env: Readonly<Record<string, string | undefined>> }
  | { t: 'policy'; path: string }
  | { t: 'diagnose'; issues: readonly PolicyIssue[] };

export type FilesReply =
  | { t: 'config'; ok: true; config: GatewayConfig }
  | { t: 'config'; ok: false; errors: Diagnostic[] }
  | { t: 'policy'; sources: PolicySource[]; errors: Diagnostic[] }
  | { t: 'diagnosed'; diagnostics: Diagnostic[] };

/** A policy as read: its sources and errors, and where a compile's issues are in its files. */
export interface PolicyFiles {
  readonly sources: PolicySource[];
  /** Unreadable files, YAML syntax and schema errors; when any, `sources` is not a whole policy. */
  readonly errors: Diagnostic[];
  diagnose(issues: readonly PolicyIssue[]): Promise<Diagnostic[]>;
  /** Ends the reading (the thread). Call once the compile's issues are placed. */
  close(): Promise<void>;
}

class FilesThread {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (r: FilesReply) => void; reject: (e: Error) => void }[] = [];
  private failed: Error | undefined;

  constructor() {
    const { entry, eval: isEval } = workerEntry(import.meta.url, 'files-thread-entry');
    this.worker = new Worker(entry, { eval: isEval, execArgv: [] });
    this.worker.on('message', (m: FilesReply) => this.waiting.shift()?.resolve(m));
    const fail = (err: Error): void => {
      this.failed ??= err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the file reading thread exited (code ${code})`)));
  }

  ask<T extends FilesReply['t']>(request: FilesRequest, expect: T): Promise<Extract<FilesReply, { t: T }>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({
        resolve: (r) => (r.t === expect ? resolve(r as Extract<FilesReply, { t: T }>) : reject(new Error(`the file reading thread answered ${r.t} to ${request.t}`))),
        reject,
      });
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('the file reading thread was closed');
    await this.worker.terminate();
  }
}

/** Loads the gateway config off this thread: the config, or its file:line:col errors. */
export async function loadConfigOffThread(path: string, env: Readonly<Record<string, string | undefined>>): Promise<{ ok: true; config: GatewayConfig } | { ok: false; errors: Diagnostic[] }> {
  const thread = new FilesThread();
  try {
    const r = await thread.ask({ t: 'config', path, env }, 'config');
    return r.ok ? { ok: true, config: r.config } : { ok: false, errors: r.errors };
  } finally {
    await thread.close();
  }
}

/** Reads the policy at `path` off this thread, which stays to place a compile's issues until `close`. */
export async function readPolicyOffThread(path: string): Promise<PolicyFiles> {
  const thread = new FilesThread();
  try {
    const r = await thread.ask({ t: 'policy', path }, 'policy');
    return {
      sources: r.sources,
      errors: r.errors,
      diagnose: async (issues) => (issues.length === 0 ? [] : (await thread.ask({ t: 'diagnose', issues }, 'diagnosed')).diagnostics),
      close: () => thread.close(),
    };
  } catch (err) {
    await thread.close();
    throw err;
  }
}

/** The same, read on this thread (the policy runs here anyway: `service.workers: 0`). */
export async function readPolicyHere(path: string): Promise<PolicyFiles> {
  const { readPolicy } = await import('../policy/read-policy.js');
  const read = readPolicy(path);
  return { sources: read.sources, errors: read.errors, diagnose: async (issues) => read.diagnose(issues), close: async () => {} };
}
