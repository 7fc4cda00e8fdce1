/**
 * The simulator's per-bar liquidation check, shortcut included (liquidation-bound.ts), against the rule it
 * implements: a one-position account is liquidated on a bar (its orders cancelled, then as much of the position
 * closed as it takes) exactly when the exact margin (margin.ts, BigInt) finds it liquidatable at one of the
 * bar's oracle points.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SimExchange } from './exchange.ts';
import { computeMargin, isLiquidatable } from './margin.ts';
import { priceInteger } from './margin-doubles.ts';
import { bar, flat, limit, MINUTE, SOL, T0, usd } from './test-support/fixtures.ts';

const accountArb = fc.record({
  deposit: fc.integer({ min: 20, max: 2_000 }),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  /** Taken at once at about 100 (SOL, on the step). */
  size: fc.integer({ min: 1, max: 300 }).map((n) => n / 10),
  /** Open orders left resting away from the bar (a grid's). */
  bids: fc.integer({ min: 0, max: 20 }).map((n) => n / 2),
  asks: fc.integer({ min: 0, max: 20 }).map((n) => n / 2),
});

/** Oracle points of the bar (USD): its low and high, in path order, and its close. */
const barArb = fc
  .record({
    low: fc.integer({ min: 7_000, max: 10_000 }),
    high: fc.integer({ min: 10_000, max: 13_000 }),
    close: fc.integer({ min: 0, max: 1_000 }),
  })
  .map(({ low, high, close }) => ({
    low: low / 100,
    high: high / 100,
    close: (low + ((high - low) * close) / 1_000) / 100,
  }));

describe('the per-bar liquidation check', () => {
  it('liquidates a one-position account exactly when the exact margin is under at a bar point', () => {
    let liquidations = 0;
    let quiet = 0;
    fc.assert(
      fc.property(accountArb, barArb, fc.boolean(), (a, b, up) => {
        const ex = new SimExchange({ markets: [SOL] });
        const id = ex.createSubaccount('t');
        ex.deposit(id, usd(a.deposit));
        ex.onBar(0, flat(T0, 100), MINUTE);
        const ts = T0 + MINUTE;
        ex.execute(id, [{ kind: 'place', order: limit(a.side, a.size, a.side === 'buy' ? 101 : 99) }], ts);
        if (a.bids > 0) ex.execute(id, [{ kind: 'place', order: limit('buy', a.bids, 60) }], ts);
        if (a.asks > 0) ex.execute(id, [{ kind: 'place', order: limit('sell', a.asks, 140) }], ts);
        ex.drainEvents();
        const positions = ex.ledgerPositions(id);
        if (positions.length !== 1) return;
        const collateral = ex.account(id).collateral;
        const funding = ex.funding(0);
        const points = up ? [b.low, b.high, b.close] : [b.high, b.low, b.close];
        const under = points.some((p) =>
          isLiquidatable(
            computeMargin({
              collateral,
              positions,
              oraclePrice: () => BigInt(priceInteger(p)),
              market: () => SOL,
              cumulativeFunding: () => funding,
            }),
          ),
        );
        // orders rest at 60 and 140, out of every bar's reach: the account's state is fixed through the bar
        const open = up ? Math.min(b.low + 0.01, b.close) : Math.max(b.high - 0.01, b.close);
        ex.onBar(
          0,
          bar(ts, open, b.high, b.low, b.close, { oracleOpen: open, oracleHigh: b.high, oracleLow: b.low }),
          MINUTE,
        );
        // a liquidation cancels the orders first, and may close nothing once they are gone
        const liquidated = ex
          .drainEvents()
          .some((e) => e.type === 'liquidated' || (e.type === 'cancelled' && e.reason === 'liquidation'));
        if (liquidated) liquidations++;
        else quiet++;
        assert.equal(liquidated, under, `points ${points}: exact check says ${under ? '' : 'not '}under`);
      }),
      { numRuns: 1_500 },
    );
    // both outcomes were seen, so the comparison was tested both ways
    assert.ok(liquidations > 50 && quiet > 50, `${liquidations} liquidated, ${quiet} not`);
  });
});
