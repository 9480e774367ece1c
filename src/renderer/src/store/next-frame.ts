import type { Scheduler } from './frame-queue.ts';

/**
 * requestAnimationFrame does not fire in a hidden tab, so a timer backs it up: a background
 * tab keeps applying events (slowly) instead of piling them up until it is shown.
 */
export const nextFrame: Scheduler = (run) => {
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, 250);
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};
