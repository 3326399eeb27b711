/**
 * Holds the active CompiledPolicy. A reload replaces the whole compiled object in one assignment, so a
 * request sees either the old policy or the new one, never a mix (design.md: "a reload swaps the whole
 * object atomically"). The pipeline reads `current` once per request.
 */
import type { CompiledPolicy } from '../policy/types.js';

export class PolicyHolder {
  private active: CompiledPolicy;

  constructor(initial: CompiledPolicy) {
    this.active = initial;
  }

  get current(): CompiledPolicy {
    return this.active;
  }

  /** Installs `next` and returns the policy it replaced. */
  swap(next: CompiledPolicy): CompiledPolicy {
    const previous = this.active;
    this.active = next;
    return previous;
  }
}
