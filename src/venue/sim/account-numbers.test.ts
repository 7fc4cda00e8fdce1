/**
 * accountNumbers (and liquidationPriceUsd, initialTotalCollateralUsd) is accountView and liquidationPrice read as numbers: at every bar of a random walk with a
 * ladder that fills, flips and is re-placed, each of its fields is exactly what the conversions of the other two
 * give (the backtest's grid reads only the numbers, so its decisions rest on this).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceToNumber, quoteToNumber } from '../../domain/precision.ts';
import { SimExchange } from './exchange.ts';
import { FiguresInDoubles, initialTotalCollateralUsd } from './figures-in-doubles.ts';
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
  // the report row's reads: the same numbers without the BigInts
  assert.equal(ex.liquidationPriceUsd(id, SOL.marketIndex), n.liquidationPrice);
  const f = ex.margin(id);
  assert.equal(initialTotalCollateralUsd(f), quoteToNumber(f.initialTotalCollateral));
}

/** A random walk with a ladder re-laid now and then (fills, flips, resting orders), checked at every bar. */
function walk(
  deposit: number,
  steps: { move: number; range: number; replace: boolean }[],
  size = 2,
): { withPosition: number; inBigInts: number } {
  const seen = { withPosition: 0, inBigInts: 0 };
  const ex = new SimExchange({ markets: [SOL] });
  const id = ex.createSubaccount('t');
  ex.deposit(id, usd(deposit));
  let price = 100;
  let ts = T0;
  ex.onBar(0, bar(ts, price, price, price, price), MINUTE);
  for (const s of steps) {
    ts += MINUTE;
    if (s.replace) {
      ex.execute(id, [{ kind: 'cancelAll' }], ts);
      const at = (k: number): number => Math.round(price * (1 + 0.01 * k) * 100) / 100;
      const commands = [1, 2, 3].flatMap((k) => [
        { kind: 'place' as const, order: limit('buy', size, at(-k)) },
        { kind: 'place' as const, order: limit('sell', size, at(k)) },
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
    if (ex.accountView(id).positions.some((p) => p.base !== 0n)) seen.withPosition++;
    if (!(ex.margin(id) instanceof FiguresInDoubles)) seen.inBigInts++;
  }
  return seen;
}

describe('SimExchange.accountNumbers', () => {
  it('equals them too where the margin is summed in BigInts (figures past the doubles’ exact range)', () => {
    // a billion USDC is 10^15 micro-USDC, past the 2^48 the doubles path promises: the margin comes from BigInts
    const steps = Array.from({ length: 40 }, (_, i) => ({
      move: Math.sin(i) * 0.02,
      range: 0.01,
      replace: i % 5 === 0,
    }));
    const seen = walk(1_000_000_000, steps, 50_000);
    assert.ok(seen.withPosition > 10, `a position on ${seen.withPosition} bars`);
    assert.equal(seen.inBigInts, steps.length, 'every bar summed in BigInts');
  });

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
          walk(deposit, steps);
        },
      ),
      { numRuns: 150 },
    );
  });
});
