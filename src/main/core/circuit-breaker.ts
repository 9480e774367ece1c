export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerSettings {
  /** Consecutive upstream failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe may go. */
  coolDownMs: number;
}

export const DEFAULT_BREAKER: CircuitBreakerSettings = { failureThreshold: 5, coolDownMs: 30_000 };

export interface BreakerStatus {
  state: BreakerState;
  consecutiveFailures: number;
  /** When it last opened (epoch ms), null while closed. */
  openedAt: number | null;
  /** When a probe may go (epoch ms) while open, null otherwise. */
  retryAt: number | null;
}

/**
 * Stops hammering an upstream that keeps failing. Closed: every request goes. After
 * `failureThreshold` consecutive failures it opens: nothing goes (callers keep their tasks
 * queued, they do not fail them) until `coolDownMs` has passed; then exactly one probe goes
 * (half open). The probe's success closes it, its failure opens it for another cool-down.
 * Which outcomes count as failures is the caller's call: server and network errors do; a 429,
 * a client error or an abort say nothing about upstream health.
 */
export class CircuitBreaker {
  private settings: CircuitBreakerSettings;
  private readonly now: () => number;
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt: number | null = null;
  private probeOut = false;
  private readonly listeners = new Set<(status: BreakerStatus) => void>();

  constructor(settings: CircuitBreakerSettings = DEFAULT_BREAKER, now: () => number = Date.now) {
    this.settings = { ...settings };
    this.now = now;
  }

  /** May a request go now? Moves open → half open once the cool-down has passed. */
  allowRequest(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.now() < this.retryAt()) return false;
      this.state = 'half_open';
      this.probeOut = true;
      this.changed();
      return true;
    }
    // half open: one probe at a time; a probe handed back unjudged lets the next one go.
    if (this.probeOut) return false;
    this.probeOut = true;
    return true;
  }

  /** True when a request would be allowed now, without taking the probe. */
  wouldAllow(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') return this.now() >= this.retryAt();
    return !this.probeOut;
  }

  /** Upstream answered: whatever the state, it works again. */
  onSuccess(): void {
    const was = this.state;
    const hadFailures = this.failures > 0;
    this.state = 'closed';
    this.failures = 0;
    this.openedAt = null;
    this.probeOut = false;
    if (was !== 'closed' || hadFailures) this.changed();
  }

  onFailure(): void {
    this.failures++;
    if (this.state === 'half_open') return this.open(); // the probe failed: another cool-down
    // While open, stragglers sent before it opened fail too; they do not extend the cool-down.
    if (this.state === 'closed' && this.failures >= this.settings.failureThreshold) {
      return this.open();
    }
    this.changed();
  }

  /**
   * The probe ended without telling anything about upstream (aborted, client error): let the
   * next request probe instead, so a cancelled probe cannot leave the breaker stuck half open.
   */
  onProbeAbandoned(): void {
    if (this.state === 'half_open' && this.probeOut) {
      this.probeOut = false;
      this.changed();
    }
  }

  status(): BreakerStatus {
    const open = this.state === 'open';
    return {
      state: this.state,
      consecutiveFailures: this.failures,
      openedAt: this.openedAt,
      retryAt: open ? this.retryAt() : null,
    };
  }

  /** Called with the new status after every change. Returns unsubscribe. */
  onChange(listener: (status: BreakerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  updateSettings(patch: Partial<CircuitBreakerSettings>): void {
    this.settings = { ...this.settings, ...patch };
    this.changed();
  }

  private retryAt(): number {
    return (this.openedAt ?? this.now()) + this.settings.coolDownMs;
  }

  private open(): void {
    this.state = 'open';
    this.openedAt = this.now();
    this.probeOut = false;
    this.changed();
  }

  private changed(): void {
    const status = this.status();
    for (const listener of [...this.listeners]) listener(status);
  }
}
