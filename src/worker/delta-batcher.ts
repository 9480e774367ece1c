/**
 * Joins deltas that arrive close together into one message. A model can emit hundreds of
 * tiny tokens a second; one IPC message (and one store write, one UI update) per token would
 * cost more than the text is worth. The first delta of a quiet spell waits at most `delayMs`.
 */
export class DeltaBatcher {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  private readonly emit: (text: string) => void;
  private readonly delayMs: number;

  constructor(emit: (text: string) => void, delayMs = 25) {
    this.emit = emit;
    this.delayMs = delayMs;
  }

  push(text: string): void {
    if (!text) return;
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Sends what is pending now; call before the final message so no text trails it. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.emit(text);
  }
}
