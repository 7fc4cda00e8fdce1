import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MARKETS } from '../../domain/markets.ts';
import { LadderMemo } from './ladder-memo.ts';
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
});
