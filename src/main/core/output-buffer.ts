interface Live {
  attempt: number;
  text: string;
  pending: string;
}

type Flush = (batch: { taskId: string; attempt: number; text: string }[]) => void;

/**
 * Streamed text of running tasks: the whole live text in memory for readers, and what has not
 * reached SQLite yet, flushed in one transaction per interval (DESIGN.md: checkpoints at most
 * every ~500 ms per task), so a crash loses at most a moment of text.
 */
export class OutputBuffer {
  private readonly live = new Map<string, Live>();
  private readonly timer: NodeJS.Timeout;
  private readonly flush: Flush;

  constructor(intervalMs: number, flush: Flush) {
    this.flush = flush;
    this.timer = setInterval(() => this.flushAll(), intervalMs);
    this.timer.unref();
  }

  start(taskId: string, attempt: number, text: string): void {
    this.live.set(taskId, { attempt, text, pending: '' });
  }

  /** Appends text; returns the offset it starts at, or undefined for a run not tracked. */
  append(taskId: string, attempt: number, text: string): number | undefined {
    const entry = this.live.get(taskId);
    if (!entry || entry.attempt !== attempt) return undefined;
    const offset = entry.text.length;
    entry.text += text;
    entry.pending += text;
    return offset;
  }

  text(taskId: string): string | undefined {
    return this.live.get(taskId)?.text;
  }

  /** Writes the task's pending text now. */
  flushTask(taskId: string): void {
    const entry = this.live.get(taskId);
    if (!entry?.pending) return;
    this.flush([{ taskId, attempt: entry.attempt, text: entry.pending }]);
    entry.pending = '';
  }

  /** Flushes the task's pending text and forgets it. */
  finish(taskId: string): void {
    this.flushTask(taskId);
    this.live.delete(taskId);
  }

  flushAll(): void {
    const batch: { taskId: string; attempt: number; text: string }[] = [];
    for (const [taskId, entry] of this.live) {
      if (!entry.pending) continue;
      batch.push({ taskId, attempt: entry.attempt, text: entry.pending });
      entry.pending = '';
    }
    if (batch.length) this.flush(batch);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
