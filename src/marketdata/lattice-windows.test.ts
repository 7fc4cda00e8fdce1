/**
 * The blended range counted on a decimal lattice (lattice-key.ts, lattice-window.ts, lattice-windows.ts) against
 * the naive reference (test-support/naive-window.ts), bit for bit, on streams built to reach every path: prices on
 * one lattice, finer decimals arriving later (the scale refined), prices wandering past a window's counts (counted
 * again), prices spread too wide or off any lattice (the range goes on in the ordered windows), gaps longer than a
 * lookback, equal timestamps, duplicates and clear().
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BlendedRange, LOOKBACK_KEYS } from './blended-range.ts';
import { decimalsOf, keyAt, scaleOf } from './lattice-key.ts';
import { MAX_INDEXES } from './lattice-window.ts';
import { NaiveWindow, naiveBlend } from './test-support/naive-window.ts';
import { rangeSettings } from './test-support/range-settings.ts';

describe('lattice keys', () => {
  it('finds the coarsest lattice of a decimal and gives its key back exactly', () => {
    assert.equal(decimalsOf(150), 0);
    assert.equal(decimalsOf(149.865), 3);
    assert.equal(decimalsOf(0.1), 1);
    assert.equal(decimalsOf(0.000001), 6);
    assert.equal(keyAt(149.865, 1000), 149865);
    assert.ok(Number.isNaN(keyAt(149.865, 100)));
    // on no lattice of at most 9 decimals: a third, a computed price, −0 (its key would read back as +0)
    assert.equal(decimalsOf(1 / 3), -1);
    assert.equal(decimalsOf(149.86500000000004), -1);
    assert.equal(decimalsOf(1e-10), -1);
    assert.equal(decimalsOf(-0), -1);
    assert.equal(decimalsOf(0), 0);
  });

  it('a decimal k / 10^d has a key at 10^d equal to k, and keys order as their values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat(9),
        (k, step, d) => {
          const scale = scaleOf(d);
          const v = k / scale;
          fc.pre(!Object.is(v, -0));
          assert.equal(keyAt(v, scale), k);
          assert.ok(decimalsOf(v) <= d);
          // the next keys up give larger values
          assert.ok((k + step) / scale > v);
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });
});

/** A stream step: a sample (time step, price move, how the price is written), or clear(). */
type Step =
  | { kind: 'sample'; dt: number; move: number; write: 'base' | 'finer' | 'off' | 'far' }
  | { kind: 'clear' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.record({
      kind: fc.constant('sample' as const),
      dt: fc.oneof(
        { weight: 6, arbitrary: fc.constant(1) },
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 400 }) },
      ),
      // keys wander: a walk of steps up to ±300 leaves a window's first 1,024 counts within a few hundred steps
      move: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
        { weight: 2, arbitrary: fc.integer({ min: -300, max: 300 }) },
      ),
      write: fc.oneof(
        { weight: 200, arbitrary: fc.constant('base' as const) },
        { weight: 2, arbitrary: fc.constant('finer' as const) },
        { weight: 1, arbitrary: fc.constant('off' as const) },
        { weight: 1, arbitrary: fc.constant('far' as const) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

/** The price a step writes: on the base lattice, one decimal finer, off every lattice, or too far to count. */
function priceOf(key: number, decimals: number, write: Exclude<Step, { kind: 'clear' }>['write']): number {
  const scale = scaleOf(decimals);
  if (write === 'finer') return (key * 10 + 3) / (scale * 10);
  if (write === 'off') return key / scale + 1 / 3;
  if (write === 'far') return (key + MAX_INDEXES) / scale;
  return key / scale;
}

describe('BlendedRange on a decimal lattice', () => {
  it('equals the naive blend after every sample, counted or not, and reaches every path', () => {
    const seen = { counted: 0, leftLattice: 0, finer: 0, off: 0, far: 0 };
    fc.assert(
      fc.property(
        rangeSettings,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.array(step, { minLength: 1, maxLength: 500, size: 'max' }),
        ({ pLo, pHi, lookbackMs, weights }, decimals, startKey, steps) => {
          const range = new BlendedRange({ percentiles: [pLo, pHi], weights, lookbackMs });
          const fresh = () =>
            LOOKBACK_KEYS.map((key) => ({ weight: weights[key], window: new NaiveWindow(lookbackMs[key]) }));
          let ref = fresh();
          let ts = 0;
          let key = startKey;
          for (const s of steps) {
            if (s.kind === 'clear') {
              range.clear();
              ref = fresh();
              assert.ok(range.counted && Number.isNaN(range.lo));
              continue;
            }
            ts += s.dt;
            key = Math.max(1, key + s.move);
            const value = priceOf(key, decimals, s.write);
            const before = range.counted;
            range.update(ts, value);
            if (s.write !== 'base') seen[s.write]++;
            if (before && !range.counted) seen.leftLattice++;
            for (const r of ref) r.window.push(ts, value);
            const want = naiveBlend(ref, pLo, pHi);
            assert.equal(range.lo, want.lo);
            assert.equal(range.hi, want.hi);
          }
          if (range.counted) seen.counted++;
          // each window's band is its naive window's percentiles
          const bands = range.bands();
          const live = ref.filter((r) => r.weight > 0);
          assert.equal(bands.length, live.length);
          bands.forEach((b, i) => {
            const w = (live[i] as (typeof live)[number]).window;
            assert.equal(b.samples, w.values().length);
            assert.equal(b.lo, w.percentile(pLo));
            assert.equal(b.hi, w.percentile(pHi));
          });
        },
      ),
      { seed: 2026, numRuns: 300 },
    );
    // the streams reached each path: ranges counted to the end, and ranges that left the lattice
    assert.ok(seen.counted > 50, `ranges counted to the end: ${seen.counted}`);
    assert.ok(seen.leftLattice > 50, `ranges that left the lattice: ${seen.leftLattice}`);
    assert.ok(seen.finer > 50 && seen.off > 20 && seen.far > 20, JSON.stringify(seen));
  });

  it('keeps counting a year-like walk of three-decimal prices', () => {
    // one-minute samples over three weeks: every window fills, the 1w one drops samples for two weeks
    const range = new BlendedRange();
    let key = 150_000;
    let state = 12345;
    for (let i = 0; i < 3 * 7 * 1440; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      key += (state % 201) - 100;
      range.update(i * 60_000, key / 1000);
    }
    assert.ok(range.counted);
    const week = range.bands().find((b) => b.key === '1w');
    assert.equal(week?.samples, 7 * 1440);
  });
});
