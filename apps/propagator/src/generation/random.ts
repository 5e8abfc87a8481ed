/** A source of uniform numbers in [0, 1), like Math.random; injected so tests are repeatable. */
export type Random = () => number;

/**
 * mulberry32: a tiny seeded generator with good enough statistics for simulation and
 * tests. Not for anything security-related (event ids use crypto.randomUUID).
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
