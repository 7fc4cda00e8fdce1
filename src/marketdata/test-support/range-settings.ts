/**
 * Random blended-range settings for the property tests of the range's windows (rolling-percentile.test.ts,
 * lattice-windows.test.ts): short lookbacks (a stream of a few hundred samples fills and empties them), weights
 * with at least one window on, and percentile pairs anywhere or near the ends (where the tail windows serve).
 */
import fc from 'fast-check';
import { LOOKBACK_KEYS, type LookbackKey } from '../blended-range.ts';

export interface RangeSettings {
  pLo: number;
  pHi: number;
  lookbackMs: Record<LookbackKey, number>;
  weights: Record<LookbackKey, number>;
}

/** Settings with pLo < pHi (draws that would not have it are filtered out). */
export const rangeSettings: fc.Arbitrary<RangeSettings> = fc
  .record({
    lookbacks: fc.tuple(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 120 }),
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1, max: 300 }),
    ),
    quarters: fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)).filter((w) => w.some((x) => x > 0)),
    pLo: fc.oneof(fc.double({ min: 0, max: 99.5, noNaN: true }), fc.constantFrom(0, 5, 12.5)),
    width: fc.oneof(fc.double({ min: 0.5, max: 100, noNaN: true }), fc.constantFrom(75, 90, 100)),
  })
  .map(({ lookbacks, quarters, pLo, width }) => {
    const lookbackMs = {} as Record<LookbackKey, number>;
    const weights = {} as Record<LookbackKey, number>;
    LOOKBACK_KEYS.forEach((key, i) => {
      lookbackMs[key] = lookbacks[i] as number;
      weights[key] = (quarters[i] as number) / 4;
    });
    return { pLo, pHi: Math.min(100, pLo + width), lookbackMs, weights };
  })
  .filter((s) => s.pLo < s.pHi);
