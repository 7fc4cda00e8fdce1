import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MARKETS } from '../../domain/markets.ts';
import { BASE_PRECISION } from '../../domain/precision.ts';
import type { DesiredOrder } from '../../domain/snapshot.ts';
import { mustParseGridParams } from './params.ts';
import { initialGridState, resolveRange } from './range-exit.ts';
import { decideGrid } from './strategy.ts';
import { snapshotAt } from './test-support/fixtures.ts';

const SOL = MARKETS['SOL-PERP'];
const range = { lo: 140, hi: 160 };

/** Walks the ladder's fills nearest first on each side: does any fill take |position| above where it started? */
function increasesExposure(position: number, ladder: DesiredOrder[]): boolean {
  const start = Math.abs(position);
  for (const side of ['buy', 'sell'] as const) {
    let p = position;
    for (const o of ladder.filter((x) => x.side === side)) {
      p += (side === 'buy' ? 1 : -1) * (Number(o.base) / Number(BASE_PRECISION));
      if (Math.abs(p) > start + 1e-12) return true;
    }
  }
  return false;
}

describe('range exit', () => {
  it('bounded: outside the range emits no exposure-increasing level, only reduce-only exits', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1, rangeMode: 'bounded' });
    // above hi while long 3.5: asks walk the long down to 0, no bids
    const above = decideGrid(snapshotAt(170), range, { base: 3.5 }, params, SOL, initialGridState());
    assert.equal(above.exitsOnly, true);
    assert.equal(above.ladder.filter((o) => o.side === 'buy').length, 0);
    assert.deepEqual(
      above.ladder.map((o) => o.base),
      [BASE_PRECISION, BASE_PRECISION, BASE_PRECISION, BASE_PRECISION / 2n],
    );
    assert.ok(above.ladder.every((o) => o.reduceOnly));
    assert.deepEqual([above.band.minBase, above.band.maxBase, above.band.preferredBase], [0, 3.5, 0]);
    // flat outside the range: nothing at all
    assert.equal(
      decideGrid(snapshotAt(130), range, { base: 0 }, params, SOL, initialGridState()).ladder.length,
      0,
    );
    // inside the range the full ladder is back
    const inside = decideGrid(snapshotAt(150), range, { base: 0 }, params, SOL, initialGridState());
    assert.equal(inside.exitsOnly, false);
    assert.equal(inside.ladder.length, 20);
  });

  it('bounded: no fill of any emitted level grows |position| outside the range (property)', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 0.7, levels: 30, liveLevelsPerSide: 16 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 50, max: 139.99, noNaN: true }),
          fc.double({ min: 160.01, max: 400, noNaN: true }),
        ),
        fc.double({ min: -25, max: 25, noNaN: true }),
        fc.constantFrom('bullish', 'neutral', 'bearish'),
        (mark, position, bias) => {
          const p = { ...params, bias };
          const d = decideGrid(snapshotAt(mark), range, { base: position }, p, SOL, initialGridState());
          assert.equal(d.exitsOnly, true);
          assert.ok(!increasesExposure(position, d.ladder));
        },
      ),
      { seed: 77, numRuns: 300 },
    );
  });

  it('infinity: the range re-anchors to follow a breakout and holds on a pullback', () => {
    const params = mustParseGridParams({ baseSizePerLevel: 1, rangeMode: 'infinity' });
    let state = initialGridState();
    const d1 = decideGrid(snapshotAt(150), range, { base: 0 }, params, SOL, state);
    assert.deepEqual([d1.lo, d1.hi, d1.state.anchored], [140, 160, false]);
    state = d1.state;
    // breakout to 176: the range slides up by 176/160, keeping its ratio, price on the new top
    const d2 = decideGrid(snapshotAt(176), range, { base: 0 }, params, SOL, state);
    assert.equal(d2.exitsOnly, false);
    assert.equal(d2.hi, 176);
    assert.ok(Math.abs(d2.lo - 140 * 1.1) < 1e-9);
    assert.equal(d2.state.anchored, true);
    assert.ok(d2.ladder.some((o) => o.side === 'buy') && d2.ladder.some((o) => o.side === 'sell'));
    // further up: follows again
    const d3 = decideGrid(snapshotAt(180), range, { base: 0 }, params, SOL, d2.state);
    assert.equal(d3.hi, 180);
    // pullback to 170, still above the input range: the anchored range holds
    const d4 = decideGrid(snapshotAt(170), range, { base: 0 }, params, SOL, d3.state);
    assert.equal(d4.hi, 180);
    assert.equal(d4.state, d3.state, 'unchanged state is returned as is');
    // back inside the input range: the input range rules again
    const d5 = decideGrid(snapshotAt(155), range, { base: 0 }, params, SOL, d4.state);
    assert.deepEqual([d5.lo, d5.hi, d5.state.anchored], [140, 160, false]);
    // breakdown below lo slides the range down
    const d6 = decideGrid(snapshotAt(126), range, { base: 0 }, params, SOL, d5.state);
    assert.equal(d6.lo, 126);
    assert.ok(Math.abs(d6.hi - 160 * 0.9) < 1e-9);
  });

  it('without any range the grid only exits; the last range is kept when the input goes missing', () => {
    const none = resolveRange('bounded', 150, undefined, initialGridState());
    assert.equal(none.exitsOnly, true);
    const first = resolveRange('bounded', 150, range, initialGridState());
    const later = resolveRange('bounded', 151, undefined, first.state);
    assert.deepEqual([later.lo, later.hi, later.exitsOnly], [140, 160, false]);
  });
});
