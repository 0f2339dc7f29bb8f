// Seeded randomness for synthetic histories: the same seed gives the same history, so a test
// that passes once passes always.

export { seededRandom } from '../../db/seed-random';

/** A Poisson draw by Knuth's method: fine for the small daily rates the tests use. */
export function poissonDraw(random: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}
