import type { Grant } from './rate-limit-types.ts';

/** A call waiting for the budget, which may move from one backend to another meanwhile. */
export interface Wait {
  priority: number;
  resolve: (grant: Grant) => void;
  reject: (error: unknown) => void;
  /** Aborts the wait in the backend it is in now, to move it to another. */
  inner: AbortController | null;
}

/**
 * The calls waiting for a grant of the budget switch. Each waits in one backend at a time (the
 * shared budget or a local limiter), through its own inner signal; when the backend changes,
 * every wait is aborted there and asked again in the new one, in the order they came.
 */
export class Waits {
  private readonly waits = new Set<Wait>();

  get size(): number {
    return this.waits.size;
  }

  /** Resolves with the grant; rejects with the signal's reason when it aborts first. */
  add(
    priority: number,
    signal: AbortSignal | undefined,
    submit: (w: Wait) => void,
    changed: () => void,
  ): Promise<Grant> {
    return new Promise<Grant>((resolve, reject) => {
      const onAbort = () => {
        if (!this.waits.delete(w)) return;
        w.inner?.abort(signal?.reason);
        reject(signal?.reason);
        changed();
      };
      const w: Wait = {
        priority,
        resolve: (g) => (signal?.removeEventListener('abort', onAbort), resolve(g)),
        reject: (e) => (signal?.removeEventListener('abort', onAbort), reject(e)),
        inner: null,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waits.add(w);
      submit(w);
      changed();
    });
  }

  /** A backend granted `w` through `inner`: true when it is still waiting there (now taken). */
  claim(w: Wait, inner: AbortController): boolean {
    return w.inner === inner && this.waits.delete(w);
  }

  /** Asks again for every wait, in the backend `submit` now uses. */
  moveAll(submit: (w: Wait) => void): void {
    for (const w of this.waits) {
      w.inner?.abort(new Error('moved to another budget'));
      submit(w);
    }
  }

  rejectAll(error: Error): void {
    for (const w of [...this.waits]) w.reject(error);
    this.waits.clear();
  }
}
