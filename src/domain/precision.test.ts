import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { feeFor } from './fees.ts';
import { getMarket } from './markets.ts';
import { divCeil, divFloor, formatInt, parseDecimal, toInt } from './precision.ts';
import {
  isCountBelow,
  isCountOf,
  isOnStep,
  isOnTick,
  priceOnTick,
  roundPriceToTick,
  roundSizeToStep,
  sizeOnStep,
} from './rounding.ts';

describe('precision', () => {
  it('parses decimal text exactly', () => {
    assert.equal(parseDecimal('123.456', 6), 123_456_000n);
    assert.equal(parseDecimal('-0.000001', 6), -1n);
    assert.equal(parseDecimal('1e-3', 6), 1000n);
    assert.equal(parseDecimal('0.1234567', 6), 123_456n); // truncates beyond precision
    assert.equal(parseDecimal('abc', 6), undefined);
    assert.equal(parseDecimal('', 6), undefined);
  });

  it('converts floats without binary noise', () => {
    assert.equal(toInt(0.1, 6), 100_000n);
    assert.equal(toInt(100.3, 6), 100_300_000n);
    assert.equal(toInt(-2.675, 6), -2_675_000n);
    assert.equal(toInt(1e12, 9), 1_000_000_000_000_000_000_000n); // beyond the fast path
    assert.throws(() => toInt(Number.NaN, 6), /cannot convert/);
  });

  it('formats integers back to exact decimal text', () => {
    assert.equal(formatInt(1_500_000n, 6), '1.5');
    assert.equal(formatInt(-1n, 6), '-0.000001');
    assert.equal(formatInt(3_000_000n, 6), '3');
    fc.assert(fc.property(fc.bigInt(), (v) => parseDecimal(formatInt(v, 6), 6) === v));
  });

  it('floors and ceils toward infinities for any signs', () => {
    fc.assert(
      fc.property(
        fc.bigInt(),
        fc.bigInt().filter((b) => b !== 0n),
        (a, b) => {
          const f = divFloor(a, b);
          const c = divCeil(a, b);
          // f ≤ a/b < f+1 and c−1 < a/b ≤ c, written without division
          const floorOk = b > 0n ? f * b <= a && a < (f + 1n) * b : f * b >= a && a > (f + 1n) * b;
          const ceilOk = b > 0n ? c * b >= a && a > (c - 1n) * b : c * b <= a && a < (c - 1n) * b;
          return floorOk && ceilOk;
        },
      ),
    );
  });
});

describe('rounding', () => {
  const sol = getMarket('SOL-PERP');

  it('rounds bids down and asks up onto the tick', () => {
    assert.equal(roundPriceToTick(100_000_150n, 100n, 'buy'), 100_000_100n);
    assert.equal(roundPriceToTick(100_000_150n, 100n, 'sell'), 100_000_200n);
    assert.equal(priceOnTick(100.3, sol.tickSize, 'buy'), 100_300_000n);
    assert.equal(priceOnTick(100.3, sol.tickSize, 'sell'), 100_300_000n);
    assert.equal(priceOnTick(100.00015, sol.tickSize, 'buy'), 100_000_100n);
    assert.equal(priceOnTick(100.00015, sol.tickSize, 'sell'), 100_000_200n);
  });

  it('never makes an order more aggressive or larger than asked', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 100_000, noNaN: true }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        (price, size) => {
          const bid = priceOnTick(price, sol.tickSize, 'buy');
          const ask = priceOnTick(price, sol.tickSize, 'sell');
          const s = sizeOnStep(size, sol.stepSize);
          const p6 = price * 1e6;
          return (
            isOnTick(bid, sol.tickSize) &&
            isOnTick(ask, sol.tickSize) &&
            isOnStep(s, sol.stepSize) &&
            Number(bid) <= p6 * (1 + 1e-12) &&
            Number(ask) >= p6 * (1 - 1e-12) &&
            ask - bid <= sol.tickSize &&
            Number(s) <= size * 1e9 * (1 + 1e-12)
          );
        },
      ),
    );
  });

  it('rejects signed sizes', () => {
    assert.throws(() => roundSizeToStep(-1n, 10n), /unsigned/);
    assert.equal(roundSizeToStep(19n, 10n), 10n);
  });

  it('counts of a unit compared in numbers answer as BigInt does, across 2^53 (property)', () => {
    const around = (n: bigint) => fc.bigInt({ min: n - 3n, max: n + 3n });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.constantFrom(1n, 100n, 10_000_000n, 1_000_000_000n, 10n ** 30n),
        fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 60n }), around(2n ** 53n), fc.constant(0n)),
        (count, unit, other) => {
          const exact = BigInt(count) * unit;
          for (const value of [exact, exact + 1n, exact - 1n, other]) {
            assert.equal(isCountOf(value, count, unit), value === exact, `${value} vs ${count} × ${unit}`);
            assert.equal(isCountBelow(count, unit, value), exact < value, `${count} × ${unit} < ${value}`);
            // with the units' numbers passed in, as the ladder passes them (made once per side it scans)
            assert.equal(isCountOf(value, count, unit, Number(unit)), value === exact);
            assert.equal(isCountBelow(count, unit, value, Number(unit), Number(value)), exact < value);
          }
        },
      ),
      { seed: 13, numRuns: 2000 },
    );
  });
});

describe('fees', () => {
  it('rounds a paid fee up and a rebate down', () => {
    assert.equal(feeFor(1_000_000_000n, 3.5), 350_000n); // 1000 USDC × 3.5 bps = 0.35
    assert.equal(feeFor(1n, 3.5), 1n); // one micro-USDC still pays a micro
    assert.equal(feeFor(1_000_000_000n, -0.25), -25_000n);
    assert.equal(feeFor(1n, -0.25), 0n); // a rebate below one micro is nothing
    assert.throws(() => feeFor(-1n, 3.5), /unsigned/);
  });
});

describe('markets', () => {
  it("knows Drift's markets by symbol and index, and names them when asked for another", () => {
    assert.equal(getMarket('sol-perp').marketIndex, 0);
    assert.equal(getMarket(30).symbol, 'DRIFT-PERP');
    assert.equal(getMarket('ETH-PERP').marketIndex, 2);
    assert.equal(getMarket('KMNO-PERP', { takerFeeBps: 5 }).takerFeeBps, 5);
    assert.throws(() => getMarket('XYZ-PERP'), /Drift's perp markets: SOL-PERP, BTC-PERP, ETH-PERP/);
  });
});
