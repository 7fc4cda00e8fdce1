/** fast-check arbitraries of the simulator's integers, shared by the margin property tests. */
import fc from 'fast-check';
import { emptyPosition, type PerpPositionState } from '../ledger.ts';

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
