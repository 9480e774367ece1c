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

/**
 * The pause after the n-th provider rate limit in a row that reached us through OpenClaw:
 * at least `baseMs`, doubling up to 16 × `baseMs`, plus up to 10 % jitter so several installs
 * do not come back at the same instant.
 */
export function providerPauseMs(n: number, baseMs: number, random: () => number = Math.random) {
  const pause = baseMs * Math.min(16, 2 ** Math.max(0, n - 1));
  return Math.floor(pause + random() * pause * 0.1);
}
