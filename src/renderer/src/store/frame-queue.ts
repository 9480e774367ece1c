export interface FrameQueue<T> {
  push(item: T): void;
  /** Apply what is queued now, e.g. so a sent message shows without waiting for a frame. */
  flushNow(): void;
}

/** Runs `run` on the next animation frame; returns a cancel function. */
export type Scheduler = (run: () => void) => () => void;

/**
 * Collects items and hands them to `apply` in one batch per frame, so the UI renders at most
 * once per frame however many tasks stream.
 */
export function createFrameQueue<T>(
  apply: (items: T[]) => void,
  schedule: Scheduler,
): FrameQueue<T> {
  let items: T[] = [];
  let cancel: (() => void) | null = null;

  const flush = (): void => {
    cancel?.();
    cancel = null;
    if (items.length === 0) return;
    const batch = items;
    items = [];
    apply(batch);
  };

  return {
    push(item) {
      items.push(item);
      cancel ??= schedule(flush);
    },
    flushNow: flush,
  };
}
