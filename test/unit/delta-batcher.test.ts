import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaBatcher } from '../../src/worker/delta-batcher.ts';

// Fake timers: what matters is which deltas end up in one message, not how fast that is.
beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function batcher(delayMs = 25) {
  const emitted: string[] = [];
  return { b: new DeltaBatcher((t) => emitted.push(t), delayMs), emitted };
}

describe('DeltaBatcher', () => {
  it('joins deltas of one burst into one message', () => {
    const { b, emitted } = batcher();
    b.push('Hel');
    b.push('lo');
    b.push(' world');
    expect(emitted).toEqual([]);
    vi.advanceTimersByTime(25);
    expect(emitted).toEqual(['Hello world']);
  });

  it('sends the first delta of a burst after delayMs even while more keep coming', () => {
    // A debounce would wait for a pause that a fast model never makes.
    const { b, emitted } = batcher();
    b.push('a');
    vi.advanceTimersByTime(20);
    b.push('b');
    vi.advanceTimersByTime(5);
    expect(emitted).toEqual(['ab']);
    b.push('c');
    vi.advanceTimersByTime(25);
    expect(emitted).toEqual(['ab', 'c']);
  });

  it('flush() sends what is pending at once and cancels the timer', () => {
    const { b, emitted } = batcher();
    b.push('tail');
    b.flush();
    expect(emitted).toEqual(['tail']);
    vi.advanceTimersByTime(100);
    expect(emitted).toEqual(['tail']);
  });

  it('never sends an empty message', () => {
    const { b, emitted } = batcher();
    b.push('');
    b.flush();
    vi.advanceTimersByTime(100);
    expect(emitted).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
