/**
 * The policy compiled and run on the main thread (`service.workers: 0`). start.ts imports this module
 * only then (a dynamic import), so with policy workers the main thread never loads the compiler, the
 * engine or the detectors: there the workers compile and judge the policy (policy-workers.ts).
 */
import { compilePolicy, type PolicySource } from '../policy/compile.js';
import { compileReport } from '../policy/compile-report.js';
import type { CompiledPolicy } from '../policy/types.js';
import type { ActivePolicy } from './pipeline.js';
import type { PolicySwitch } from './policy-holder.js';

export class InlinePolicy implements ActivePolicy {
  private active: CompiledPolicy | undefined;

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  /** The policy requests run under; read once per request (swapped whole, as PolicyHolder does). */
  get current(): CompiledPolicy {
    if (this.active === undefined) throw new Error('no policy compiled yet');
    return this.active;
  }

  /** Compiles `sources`; when they are valid, requests run under them from now on. */
  switchTo(sources: readonly PolicySource[]): PolicySwitch {
    const r = compilePolicy(sources, { env: this.env });
    const report = compileReport(r);
    if (!report.ok) return { ok: false, error: `${report.errors.length} error(s) compiling the policy`, failed: report };
    if (r.ok) this.active = r.policy;
    return { ok: true, compiled: report };
  }
}
