import type { OutputBatchItem } from './task-store.ts';

interface Live {
  attempt: number;
  text: string;
  pending: string;
  /** No text of this run has reached SQLite yet: its first write replaces the previous run's. */
  first: boolean;
}

type Flush = (batch: OutputBatchItem[]) => void;

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

  start(taskId: string, attempt: number): void {
    this.live.set(taskId, { attempt, text: '', pending: '', first: true });
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

  /**
   * The run's text so far; undefined for a run without any yet, whose task still shows what
   * an earlier, cut run left (marked interrupted) until this one's first text replaces it.
   */
  text(taskId: string): string | undefined {
    const entry = this.live.get(taskId);
    return entry && entry.text !== '' ? entry.text : undefined;
  }

  /** Writes the task's pending text now. */
  flushTask(taskId: string): void {
    const entry = this.live.get(taskId);
    if (!entry?.pending) return;
    this.flush([item(taskId, entry)]);
  }

  /** Flushes the task's pending text and forgets it. */
  finish(taskId: string): void {
    this.flushTask(taskId);
    this.live.delete(taskId);
  }

  flushAll(): void {
    const batch: { taskId: string; attempt: number; text: string }[] = [];
    for (const [taskId, entry] of this.live) if (entry.pending) batch.push(item(taskId, entry));
    if (batch.length) this.flush(batch);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The entry's pending text as one write, which then counts as written. */
function item(taskId: string, entry: Live): OutputBatchItem {
  const write = { taskId, attempt: entry.attempt, text: entry.pending, replace: entry.first };
  entry.pending = '';
  entry.first = false;
  return write;
}
