/**
 * One timer for every reason to look at the queue again (a back-off ending, the budget having
 * room): asking for an earlier wake-up replaces a later one, a later one is ignored.
 */
export class WakeTimer {
  private timer: NodeJS.Timeout | undefined;
  private at = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly wake: () => void;

  constructor(wake: () => void) {
    this.wake = wake;
  }

  in(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, ms) + 5;
    if (at >= this.at && this.timer) return;
    clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(() => {
      this.at = Number.POSITIVE_INFINITY;
      this.timer = undefined;
      this.wake();
    }, at - Date.now());
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
