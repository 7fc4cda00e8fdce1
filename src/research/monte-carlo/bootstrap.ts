/**
 * The stationary bootstrap (Politis & Romano, 1994): resample a series in blocks of random, geometrically
 * distributed length (mean `meanBlock`), each block starting at a uniformly random index and wrapping around
 * the end. Blocks keep the short-range dependence of returns (volatility clusters, trends over a few hours)
 * that drawing single bars would destroy; random block lengths keep the resampled series stationary.
 */

/** `length` indices into a series of `n` items. */
export function stationaryBootstrap(
  n: number,
  length: number,
  meanBlock: number,
  rand: () => number,
): Int32Array {
  if (n < 1) throw new RangeError('the bootstrap needs at least one item');
  if (!(meanBlock >= 1)) throw new RangeError('the mean block length must be ≥ 1');
  const out = new Int32Array(length);
  const pNew = 1 / meanBlock;
  let i = Math.floor(rand() * n);
  for (let t = 0; t < length; t++) {
    if (t > 0) i = rand() < pNew ? Math.floor(rand() * n) : (i + 1) % n;
    out[t] = i;
  }
  return out;
}

/** A 32-bit seed for path `k` of a run seeded with `seed`: paths are independent of scheduling. */
export function pathSeed(seed: number, k: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (k + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
