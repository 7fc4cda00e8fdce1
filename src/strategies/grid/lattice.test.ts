import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Lattice,
  LevelFinder,
  levelAtOrAbove,
  levelAtOrBelow,
  levelBelow,
  levelPrice,
  makeLattice,
} from './lattice.ts';

/**
 * A price `by` levels away from the level at or below `price`: that level's own price (at 0), the largest
 * number below it (at −1: the edge of the level under it), or halfway into it (at 0.5).
 */
function neighbour(l: Lattice, price: number, by: number, at: number): number {
  const j = (price > 0 ? levelAtOrBelow(l, price) : 0) + by;
  const p = levelPrice(l, j);
  if (at === 0) return p;
  if (at < 0) return p - Number.EPSILON * p;
  return (p + levelPrice(l, j + 1)) / 2;
}

describe('lattice levels', () => {
  it('levelAtOrBelow brackets the price: levelPrice(j) ≤ price < levelPrice(j + 1) (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.1, noNaN: true }),
        fc.double({ min: 0.01, max: 10_000, noNaN: true }),
        (origin, step, price) => {
          const l = makeLattice(origin, step);
          const j = levelAtOrBelow(l, price);
          assert.ok(levelPrice(l, j) <= price && price < levelPrice(l, j + 1));
        },
      ),
    );
  });

  // The finder keeps its last answer between calls: over any walk of prices (small steps that stay between two
  // levels, jumps, exact level prices, a lattice swapped mid-way, non-positive prices) it answers exactly what
  // the plain functions answer.
  it('LevelFinder answers as levelAtOrBelow / levelAtOrAbove / levelBelow along any price walk (property)', () => {
    const move = fc.oneof(
      fc.double({ min: -0.002, max: 0.002, noNaN: true }).map((d) => ({ kind: 'step' as const, d })),
      fc.double({ min: 0.5, max: 2, noNaN: true }).map((f) => ({ kind: 'jump' as const, f })),
      fc.integer({ min: -50, max: 50 }).map((j) => ({ kind: 'level' as const, j })),
      // into a neighbouring level (the finder's second path): at its price, just below it, or inside it
      fc
        .record({ by: fc.constantFrom(-2, -1, 1, 2), at: fc.constantFrom(-1, 0, 0.5) })
        .map((c) => ({ kind: 'cross' as const, ...c })),
      fc.constant({ kind: 'relattice' as const }),
      fc.constantFrom(0, -1, Number.NaN).map((p) => ({ kind: 'odd' as const, p })),
    );
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 500, noNaN: true }),
        fc.constantFrom(0.001, 0.005, 0.0123),
        fc.array(move, { minLength: 1, maxLength: 200 }),
        (origin, step, moves) => {
          let l = makeLattice(origin, step);
          const below = new LevelFinder();
          const above = new LevelFinder();
          const strictlyBelow = new LevelFinder();
          let price = origin;
          for (const m of moves) {
            if (m.kind === 'step') price = Math.abs(price * (1 + m.d)) || origin;
            else if (m.kind === 'jump') price = Math.abs(price * m.f) || origin;
            else if (m.kind === 'level') price = levelPrice(l, m.j);
            else if (m.kind === 'cross') price = neighbour(l, price, m.by, m.at);
            else if (m.kind === 'relattice') l = makeLattice(price > 0 ? price : origin, step * 2);
            const p = m.kind === 'odd' ? m.p : price;
            assert.equal(below.atOrBelow(l, p), levelAtOrBelow(l, p));
            assert.equal(above.atOrAbove(l, p), levelAtOrAbove(l, p));
            assert.equal(strictlyBelow.below(l, p), levelBelow(l, p));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
