import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MARKETS } from '../../domain/markets.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import { type CurveKind, type LaidCurve, layCurve } from './curve.ts';
import { buildLadder } from './ladder.ts';
import { type LadderKey, LadderMemo } from './ladder-memo.ts';
import { makeLattice } from './lattice.ts';
import { mustParseGridParams } from './params.ts';
import { decideGrid, type GridState, initialGridState } from './strategy.ts';
import { snapshotAt } from './test-support/fixtures.ts';

const SOL = MARKETS['SOL-PERP'];

/** One step of a decision sequence: the price, the position, the range and the flags may each move or not. */
const step = fc.record({
  mark: fc.oneof(fc.constant(150), fc.double({ min: 120, max: 180, noNaN: true })),
  spreadBps: fc.constantFrom(1, 2, 50),
  position: fc.oneof(
    fc.constant(0),
    fc.constantFrom(-2.5, -0.5, 0.5, 1, 2.5),
    fc.double({ min: -4, max: 4, noNaN: true }),
  ),
  range: fc.oneof(
    fc.constant({ lo: 140, hi: 160 }),
    fc.constant(undefined),
    fc.double({ min: 120, max: 150, noNaN: true }).map((lo) => ({ lo, hi: lo + 15 })),
  ),
  reduceOnly: fc.boolean(),
  vol: fc.constantFrom(0.5, 0.5, 3),
});

