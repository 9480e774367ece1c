/**
 * A small seeded generator (mulberry32), so a crash run's choices (batch sizes, conversations,
 * kill moments) repeat for a given seed. Process timing still varies from run to run.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A fresh 32-bit seed for a run that was not given one. */
export const randomSeed = (): number => Math.floor(Math.random() * 4_294_967_296);

/** A whole number in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
