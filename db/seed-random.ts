// Seeded randomness for synthetic data (the bulk seed, test histories, benchmarks): the same
// seed gives the same data, so runs are comparable and a test that passes once passes always.

/** mulberry32: a small, fast, well-mixed 32-bit generator; returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