describe('ladder memo', () => {
  it('gives the orders decideGrid builds without it, through any sequence of decisions', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.constantFrom('stepwise', 'linear'),
        fc.constantFrom('bounded', 'infinity'),
        (steps, curve, rangeMode) => {
          const params = mustParseGridParams({
            levels: 8,
            stepPct: 0.5,
            baseSizePerLevel: 0.5,
            curve,
            rangeMode,
          });
          const memo = new LadderMemo();
          let withMemo: GridState = initialGridState();
          let without: GridState = initialGridState();
          for (const s of steps) {
            const half = s.spreadBps / 20_000;
            const snap = snapshotAt(s.mark, {
              bid: s.mark * (1 - half),
              ask: s.mark * (1 + half),
              vol: s.vol,
              // the venue's reduce-only mode, on the highest prices only (exits-only ladders)
              reduceOnly: s.reduceOnly && s.mark > 170,
            });
            const a = decideGrid(snap, s.range, { base: s.position }, params, SOL, withMemo, memo);
            const b = decideGrid(snap, s.range, { base: s.position }, params, SOL, without);
            assert.deepStrictEqual(a.ladder, b.ladder);
            assert.deepStrictEqual(a.state, b.state);
            withMemo = a.state;
            without = b.state;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the ladder across level crossings only where building it again gives the same orders', () => {
    // a price wandering a few levels at a time with the position held for stretches: the starts move alone, which
    // is where the memo keeps the ladder without building (ladder.ts SideReach)
    const walk = fc.array(
      fc.record({
        // mostly a level or two; now and then far, past the curve's flat ends (where a scan ends at its start)
        move: fc.oneof(
          fc.integer({ min: -3, max: 3 }),
          fc.integer({ min: -3, max: 3 }),
          fc.integer({ min: -14, max: 14 }),
        ),
        wiggle: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
        fill: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.constantFrom(-1, -0.5, 0.5, 1)),
        // the position set at the band's edge (the curve's extent) now and then: where a scan ends at the cap
        edge: fc.oneof(fc.constant(undefined), fc.constant(undefined), fc.constantFrom(-1, 1)),
        spreadBps: fc.constantFrom(1, 2, 2, 80),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(
        walk,
        fc.constantFrom('stepwise', 'linear'),
        fc.constantFrom('bounded', 'infinity'),
        fc.constantFrom(3, 8),
        fc.constantFrom(0.5, 0.01),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (moves, curve, rangeMode, liveLevelsPerSide, baseSizePerLevel, start) => {
          const params = mustParseGridParams({
            levels: 8,
            stepPct: 0.5,
            baseSizePerLevel,
            curve,
            rangeMode,
            liveLevelsPerSide,
          });
          const memo = new LadderMemo();
          const range = { lo: 142, hi: 158 };
          let withMemo: GridState = initialGridState();
          let without: GridState = initialGridState();
          let level = 0;
          let position = Math.round(start * 100) / 100;
          for (const m of moves) {
            level += m.move;
            position = m.edge === undefined ? position + m.fill : m.edge * 8 * baseSizePerLevel;
            // levels are 0.5% apart: a mark between two of them, nudged around inside its zone
            const mark = 150 * 1.005 ** (level + 0.5 + m.wiggle);
            const half = m.spreadBps / 20_000;
            const snap = snapshotAt(mark, { bid: mark * (1 - half), ask: mark * (1 + half) });
            const a = decideGrid(snap, range, { base: position }, params, SOL, withMemo, memo);
            const b = decideGrid(snap, range, { base: position }, params, SOL, without);
            assert.deepStrictEqual(a.ladder, b.ladder);
            withMemo = a.state;
            without = b.state;
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('lays the curve layCurve lays, the kept object again for the same inputs (property)', () => {
    const lay = fc.record({
      kind: fc.constantFrom<CurveKind>('stepwise', 'linear'),
      // the same lattice object, an equal one made again, or another step
      lattice: fc.constantFrom(0, 0, 1, 2),
      loIdx: fc.integer({ min: -4, max: -2 }),
      width: fc.constantFrom(0, 4, 5),
      maxLong: fc.constantFrom(4, 4, 2),
      maxShort: fc.constantFrom(4, 4, 3),
      size: fc.constantFrom(0.5, 0.5, 1),
    });
    fc.assert(
      fc.property(fc.array(lay, { minLength: 1, maxLength: 30 }), (lays) => {
        const lattices = [makeLattice(150, 0.005), makeLattice(150, 0.005), makeLattice(150, 0.01)];
        const memo = new LadderMemo();
        let last: { args: string; curve: LaidCurve } | undefined;
        for (const l of lays) {
          const lattice = lattices[l.lattice];
          const range = { loIdx: l.loIdx, hiIdx: l.loIdx + l.width };
          const extent = { maxLong: l.maxLong, maxShort: l.maxShort };
          const curve = memo.curve(l.kind, lattice, range, extent, l.size);
          assert.deepStrictEqual(curve, layCurve(l.kind, lattice, range, extent, l.size));
          // the kept object exactly when the lattice is the same object and every other input is equal (an equal
          // lattice made again counts as another: lattices are compared by identity)
          const args = JSON.stringify(l);
          if (last !== undefined) assert.equal(curve === last.curve, args === last.args);
          last = { args, curve };
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reuses the ladder when nothing it is built from moved, and builds again when one input did', () => {
    const params = mustParseGridParams({ levels: 8, stepPct: 0.5, baseSizePerLevel: 0.5 });
    const memo = new LadderMemo();
    const range = { lo: 140, hi: 160 };
    const first = decideGrid(snapshotAt(150), range, { base: 0 }, params, SOL, initialGridState(), memo);
    // a heartbeat: same zone, same position
    const again = decideGrid(snapshotAt(150.01), range, { base: 0 }, params, SOL, first.state, memo);
    assert.equal(again.ladder, first.ladder);
    // a fill: the position moved
    const filled = decideGrid(snapshotAt(150.01), range, { base: 0.5 }, params, SOL, first.state, memo);
    assert.notEqual(filled.ladder, first.ladder);
    assert.notDeepStrictEqual(filled.ladder, first.ladder);
  });

  it('keeps the ladder without building it when only its starts moved over quiet levels', () => {
    // the position at the curve's target in the price's zone: the nearest bid rests a level below the zone and
    // the nearest ask a level above it, so the price crossing the level between them (without a fill) moves the
    // scans' starts over a level where the position already holds the target
    const params = mustParseGridParams({ levels: 8, stepPct: 0.5, baseSizePerLevel: 0.5 });
    let builds = 0;
    const memo = new LadderMemo((spec, market, reuse, reach) => {
      builds++;
      return buildLadder(spec, market, [], reuse, reach);
    });
    const range = { lo: 140, hi: 160 };
    const origin = 150.3; // the first mark: the lattice's level 0
    const first = decideGrid(snapshotAt(origin), range, { base: 0 }, params, SOL, initialGridState(), memo);
    const position = { base: first.band.preferredBase };
    let state = first.state;
    let kept: DesiredOrder[] | undefined;
    for (const zone of [0, -1, 0, -1, -1, 0]) {
      const snap = snapshotAt(origin * 1.005 ** (zone + 0.5));
      const d = decideGrid(snap, range, position, params, SOL, state, memo);
      assert.equal(d.zone, zone);
      assert.deepStrictEqual(d.ladder, decideGrid(snap, range, position, params, SOL, state).ladder);
      kept ??= d.ladder;
      assert.equal(d.ladder, kept);
      state = d.state;
    }
    // the first decision's, and the one after the position moved to the target
    assert.equal(builds, 2);
  });

  it('hands the kept array back for a build equal to it order for order, and only then', () => {
    const order: DesiredOrder = {
      marketIndex: 0,
      side: 'buy',
      price: 100_000_000n,
      base: 500_000_000n,
      postOnly: true,
      reduceOnly: false,
      level: 1,
      taker: false,
    };
    const lattice = makeLattice(100, 0.005);
    const curve = layCurve('stepwise', lattice, { loIdx: -10, hiIdx: 10 }, { maxLong: 5, maxShort: 5 }, 0.5);
    const key = (bidFrom: number): LadderKey => ({
      lattice,
      curve,
      bidFrom,
      askFrom: bidFrom + 1,
      position: 0,
      minBase: -5,
      maxBase: 5,
      clip: undefined,
      liveBids: 8,
      liveAsks: 8,
      postOnly: true,
      reduceOnly: false,
      market: SOL,
    });
    // each build hands out what `next` says (and fills in no reach, so no key keeps the ladder without a build)
    let next: () => DesiredOrder[] = () => [order];
    const memo = new LadderMemo(() => next());
    const ladder = (k: LadderKey, build: () => DesiredOrder[]): DesiredOrder[] => {
      next = build;
      return memo.ladder(k, 150, 150.1);
    };
    const kept = ladder(key(0), () => [order]);
    // the key moved (another first level), the orders did not: the same array back
    assert.equal(
      ladder(key(1), () => [{ ...order }]),
      kept,
    );
    // any field of an order differing: the new build (every field of DesiredOrder is compared)
    const changes: Partial<DesiredOrder>[] = [
      { marketIndex: 1 },
      { side: 'sell' },
      { price: 100_010_000n },
      { base: 600_000_000n },
      { postOnly: false },
      { reduceOnly: true },
      { level: 2 },
      { taker: true },
    ];
    assert.deepEqual(changes.map((c) => Object.keys(c)[0]).sort(), Object.keys(order).sort());
    let k = 2;
    for (const change of changes) {
      const other = [{ ...order, ...change }];
      assert.equal(
        ladder(key(k++), () => other),
        other,
        Object.keys(change)[0],
      );
      ladder(key(k++), () => [order]); // back to the first orders for the next change
    }
    const longer = [order, order];
    assert.equal(
      ladder(key(k++), () => longer),
      longer,
    );
  });
});
