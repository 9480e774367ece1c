/** Exponential back-off with full jitter (AWS architecture blog): uniform in [0, base·2^(n-1)]. */
export function retryDelayMs(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 1000,
  capMs = 60_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
