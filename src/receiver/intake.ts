/**
 * The intake switch every receiver consults (HTTP now, gRPC too): once the gateway starts to shut down
 * it is closed, and every new request, on any connection (a keep-alive connection or a long-lived
 * gRPC stream included), is turned away at once: 503 with Retry-After on HTTP, UNAVAILABLE on gRPC, so
 * clients resend elsewhere or after the restart. Requests already past the check finish normally: their
 * spans are admitted before they are answered.
 *
 * One object shared by all receivers, so there is one moment at which intake stops.
 */
export class IntakeSwitch {
  private closedFlag = false;
  private readonly listeners: (() => void)[] = [];

  /** Seconds a turned-away client is asked to wait (Retry-After; gRPC RetryInfo). */
  constructor(readonly retryAfterSeconds = 1) {}

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Stops intake everywhere; idempotent. Listeners (receivers closing idle connections) run once. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const l of this.listeners.splice(0)) l();
  }

  /** Runs `listener` when intake closes (at once if it already has). */
  onClose(listener: () => void): void {
    if (this.closedFlag) listener();
    else this.listeners.push(listener);
  }
}
