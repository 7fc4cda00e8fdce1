/**
 * A seeded PRNG for fault injection (never Math.random: a failing chaos seed must replay bit for bit).
 * mulberry32 from src/data/synthetic.ts, with the few draws fault injection needs.
 */
import { seededRandom } from '../../../data/synthetic.ts';

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability p (p ≤ 0 never draws true, p ≥ 1 always). */
  chance(p: number): boolean;
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
}

export function createPrng(seed: number): Prng {
  const next = seededRandom(seed);
  return {
    next,
    chance: (p) => next() < p,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
  };
}

/** Derives an independent seed for a sub-stream (market faults, venue faults, ...) from a run's seed. */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
