/**
 * Holds the active policy. A reload replaces the whole object in one assignment, so a request sees
 * either the old policy or the new one, never a mix (design.md: "a reload swaps the whole object
 * atomically"). The pipeline reads `current` once per request.
 *
 * With policy workers the main thread holds only the policy's identity (the workers hold the compiled
 * policy, policy-workers.ts); run inline it holds the CompiledPolicy itself (inline-policy.ts).
 */
import type { CompileReport } from '../policy/compile-report.js';
import type { CompiledPolicy } from '../policy/types.js';

/** What the main thread knows of the running policy: its version stamp and the signals it classifies. */
export type PolicyIdentity = Pick<CompiledPolicy, 'version' | 'classifies'>;

/**
 * How switching to a policy (at start or on reload) ended, wherever it compiled: switched (with the
 * compile's report), or not: `failed` holds the compile's issues when the policy itself is invalid;
 * without it the workers could not take it (a worker compiled another version, a newer reload came first).
 */
export type PolicySwitch =
  | { ok: true; compiled: Extract<CompileReport, { ok: true }> }
  | { ok: false; error: string; failed?: Extract<CompileReport, { ok: false }> };

export class PolicyHolder<P extends PolicyIdentity = CompiledPolicy> {
  private active: P;

  constructor(initial: P) {
    this.active = initial;
  }

  get current(): P {
    return this.active;
  }

  /** Installs `next` and returns the policy it replaced. */
  swap(next: P): P {
    const previous = this.active;
    this.active = next;
    return previous;
  }
}
