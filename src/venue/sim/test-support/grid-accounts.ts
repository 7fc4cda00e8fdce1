/** fast-check arbitraries of the accounts a grid holds, for the property tests of bounds over prices. */
import fc from 'fast-check';
import { emptyPosition, type PerpPositionState } from '../ledger.ts';

/**
 * A position a grid holds on `marketIndex`: up to ±50 units in 0.01-unit lots, entered within 30% of `price`
 * (USD), with up to 20 open orders on either side.
 */
export const gridPosition = (marketIndex: number, price: number): fc.Arbitrary<PerpPositionState> =>
  fc
    .record({
      lots: fc.integer({ min: -5_000, max: 5_000 }),
      bidLots: fc.integer({ min: 0, max: 3_000 }),
      askLots: fc.integer({ min: 0, max: 3_000 }),
      orders: fc.integer({ min: 0, max: 20 }),
      entry: fc.double({ min: 0.7, max: 1.3, noNaN: true }),
    })
    .map((r): PerpPositionState => {
      const quote = -BigInt(Math.round(r.lots * 0.01 * r.entry * price * 1e6));
      return {
        ...emptyPosition(marketIndex, 0n),
        base: BigInt(r.lots) * 10_000_000n,
        quoteAsset: quote,
        quoteEntry: quote,
        quoteBreakEven: quote,
        openOrders: r.orders,
        openBids: r.orders > 0 ? BigInt(r.bidLots) * 10_000_000n : 0n,
        openAsks: r.orders > 0 ? -BigInt(r.askLots) * 10_000_000n : 0n,
      };
    });

/** A grid's collateral: a small USDC borrow up to $100k, QUOTE. */
export const gridCollateral = fc.bigInt({ min: -50_000_000n, max: 100_000_000_000n });
