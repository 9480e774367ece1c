import type { UpstreamStatus } from '../../shared/upstream.ts';
import type { CallOutcome } from '../../shared/worker-protocol.ts';
import type { Grant, UpstreamBudget } from './call-grants.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { GatewayHealth } from './gateway-health.ts';
import type { Limiter } from './rate-limit-types.ts';

/** While the breaker holds, runs that already have a worker look again this often. */
const BREAKER_POLL_MS = 250;

/**
 * The shared upstream budget the scheduler and workers go through: the gateway's health (away:
 * nothing goes until its probe sees it again), the rate limiter (window, concurrency, 429
 * pause), the circuit breaker (open: tasks stay queued; half open: one probe) and the token
 * (refused: dispatch stops, one probe per `authRetryMs`, tasks wait).
 */
export class UpstreamGate implements UpstreamBudget {
  private readonly limiter: Limiter;
  private readonly breaker: CircuitBreaker;
  private readonly health: GatewayHealth;
  private readonly authRetryMs: number;
  private authRetryAt: number | null = null;
  private readonly changed: () => void;

  constructor(
    parts: { limiter: Limiter; breaker: CircuitBreaker; health: GatewayHealth },
    authRetryMs: number,
    onChange: () => void,
  ) {
    this.limiter = parts.limiter;
    this.breaker = parts.breaker;
    this.health = parts.health;
    this.authRetryMs = authRetryMs;
    this.changed = onChange;
  }

  dispatchDelayMs(pending: number): number {
    const now = Date.now();
    if (!this.health.isUp()) {
      const next = this.health.status().nextProbeAt;
      return next === null ? BREAKER_POLL_MS : Math.max(BREAKER_POLL_MS, next - now);
    }
    if (this.authRetryAt !== null && now < this.authRetryAt) return this.authRetryAt - now;
    if (!this.breaker.wouldAllow()) {
      // Open: look again when the cool-down ends; half open: when the probe has answered.
      const { state, retryAt } = this.breaker.status();
      return state === 'open' && retryAt !== null ? Math.max(1, retryAt - now) : BREAKER_POLL_MS;
    }
    if (!this.limiter.canStartNow(pending)) {
      const eta = this.limiter.etaMs(this.limiter.status().waiting + pending + 1);
      return Math.max(BREAKER_POLL_MS, eta);
    }
    // A refused token gets one probe per period, not a stampede of doomed requests.
    if (this.authRetryAt !== null) this.authRetryAt = now + this.authRetryMs;
    return 0;
  }

  async acquire(priority: number, signal: AbortSignal): Promise<Grant> {
    const probe = await this.passBreaker(signal);
    let grant: Grant;
    try {
      grant = await this.limiter.acquire(priority, signal);
    } catch (err) {
      if (probe) this.breaker.onProbeAbandoned();
      throw err;
    }
    let released = false;
    return {
      reachedUpstream: () => grant.reachedUpstream(),
      release: (outcome: CallOutcome) => {
        if (released) return;
        released = true;
        grant.release(outcome);
        this.judge(outcome, probe);
      },
    };
  }

  status(): UpstreamStatus {
    const limiter = this.limiter.status();
    const breaker = this.breaker.status();
    const rejected = this.authRetryAt !== null;
    return {
      limiter,
      breaker,
      gateway: this.health.status(),
      auth: { state: rejected ? 'rejected' : 'ok', retryAt: this.authRetryAt },
    };
  }

  /** A new token: whatever the old one was refused for no longer holds. */
  tokenChanged(): void {
    this.authRetryAt = null;
    this.changed();
  }

  stop(): void {
    this.limiter.stop();
    this.health.stop();
  }

  /**
   * Waits while the gateway is away or the breaker is open; true when this call is the
   * half-open probe. A run handed out just before the gateway went away waits here.
   */
  private async passBreaker(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) throw new Error('aborted');
      if (!this.health.isUp()) {
        await new Promise((resolve) => setTimeout(resolve, BREAKER_POLL_MS).unref());
        continue;
      }
      const wasHalfOpen = this.breaker.status().state !== 'closed';
      if (this.breaker.allowRequest()) return wasHalfOpen;
      const retryAt = this.breaker.status().retryAt;
      const wait = retryAt === null ? BREAKER_POLL_MS : Math.max(1, retryAt - Date.now());
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, BREAKER_POLL_MS)).unref());
    }
  }

  /** What one call's outcome says of upstream health. */
  private judge(outcome: CallOutcome, probe: boolean): void {
    switch (outcome.kind) {
      case 'ok':
      case 'client_error':
        this.breaker.onSuccess();
        if (this.authRetryAt !== null) this.authRetryAt = null;
        break;
      case 'server_error':
      case 'network_error':
        this.breaker.onFailure();
        break;
      case 'unavailable':
        // The gateway is away, not failing: its health probe decides, the breaker stays out.
        this.health.down(outcome.reason);
        if (probe) this.breaker.onProbeAbandoned();
        break;
      case 'auth_error':
        this.authRetryAt = Date.now() + this.authRetryMs;
        if (probe) this.breaker.onProbeAbandoned();
        break;
      default:
        if (probe) this.breaker.onProbeAbandoned();
    }
    this.changed();
  }
}
