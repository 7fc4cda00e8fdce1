/**
 * accountNumbers is accountView and liquidationPrice read as numbers: at every bar of a random walk with a
 * ladder that fills, flips and is re-placed, each of its fields is exactly what the conversions of the other two
 * give (the backtest's grid reads only the numbers, so its decisions rest on this).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceToNumber, quoteToNumber } from '../../domain/precision.ts';
import { SimExchange } from './exchange.ts';
import { bar, limit, MINUTE, SOL, T0, usd } from './test-support/fixtures.ts';

function assertSameAccount(ex: SimExchange, id: number): void {
  const n = ex.accountNumbers(id, SOL.marketIndex);
  const a = ex.accountView(id);
  const liq = ex.liquidationPrice(id, SOL.marketIndex);
  assert.deepEqual(n.positions, a.positions);
  assert.deepEqual(n.openOrders, a.openOrders);
  assert.equal(n.collateral, quoteToNumber(a.collateral));
  assert.equal(n.totalCollateral, quoteToNumber(a.totalCollateral));
  assert.equal(n.maintenanceMarginRequirement, quoteToNumber(a.maintenanceMarginRequirement));
  assert.equal(n.leverage, a.leverage);
  assert.equal(n.health, a.health);
  assert.equal(n.liquidationPrice, liq === undefined ? null : priceToNumber(liq));
}

describe('SimExchange.accountNumbers', () => {
  it('equals accountView and liquidationPrice converted, bar after bar (property)', () => {
    const step = fc.record({
      move: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      range: fc.double({ min: 0, max: 0.02, noNaN: true }),
      replace: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 20_000 }),
        fc.array(step, { minLength: 1, maxLength: 60 }),
        (deposit, steps) => {
          const ex = new SimExchange({ markets: [SOL] });
          const id = ex.createSubaccount('t');
          ex.deposit(id, usd(deposit));
          let price = 100;
          let ts = T0;
          ex.onBar(0, bar(ts, price, price, price, price), MINUTE);
          for (const s of steps) {
            ts += MINUTE;
            if (s.replace) {
              // a ladder around the price (fills, flips the position, leaves orders resting)
              ex.execute(id, [{ kind: 'cancelAll' }], ts);
              const commands = [1, 2, 3].flatMap((k) => [
                {
                  kind: 'place' as const,
                  order: limit('buy', 2, Math.round(price * (1 - 0.01 * k) * 100) / 100),
                },
                {
                  kind: 'place' as const,
                  order: limit('sell', 2, Math.round(price * (1 + 0.01 * k) * 100) / 100),
                },
              ]);
              ex.execute(id, commands, ts);
            }
            const next = Math.max(1, price * (1 + s.move));
            const hi = Math.max(price, next) * (1 + s.range);
            const lo = Math.min(price, next) * (1 - s.range);
            ex.onBar(0, bar(ts, price, hi, lo, next), MINUTE);
            ex.drainEvents();
            price = next;
            assertSameAccount(ex, id);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
