/** fast-check arbitraries of the simulator's integers, shared by the margin property tests. */
import fc from 'fast-check';

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
