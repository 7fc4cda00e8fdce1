import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Bias,
  type CurveKind,
  curveExtent,
  linearCurve,
  preferredBase,
  stepwiseCurve,
} from './curve.ts';

const kinds: CurveKind[] = ['linear', 'stepwise'];
const biases: Bias[] = ['bullish', 'neutral', 'bearish'];

describe('curves', () => {
  it('are monotone non-increasing in price (property, both kinds, every bias, prices outside the range too)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.constantFrom(...biases),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: 1.0001, max: 3, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.5, noNaN: true }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0.001, max: 10, noNaN: true }),
        fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: 2, maxLength: 30 }),
        (kind, bias, lo, ratio, step, levels, size, rel) => {
          const hi = lo * ratio;
          const extent = curveExtent(levels, size, bias, 0.5);
          const prices = rel.map((r) => lo * ratio * r).sort((a, b) => a - b);
          let prev = Number.POSITIVE_INFINITY;
          for (const p of prices) {
            const v = preferredBase(kind, p, lo, hi, extent, step, size);
            assert.ok(v <= prev, `${kind} ${bias}: ${v} at ${p} above ${prev}`);
            assert.ok(v <= extent.maxLong && v >= -extent.maxShort);
            prev = v;
          }
        },
      ),
      { seed: 11, numRuns: 400 },
    );
  });

  it('hits max long at lo and max short at hi; neutral linear is flat mid-range', () => {
    const e = curveExtent(10, 1, 'neutral', 0.5);
    assert.deepEqual(e, { maxLong: 10, maxShort: 10 });
    for (const kind of kinds) {
      assert.equal(preferredBase(kind, 100, 100, 120, e, 0.01, 1), 10);
      assert.equal(preferredBase(kind, 120, 100, 120, e, 0.01, 1), -10);
      assert.equal(preferredBase(kind, 90, 100, 120, e, 0.01, 1), 10, 'below the range stays max long');
      assert.equal(preferredBase(kind, 130, 100, 120, e, 0.01, 1), -10, 'above the range stays max short');
    }
    assert.equal(linearCurve(110, 100, 120, e), 0);
    assert.equal(linearCurve(105, 100, 120, e), 5);
  });

  it('bias shifts the curve: bullish ≥ neutral ≥ bearish at every price', () => {
    const bull = curveExtent(10, 1, 'bullish', 0.5);
    const neutral = curveExtent(10, 1, 'neutral', 0.5);
    const bear = curveExtent(10, 1, 'bearish', 0.5);
    assert.deepEqual(bull, { maxLong: 10, maxShort: 5 });
    assert.deepEqual(bear, { maxLong: 5, maxShort: 10 });
    for (let p = 95; p <= 125; p += 0.5) {
      for (const kind of kinds) {
        const b = preferredBase(kind, p, 100, 120, bull, 0.01, 1);
        const n = preferredBase(kind, p, 100, 120, neutral, 0.01, 1);
        const s = preferredBase(kind, p, 100, 120, bear, 0.01, 1);
        assert.ok(b >= n && n >= s, `${kind} at ${p}: ${b} ${n} ${s}`);
      }
    }
    // the bullish linear curve crosses zero 2/3 of the way up instead of halfway
    assert.ok(Math.abs(linearCurve(100 + (20 * 2) / 3, 100, 120, bull)) < 1e-12);
  });

  it('stepwise holds between grid levels and moves in whole level sizes', () => {
    const e = curveExtent(10, 0.5, 'neutral', 0);
    const step = 0.02;
    const values = new Set<number>();
    for (let p = 100; p < 120; p += 0.05) {
      const v = stepwiseCurve(p, 100, 120, e, step, 0.5);
      values.add(v);
      assert.equal(Math.abs((v / 0.5) % 1), 0, `${v} is a whole number of levels`);
    }
    // levels at 100·1.02^j below 120: j = 0..9 → 10 distinct values
    assert.equal(values.size, 10);
    // constant between 102 and 104.04 (the levels j = 1 and j = 2)
    assert.equal(stepwiseCurve(102.5, 100, 120, e, step, 0.5), stepwiseCurve(104, 100, 120, e, step, 0.5));
    assert.notEqual(stepwiseCurve(104, 100, 120, e, step, 0.5), stepwiseCurve(104.1, 100, 120, e, step, 0.5));
  });
});
