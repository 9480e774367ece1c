/** A round top for the value axis a little above the limit (or the highest sample). */
export function axisTop(limit: number, samples: readonly number[]): number {
  const highest = Math.max(limit, ...samples, 1);
  const step = highest <= 10 ? 2 : highest <= 50 ? 10 : highest <= 100 ? 20 : 50;
  return Math.ceil((highest * 1.1) / step) * step;
}
