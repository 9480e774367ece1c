/** Change listeners; one that throws is reported like EventTarget does, and the rest still run. */
export class Listeners {
  private readonly set = new Set<() => void>();

  /** Returns unsubscribe. */
  add(listener: () => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(): void {
    for (const listener of [...this.set]) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
