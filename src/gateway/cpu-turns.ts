/**
 * Takes turns for CPU-heavy work on the event loop: at most one job is released per loop iteration.
 *
 * Why: the policy engine is synchronous (tens of milliseconds for a 100-span request). Node runs every
 * ready I/O callback of a poll phase back to back, so with N clients sending at once one loop iteration
 * costs N × that, and each step of an export (compress, write, read the answer) waits a whole
 * iteration. Under load the export queues then fall behind intake although the exporters are idle.
 * Releasing one job per `setImmediate` lets the loop service sockets and timers between jobs, so
 * exports proceed at I/O speed while the CPU stays busy with policy work.
 */
export class CpuTurns {
  private readonly waiting: (() => void)[] = [];
  private head = 0;
  private scheduled = false;

  /** Resolves when it is this caller's turn; run the heavy work synchronously right after. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Jobs waiting for a turn (for tests and metrics). */
  get pending(): number {
    return this.waiting.length - this.head;
  }

  private schedule(): void {
    if (this.scheduled || this.pending === 0) return;
    this.scheduled = true;
    setImmediate(this.release);
  }

  private readonly release = (): void => {
    this.scheduled = false;
    const resolve = this.waiting[this.head];
    if (resolve === undefined) return;
    this.waiting[this.head] = undefined as unknown as () => void;
    this.head++;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    }
    // The job runs in the microtask after this callback; the next job waits for the next iteration.
    resolve();
    this.schedule();
  };
}
