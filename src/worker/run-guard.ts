import type { JobTimeouts } from '../shared/worker-protocol.ts';
import { stallError } from './network-error.ts';
import { UpstreamError, formatDuration } from './upstream-error.ts';

type Cause = 'aborted' | 'headers' | 'stall' | 'total';

/**
 * Owns every way a run can be cut short: the caller's signal, the silence timer (headersMs
 * until the answer starts, then stallMs between body bytes) and the total timer. Whichever
 * fires first aborts the request and is remembered, so the error that undici then throws
 * (an AbortError, a destroyed socket…) is reported as what really happened.
 */
export class RunGuard {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timeouts: JobTimeouts;
  private readonly external: AbortSignal | undefined;
  private readonly onExternalAbort = (): void => this.stop('aborted');
  private readonly total: NodeJS.Timeout;
  private silence: NodeJS.Timeout;
  private cause: Cause | null = null;

  constructor(timeouts: JobTimeouts, external?: AbortSignal) {
    this.timeouts = timeouts;
    this.external = external;
    this.signal = this.controller.signal;
    this.total = setTimeout(() => this.stop('total'), timeouts.totalMs);
    this.silence = setTimeout(() => this.stop('headers'), timeouts.headersMs);
    if (external?.aborted) this.stop('aborted');
    else external?.addEventListener('abort', this.onExternalAbort, { once: true });
  }

  /** The answer has started: from now on, silence is measured between body bytes. */
  headersReceived(): void {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => this.stop('stall'), this.timeouts.stallMs);
  }

  /** A byte arrived. `refresh` restarts the timer without allocating one per chunk. */
  touch(): void {
    this.silence.refresh();
  }

  /** The error for the reason this run was stopped, or null while it has not been. */
  error(cause?: unknown): UpstreamError | null {
    switch (this.cause) {
      case null:
        return null;
      case 'aborted':
        return new UpstreamError({
          code: 'aborted',
          message: 'the run was cancelled',
          retryable: false,
          cause,
        });
      case 'headers':
        return new UpstreamError({
          code: 'stall_timeout',
          message: `the gateway did not answer within ${formatDuration(this.timeouts.headersMs)} (headers timeout)`,
          retryable: true,
          cause,
        });
      case 'stall':
        return stallError(this.timeouts.stallMs, cause);
      case 'total':
        return new UpstreamError({
          code: 'timeout',
          message: `the run took longer than its limit of ${formatDuration(this.timeouts.totalMs)}`,
          retryable: false,
          cause,
        });
    }
  }

  dispose(): void {
    clearTimeout(this.total);
    clearTimeout(this.silence);
    this.external?.removeEventListener('abort', this.onExternalAbort);
  }

  private stop(cause: Cause): void {
    if (this.cause !== null) return;
    this.cause = cause;
    this.dispose();
    this.controller.abort(this.error());
  }
}
