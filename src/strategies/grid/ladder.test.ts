import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MARKETS } from '../../domain/markets.ts';
import { BASE_PRECISION, PRICE_PRECISION } from '../../domain/precision.ts';
import { isOnStep, isOnTick, priceOnTick } from '../../domain/rounding.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import { buildLadder, type LadderSpec, sideLevels } from './ladder.ts';

const SOL = MARKETS['SOL-PERP'];

const spec = (over: Partial<LadderSpec> = {}): LadderSpec => ({
  mark: 150,
  stepFraction: 0.005,
  bidLevels: 10,
  askLevels: 10,
  liveBids: 10,
  liveAsks: 10,
  bidSize: 1,
  askSize: 1,
  position: 0,
  minBase: -10,
  maxBase: 10,
  postOnly: true,
  reduceOnly: false,
  ...over,
});

const bids = (l: DesiredOrder[]) => l.filter((o) => o.side === 'buy');
const asks = (l: DesiredOrder[]) => l.filter((o) => o.side === 'sell');
const total = (l: DesiredOrder[]) => l.reduce((s, o) => s + o.base, 0n);

describe('grid ladder', () => {
  it('neutral ladder is symmetric around the mark (counts, sizes, distances within one tick)', () => {
    const sides = sideLevels('neutral', 0.5, 10, 10);
    assert.deepEqual(sides, { bidLevels: 10, askLevels: 10, liveBids: 10, liveAsks: 10 });
    const l = buildLadder(spec(), SOL);
    const b = bids(l);
    const a = asks(l);
    assert.equal(b.length, 10);
    assert.equal(a.length, 10);
    const mark = priceOnTick(150, SOL.tickSize, 'buy');
    for (let k = 0; k < 10; k++) {
      assert.equal(b[k].level, k + 1);
      assert.equal(a[k].level, k + 1);
      assert.equal(b[k].base, a[k].base);
      const down = mark - b[k].price;
      const up = a[k].price - mark;
      assert.ok(down - up <= SOL.tickSize && up - down <= SOL.tickSize, `level ${k + 1}: ${down} vs ${up}`);
    }
    // bids at 150·(1 − k·0.5%): level 1 = 149.25, asks level 1 = 150.75
    assert.equal(b[0].price, 149_250_000n);
    assert.equal(a[0].price, 150_750_000n);
    assert.equal(b[0].base, BASE_PRECISION);
    assert.ok(l.every((o) => o.postOnly && !o.reduceOnly && !o.taker && o.marketIndex === 0));
  });

  it('bullish ladder holds more bid than ask size; bearish the mirror', () => {
    const bull = sideLevels('bullish', 0.5, 10, 10);
    const l = buildLadder(spec({ ...bull, minBase: -5 }), SOL);
    assert.ok(total(bids(l)) > total(asks(l)), `${total(bids(l))} vs ${total(asks(l))}`);
    assert.equal(bids(l).length, 10);
    assert.equal(asks(l).length, 5);
    const bear = sideLevels('bearish', 0.5, 10, 10);
    const m = buildLadder(spec({ ...bear, maxBase: 5 }), SOL);
    assert.ok(total(asks(m)) > total(bids(m)));
  });

  it('keeps a virtual ladder: 200 levels, only the nearest N live per side', () => {
    const sides = sideLevels('neutral', 0, 200, 16);
    const l = buildLadder(spec({ ...sides, minBase: -200, maxBase: 200 }), SOL);
    assert.equal(l.length, 32);
    assert.equal(Math.max(...l.map((o) => o.level)), 16);
  });

  it('respects the exposure band: stops where filling would leave it, cutting the last level to fit', () => {
    // long 8.5 of max 10: room for 1.5 → one full bid and one of 0.5
    const l = buildLadder(spec({ position: 8.5 }), SOL);
    assert.deepEqual(
      bids(l).map((o) => o.base),
      [BASE_PRECISION, BASE_PRECISION / 2n],
    );
    // asks: room down to −10 is 18.5, but only 10 live levels
    assert.equal(asks(l).length, 10);
    // already beyond the band: nothing on that side
    assert.equal(bids(buildLadder(spec({ position: 12 }), SOL)).length, 0);
    // a remainder below the minimum order size ends the side
    const tiny = buildLadder(spec({ position: 9.995 }), SOL);
    assert.equal(bids(tiny).length, 0);
  });

  it('every price is on the tick, every size on the step and ≥ min size, inside the band (4 markets)', () => {
    const scale: Record<string, number> = {
      'SOL-PERP': 150,
      'BTC-PERP': 95_000,
      'KMNO-PERP': 0.06,
      'DRIFT-PERP': 0.7,
    };
    const minSize: Record<string, number> = {
      'SOL-PERP': 0.01,
      'BTC-PERP': 0.0001,
      'KMNO-PERP': 1,
      'DRIFT-PERP': 1,
    };
    const markets = Object.values(MARKETS).filter((m) => m.symbol in scale);
    fc.assert(
      fc.property(
        fc.constantFrom(...markets),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.05, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 16 }),
        (market, rel, step, sizeMult, posFrac, levels, live) => {
          const mark = scale[market.symbol] * rel;
          const size = minSize[market.symbol] * sizeMult;
          const max = levels * size;
          const position = posFrac * max * 1.2;
          const l = buildLadder(
            spec({
              mark,
              stepFraction: step,
              bidLevels: levels,
              askLevels: levels,
              liveBids: live,
              liveAsks: live,
              bidSize: size,
              askSize: size,
              position,
              minBase: -max,
              maxBase: max,
            }),
            market,
          );
          assert.ok(l.length <= 32);
          const markInt = Number(PRICE_PRECISION) * mark;
          for (const o of l) {
            assert.ok(isOnTick(o.price, market.tickSize), `${o.price} off tick ${market.tickSize}`);
            assert.ok(isOnStep(o.base, market.stepSize), `${o.base} off step ${market.stepSize}`);
            assert.ok(o.base >= market.minOrderSize);
            assert.ok(o.price > 0n);
            if (o.side === 'buy') assert.ok(Number(o.price) < markInt);
            else assert.ok(Number(o.price) > markInt);
          }
          const posInt = position * Number(BASE_PRECISION);
          const slack = Number(market.stepSize); // float position vs integer sizes
          const maxInt = max * Number(BASE_PRECISION);
          // filling every bid keeps the position ≤ maxBase (no bids at all when it is already above)
          if (posInt >= maxInt) assert.equal(bids(l).length, 0);
          else assert.ok(posInt + Number(total(bids(l))) <= maxInt + slack);
          if (posInt <= -maxInt) assert.equal(asks(l).length, 0);
          else assert.ok(posInt - Number(total(asks(l))) >= -maxInt - slack);
        },
      ),
      { seed: 2025, numRuns: 500 },
    );
  });
});
