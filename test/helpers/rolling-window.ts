/** The most starts any half-open interval [t, t + windowMs) holds: what a provider counts. */
export function maxInWindow(starts: readonly number[], windowMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let most = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    while ((s[j] ?? 0) + windowMs <= (s[i] ?? 0)) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
