/** fast-check arbitraries of the simulator's integers, shared by the margin property tests. */
import fc from 'fast-check';
import { getMarket, type MarketSpec } from '../../../domain/markets.ts';
import { emptyPosition, type PerpPositionState } from '../ledger.ts';

/**
 * Two markets, SOL-PERP without a size premium and `withImf` with one (imf), so both margin-ratio paths are
 * taken.
 */
export const marginSpecs = (withImf = 'BTC-PERP'): MarketSpec[] => [
  getMarket('SOL-PERP', { marginRatioInitial: 1000, marginRatioMaintenance: 500, imfFactor: 0 }),
  getMarket(withImf, { marginRatioInitial: 500, marginRatioMaintenance: 300, imfFactor: 450 }),
];

/** A BigInt in [−max, max]. */
export const int = (max: bigint) => fc.bigInt({ min: -max, max });

/** Values spread over magnitudes: small accounts, large ones, and accounts near the edge. */
export const scaled = (maxDigits: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxDigits }), fc.bigInt({ min: -999n, max: 999n }))
    .map(([digits, lead]) => lead * 10n ** BigInt(digits));

/** A position's open bids (≥ 0, BASE): none, or any magnitude. */
export const openBidsArb = fc.oneof(
  fc.constant(0n),
  scaled(12).map((v) => (v < 0n ? -v : v)),
);

/** A position's open asks (≤ 0 as in Drift, BASE): none, or any magnitude. */
export const openAsksArb = fc.oneof(
  fc.constant(0n),
  scaled(12).map((v) => (v > 0n ? -v : v)),
);

/** The drawn fields of a position (the arbitraries above). */
export interface DrawnPosition {
  last: bigint;
  base: bigint;
  quoteAsset: bigint;
  openBids: bigint;
  openAsks: bigint;
  openOrders: number;
}

/** A ledger position of the drawn fields, its entry and break-even at its quote. */
export const positionFrom = (marketIndex: number, r: DrawnPosition): PerpPositionState => ({
  ...emptyPosition(marketIndex, r.last),
  base: r.base,
  quoteAsset: r.quoteAsset,
  quoteEntry: r.quoteAsset,
  quoteBreakEven: r.quoteAsset,
  openBids: r.openBids,
  openAsks: r.openAsks,
  openOrders: r.openOrders,
});

/** A position on `marketIndex` of any magnitude (the fields above). */
export const wildPositionArb = (marketIndex: number): fc.Arbitrary<PerpPositionState> =>
  fc
    .record({
      base: scaled(13),
      quoteAsset: scaled(12),
      openBids: openBidsArb,
      openAsks: openAsksArb,
      openOrders: fc.integer({ min: 0, max: 32 }),
      last: int(10n ** 12n),
    })
    .map((r) => positionFrom(marketIndex, r));
