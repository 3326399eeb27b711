/**
 * One budget of request-body bytes for the whole receiver: what every request being read, decoded or
 * processed holds after decompression. The per-request limit (413) bounds one body; this bounds their
 * sum, so many large requests at once are told to come back (503 + Retry-After) instead of growing
 * memory without bound (design.md: bounded by bytes, answer 429/503 rather than grow).
 */
export class InflightBudget {
  private used = 0;

  constructor(readonly capacityBytes: number) {
    if (!(Number.isInteger(capacityBytes) && capacityBytes > 0)) {
      throw new Error(`the in-flight body budget must be a positive number of bytes, got ${capacityBytes}`);
    }
  }

  /** Takes `n` bytes if they fit; false (taking nothing) when they do not. */
  tryTake(n: number): boolean {
    if (this.used + n > this.capacityBytes) return false;
    this.used += n;
    return true;
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - n);
  }

  get usedBytes(): number {
    return this.used;
  }
}
