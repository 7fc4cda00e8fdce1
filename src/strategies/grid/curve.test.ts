import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Bias,
  type CurveKind,
  curveExtent,
  flatBounds,
  layCurve,
  targetAtLevel,
  targetAtPrice,
} from './curve.ts';
import { levelPrice, makeLattice } from './lattice.ts';

const kinds: CurveKind[] = ['linear', 'stepwise'];
const biases: Bias[] = ['bullish', 'neutral', 'bearish'];
const lattice = makeLattice(100, 0.005);

describe('curves', () => {
  it('are monotone non-increasing over the lattice and stay inside the extent (property, both kinds, every bias)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom(...biases),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (kind, bias, loIdx, width, levels, size, skew) => {
          const extent = curveExtent(levels, size, bias, skew);
          const c = layCurve(kind, lattice, { loIdx, hiIdx: loIdx + width }, extent, size);
          let prev = Number.POSITIVE_INFINITY;
          for (let j = loIdx - 80; j <= loIdx + width + 80; j++) {
            const v = targetAtLevel(c, lattice, j);
            assert.ok(v <= prev + 1e-12, `${kind} ${bias}: ${v} at level ${j} above ${prev}`);
            assert.ok(v <= extent.maxLong + 1e-9 && v >= -extent.maxShort - 1e-9);
            prev = v;
          }
          // beyond the flat bounds nothing changes (the ladder stops scanning there)
          const { below, above } = flatBounds(c);
          assert.equal(targetAtLevel(c, lattice, below - 7), targetAtLevel(c, lattice, below));
          assert.equal(targetAtLevel(c, lattice, above + 7), targetAtLevel(c, lattice, above));
        },
      ),
      { seed: 11, numRuns: 400 },
    );
  });

  it('linear: max long at lo, max short at hi, zero in the middle, whatever the size per level', () => {
    const e = curveExtent(10, 1, 'neutral', 0.5);
    const c = layCurve('linear', lattice, { loIdx: 0, hiIdx: 8 }, e, 1);
    assert.equal(targetAtLevel(c, lattice, 0), 10);
    assert.equal(targetAtLevel(c, lattice, 8), -10);
    // the levels are geometric and the line is in price, so the middle level is a hair below the middle price
    assert.ok(Math.abs(targetAtLevel(c, lattice, 4)) < 0.1, 'about flat at the middle level');
    // 8 levels share 20 sizes: each level adds about 2.5 (the price spacing is geometric, so not exactly)
    const perLevel = targetAtLevel(c, lattice, 3) - targetAtLevel(c, lattice, 4);
    assert.ok(perLevel > 2.4 && perLevel < 2.6, `${perLevel}`);
  });

  it('stepwise: one size per level from the zero crossing, capped at the extent, whatever the width', () => {
    const e = curveExtent(3, 0.5, 'neutral', 0.5);
    const c = layCurve('stepwise', lattice, { loIdx: -10, hiIdx: 10 }, e, 0.5);
    const got = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5].map((j) => targetAtLevel(c, lattice, j));
    assert.deepEqual(got, [1.5, 1.5, 1.5, 1, 0.5, 0, -0.5, -1, -1.5, -1.5, -1.5]);
  });

  it('linear and stepwise differ unless the range holds 2 × levels levels', () => {
    const e = curveExtent(4, 1, 'neutral', 0.5);
    const narrow = { loIdx: 0, hiIdx: 4 };
    const lin = layCurve('linear', lattice, narrow, e, 1);
    const step = layCurve('stepwise', lattice, narrow, e, 1);
    // over 4 levels linear spends ±4 sizes (2 per level); stepwise adds 1 per level
    assert.ok(Math.abs(targetAtLevel(lin, lattice, 1) - 2) < 0.02);
    assert.equal(targetAtLevel(step, lattice, 1), 1);
    const matched = { loIdx: 0, hiIdx: 8 };
    const lin8 = layCurve('linear', lattice, matched, e, 1);
    const step8 = layCurve('stepwise', lattice, matched, e, 1);
    for (let j = 0; j <= 8; j++) {
      assert.ok(
        Math.abs(targetAtLevel(lin8, lattice, j) - targetAtLevel(step8, lattice, j)) < 0.05,
        `level ${j}`,
      );
    }
  });

  it('a bias shrinks the disfavoured side and moves the zero crossing towards it', () => {
    const bull = curveExtent(10, 1, 'bullish', 0.5);
    assert.deepEqual(bull, { maxLong: 10, maxShort: 5 });
    assert.deepEqual(curveExtent(10, 1, 'bearish', 0.5), { maxLong: 5, maxShort: 10 });
    const c = layCurve('stepwise', lattice, { loIdx: 0, hiIdx: 30 }, bull, 1);
    assert.equal(c.zeroIdx, 20, 'two thirds of the way up');
    assert.equal(targetAtLevel(c, lattice, 20), 0);
    assert.equal(targetAtLevel(c, lattice, 0), 10);
    assert.equal(targetAtLevel(c, lattice, 30), -5);
  });

  it('targetAtPrice agrees with the level at or below the price', () => {
    const e = curveExtent(10, 1, 'neutral', 0.5);
    for (const kind of kinds) {
      const c = layCurve(kind, lattice, { loIdx: -6, hiIdx: 6 }, e, 1);
      for (const j of [-8, -3, 0, 2, 7]) {
        const p = levelPrice(lattice, j);
        if (kind === 'stepwise') {
          assert.equal(targetAtPrice(c, lattice, p * 1.001), targetAtLevel(c, lattice, j));
        } else {
          assert.ok(Math.abs(targetAtPrice(c, lattice, p) - targetAtLevel(c, lattice, j)) < 1e-9);
        }
      }
    }
  });
});
