import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { MARKETS } from '../../domain/markets.ts';
import { BASE_PRECISION, baseToNumber, priceToNumber } from '../../domain/precision.ts';
import { isOnStep, isOnTick } from '../../domain/rounding.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import { curveExtent, flatBounds, type LaidCurve, layCurve, targetAtLevel } from './curve.ts';
import { buildLadder, type LadderSpec, sideLevels } from './ladder.ts';
import { levelAtOrBelow, levelPrice, makeLattice } from './lattice.ts';

const SOL = MARKETS['SOL-PERP'];
const lattice = makeLattice(100, 0.005);
const size = 1;

function spec(curve: LaidCurve, mark: number, position: number, over: Partial<LadderSpec> = {}): LadderSpec {
  const flat = flatBounds(curve);
  return {
    lattice,
    target: (j) => targetAtLevel(curve, lattice, j),
    flatBelow: flat.below,
    flatAbove: flat.above,
    bid: mark * 0.9999,
    ask: mark * 1.0001,
    position,
    minBase: -curve.extent.maxShort,
    maxBase: curve.extent.maxLong,
    liveBids: 10,
    liveAsks: 10,
    postOnly: true,
    reduceOnly: false,
    ...over,
  };
}

const stepwise = (loIdx = -10, hiIdx = 10, levels = 10) =>
  layCurve('stepwise', lattice, { loIdx, hiIdx }, curveExtent(levels, size, 'neutral', 0.5), size);
const bids = (l: DesiredOrder[]) => l.filter((o) => o.side === 'buy');
const asks = (l: DesiredOrder[]) => l.filter((o) => o.side === 'sell');
const px = (o: DesiredOrder) => priceToNumber(o.price);
const sz = (o: DesiredOrder) => baseToNumber(o.base);
/** The lattice level an order sits on (its price is the level's, rounded onto the tick: bids down, asks up). */
const levelOf = (o: DesiredOrder) => levelAtOrBelow(lattice, o.side === 'buy' ? px(o) * 1.00001 : px(o));

describe('grid ladder', () => {
  it('flat at the zero crossing: one size on each of the nearest levels, bids below, asks above', () => {
    const mark = levelPrice(lattice, 0) * 1.002; // inside zone 0, where the curve wants 0
    const l = buildLadder(spec(stepwise(), mark, 0), SOL);
    // level 0 itself wants 0 = the position: as if the last trade was there, the next ones are at ∓1
    assert.deepEqual(bids(l).map(levelOf), [-1, -2, -3, -4, -5, -6, -7, -8, -9, -10]);
    assert.deepEqual(asks(l).map(levelOf), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const o of l) assert.equal(sz(o), 1);
    assert.ok(bids(l).every((o) => px(o) < mark) && asks(l).every((o) => px(o) > mark));
  });

  it('a fill at level j is answered one level away: the position moves to the curve and the ladder shifts by one', () => {
    const c = stepwise();
    // the bid at level −1 filled and the price went on down into zone −2
    const after = buildLadder(spec(c, levelPrice(lattice, -2) * 1.003, 1), SOL);
    assert.equal(levelOf(asks(after)[0]), 0, 'the answer to a buy at −1 is a sell at 0');
    assert.equal(levelOf(bids(after)[0]), -2, 'the next bid is the next level down');
    // …the price came back up into zone −1 without reaching level 0: nothing moves
    const back = buildLadder(spec(c, levelPrice(lattice, -1) * 1.002, 1), SOL);
    assert.deepEqual(back, after);
    // …then the sell at 0 filled (position back to 0): the bid at −1 is back, the ask moves up to 1
    const round = buildLadder(spec(c, levelPrice(lattice, 0) * 1.002, 0), SOL);
    assert.equal(levelOf(bids(round)[0]), -1);
    assert.equal(levelOf(asks(round)[0]), 1);
  });

  it('never pulls an order because the price came near it: the ladder is the same everywhere inside a zone', () => {
    const c = stepwise();
    const lo = levelPrice(lattice, -3);
    const hi = levelPrice(lattice, -2);
    const ref = buildLadder(spec(c, lo * 1.0002, 3), SOL);
    for (let k = 1; k < 50; k++) {
      const mark = lo + ((hi - lo) * k) / 50;
      if (mark * 1.0001 >= hi) break;
      assert.deepEqual(buildLadder(spec(c, mark, 3), SOL), ref, `at ${mark}`);
    }
  });

  it('starting off the curve, the nearest order takes the whole difference (converges to the curve)', () => {
    const c = stepwise();
    const mark = levelPrice(lattice, -5) * 1.002; // the curve wants +5 here
    const l = buildLadder(spec(c, mark, 0), SOL);
    assert.equal(sz(bids(l)[0]), 5, 'the first bid brings the position to the curve');
    assert.equal(levelOf(bids(l)[0]), -5);
    assert.equal(levelOf(asks(l)[0]), 1, 'the first ask is where the curve drops below the position');
  });

  it('linear: sizes follow the line, rounded on the step cumulatively (no drift)', () => {
    const c = layCurve('linear', lattice, { loIdx: -4, hiIdx: 4 }, curveExtent(2, 1, 'neutral', 0.5), 1);
    const mark = levelPrice(lattice, 0) * 1.001;
    const l = buildLadder(spec(c, mark, 0), SOL);
    const total = bids(l).reduce((s, o) => s + o.base, 0n);
    assert.equal(total, 2n * BASE_PRECISION, 'the bids add up to the curve at lo exactly');
    let cum = 0;
    for (const o of bids(l)) {
      cum += sz(o);
      // the first k bids reach the curve at the k-th one's level, rounded down on the 0.01 step
      const want = Math.floor(targetAtLevel(c, lattice, levelOf(o)) * 100 + 1e-9) / 100;
      assert.ok(Math.abs(cum - want) < 1e-9, `${cum} vs ${want} at level ${levelOf(o)}`);
    }
  });

  it('bounded (clip): outside the range only orders that bring the position towards flat', () => {
    const c = stepwise(-3, 3);
    const clip = { loIdx: c.loIdx, hiIdx: c.hiIdx };
    const mark = levelPrice(lattice, 5) * 1.002; // above the range
    const flatAbove = buildLadder(spec(c, mark, 0, { clip }), SOL);
    assert.ok(asks(flatAbove).length === 0, 'no new short above the range');
    assert.ok(
      bids(flatAbove).every((o) => levelOf(o) <= 3),
      'bids only from inside the range',
    );
    const long = buildLadder(spec(c, mark, 4, { clip }), SOL);
    assert.ok(asks(long).length > 0 && asks(long).every((o) => o.reduceOnly), 'a long may be sold down');
    assert.ok(asks(long).reduce((s, o) => s + sz(o), 0) <= 4, 'down to flat, never beyond');
  });

  it('keeps only the nearest N per side; a bias keeps fewer on the disfavoured side', () => {
    const c = stepwise(-40, 40, 30);
    const l = buildLadder(spec(c, levelPrice(lattice, 0) * 1.001, 0, { liveBids: 4, liveAsks: 3 }), SOL);
    assert.deepEqual([bids(l).length, asks(l).length], [4, 3]);
    assert.deepEqual(sideLevels('bullish', 0.5, 10), { liveBids: 10, liveAsks: 5 });
    assert.deepEqual(sideLevels('bearish', 0.5, 10), { liveBids: 5, liveAsks: 10 });
  });

  it('invariants (property): on tick and step, post-only safe, inside the band, cumulative sums on the curve', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('linear' as const, 'stepwise' as const),
        fc.integer({ min: -30, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.boolean(),
        (kind, loIdx, width, levels, perLevel, zone, posFrac, bounded) => {
          const c = layCurve(
            kind,
            lattice,
            { loIdx, hiIdx: loIdx + width },
            curveExtent(levels, perLevel, 'neutral', 0.5),
            perLevel,
          );
          const mark = levelPrice(lattice, Math.floor(zone)) * (1 + 0.005 * (zone - Math.floor(zone)));
          const q = Math.round(posFrac * levels * perLevel * 100) / 100;
          const clip = bounded ? { loIdx, hiIdx: loIdx + width } : undefined;
          const s = spec(c, mark, q, { clip });
          const l = buildLadder(s, SOL);
          let cum = q;
          for (const o of bids(l)) {
            assert.ok(isOnTick(o.price, SOL.tickSize) && isOnStep(o.base, SOL.stepSize));
            assert.ok(o.base >= SOL.minOrderSize);
            assert.ok(px(o) < s.ask, 'a bid rests below the ask');
            cum += sz(o);
            assert.ok(cum <= s.maxBase + 1e-9, 'inside the band');
            const j = levelOf(o);
            assert.ok(cum <= targetAtLevel(c, lattice, j) + 1e-9, 'never beyond the curve');
            if (clip && (j < clip.loIdx || j > clip.hiIdx)) assert.ok(cum <= Math.max(0, q) + 1e-9);
          }
          cum = q;
          for (const o of asks(l)) {
            assert.ok(isOnTick(o.price, SOL.tickSize) && isOnStep(o.base, SOL.stepSize));
            assert.ok(px(o) > s.bid, 'an ask rests above the bid');
            cum -= sz(o);
            assert.ok(cum >= s.minBase - 1e-9, 'inside the band');
            const j = levelOf(o);
            assert.ok(cum >= targetAtLevel(c, lattice, j) - 1e-9, 'never beyond the curve');
            if (clip && (j < clip.loIdx || j > clip.hiIdx)) assert.ok(cum >= Math.min(0, q) - 1e-9);
          }
        },
      ),
      { seed: 5, numRuns: 500 },
    );
  });

  it('reuse (property): the same orders with or without an earlier ladder to take equal ones from', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 10 }),
        fc.double({ min: -12, max: 12, noNaN: true }),
        fc.double({ min: -12, max: 12, noNaN: true }),
        fc.integer({ min: -6, max: 6 }),
        fc.integer({ min: -6, max: 6 }),
        fc.boolean(),
        fc.boolean(),
        (loIdx, zoneA, zoneB, qA, qB, roA, roB) => {
          const c = stepwise(loIdx, loIdx + 20);
          const at = (zone: number) =>
            levelPrice(lattice, Math.floor(zone)) * (1 + 0.005 * (zone - Math.floor(zone)));
          const earlier = buildLadder(spec(c, at(zoneA), qA, { reduceOnly: roA }), SOL);
          const s = spec(c, at(zoneB), qB, { reduceOnly: roB });
          const fresh = buildLadder(s, SOL);
          const reused = buildLadder(s, SOL, [], earlier);
          assert.deepEqual(reused, fresh);
          // an order is taken from the earlier ladder exactly where it is equal to the one at its place
          for (const [i, o] of reused.entries()) {
            assert.equal(o === earlier[i], isDeepStrictEqual(fresh[i], earlier[i]), `order ${i}`);
          }
        },
      ),
      { seed: 7, numRuns: 400 },
    );
  });
});
