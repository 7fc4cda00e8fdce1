/**
 * The rolling percentile structures (SortedBlocks with its rank cursors and replace, PercentileWindow over it,
 * TailWindow with its tails, BlendedRange with either) against the naive reference in test-support/naive-window.ts, bit for bit, on random
 * streams: duplicate values, equal timestamps, gaps longer than the lookback, bad samples, clear(), random
 * lookbacks, percentiles, block sizes and read patterns (including reads skipped for a while, and more
 * percentiles than cursors or tails).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BlendedRange, LOOKBACK_KEYS } from './blended-range.ts';
import { PercentileWindow } from './percentile-window.ts';
import { type RollingWindow, rollingWindow } from './rolling-window.ts';
import { SortedBlocks } from './sorted-blocks.ts';
import { TailWindow } from './tail-window.ts';
import { NaiveWindow, naiveBlend, numpyPercentile } from './test-support/naive-window.ts';
import { rangeSettings } from './test-support/range-settings.ts';

/** Values drawn from a pool: a small pool gives many duplicates, a large one mostly distinct values. */
const valuePool = fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), {
  minLength: 1,
  maxLength: 40,
});

/**
 * A step of a stream: how far time moves (often 0 or 1, sometimes past any lookback) and which value; now and
 * then a bad sample, or a clear().
 */
type Step =
  | { kind: 'sample'; dt: number; pick: number }
  | { kind: 'bad'; what: 'back' | 'nan' | 'inf' }
  | { kind: 'clear' };
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({
      kind: fc.constant('sample' as const),
      dt: fc.oneof(
        { weight: 6, arbitrary: fc.constant(1) },
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: 2, max: 9 }) },
        { weight: 1, arbitrary: fc.integer({ min: 10, max: 400 }) },
      ),
      pick: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('bad' as const), what: fc.constantFrom('back', 'nan', 'inf') }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

/** The bad sample a 'bad' step stands for, at the stream's current time `ts`. */
function badSample(what: 'back' | 'nan' | 'inf', ts: number): [number, number] {
  if (what === 'back') return [ts - 1, 1];
  return [ts, what === 'nan' ? Number.NaN : Number.NEGATIVE_INFINITY];
}

const BAD_MESSAGE = { back: /time order/, nan: /must be finite/, inf: /must be finite/ };

describe('rolling percentile against the naive reference', () => {
  it('SortedBlocks: insert, remove, replace, select and percentile equal a sorted array', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        valuePool,
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 5 }),
            fc.nat(),
            fc.nat(),
            fc.double({ min: 0, max: 100, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 400,
            size: 'max',
          },
        ),
        (load, pool, ops) => {
          const set = new SortedBlocks(load);
          const held: number[] = [];
          for (const [op, a, b, p] of ops) {
            const value = pool[a % pool.length];
            if (op <= 1 || held.length === 0) {
              set.insert(value);
              held.push(value);
            } else if (op === 2) {
              const victim = held.splice(b % held.length, 1)[0];
              set.remove(victim);
            } else if (op === 3) {
              const victim = held.splice(b % held.length, 1)[0];
              set.replace(victim, value);
              held.push(value);
            } else if (op === 4) {
              const k = b % held.length;
              assert.equal(set.select(k), [...held].sort((x, y) => x - y)[k]);
            } else {
              assert.equal(set.percentile(p), numpyPercentile(held, p));
            }
            assert.equal(set.size, held.length);
          }
          assert.deepEqual(
            set.toArray(),
            [...held].sort((x, y) => x - y),
          );
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });

  it('SortedBlocks: replace and remove throw on an absent value, replace on NaN', () => {
    const set = new SortedBlocks(2);
    for (const v of [1, 2, 3, 4, 5]) set.insert(v);
    assert.throws(() => set.replace(2.5, 1), /not in the set/);
    assert.throws(() => set.replace(9, 1), /not in the set/);
    assert.throws(() => set.replace(2, Number.NaN), /cannot order NaN/);
    assert.throws(() => set.remove(0), /not in the set/);
    for (const p of [Number.NaN, -1, 100.5]) assert.throws(() => set.percentile(p), /must be in \[0, 100\]/);
    assert.deepEqual(set.toArray(), [1, 2, 3, 4, 5]);
    assert.equal(set.percentile(50), 3);
    assert.equal(set.percentile(100), 5);
  });

  const windows: [string, (lookback: number, load: number) => RollingWindow][] = [
    ['PercentileWindow', (lookback, load) => new PercentileWindow(lookback, load)],
    ['TailWindow', (lookback) => new TailWindow(lookback)],
  ];
  for (const [name, make] of windows) {
    it(`${name}: every read equals the reference, whatever the stream and the read pattern`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 120 }),
          fc.integer({ min: 2, max: 16 }),
          valuePool,
          fc.array(step, { minLength: 1, maxLength: 500, size: 'max' }),
          fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 3 }),
          fc.integer({ min: 1, max: 5 }),
          (lookback, load, pool, steps, ps, readEvery) => {
            const win = make(lookback, load);
            let ref = new NaiveWindow(lookback);
            let ts = 1_000;
            steps.forEach((s, i) => {
              if (s.kind === 'clear') {
                win.clear();
                ref = new NaiveWindow(lookback);
                assert.ok(Number.isNaN(win.percentile(50)));
                return;
              }
              if (s.kind === 'bad') {
                // a step back in time is only wrong after a first sample
                if (s.what === 'back' && win.size === 0) return;
                const [badTs, badValue] = badSample(s.what, ts);
                assert.throws(() => win.push(badTs, badValue), BAD_MESSAGE[s.what]);
                return;
              }
              ts += s.dt;
              const value = pool[s.pick % pool.length];
              win.push(ts, value);
              ref.push(ts, value);
              assert.equal(win.size, ref.values().length);
              if (i % readEvery !== 0) return;
              for (const p of ps) assert.equal(win.percentile(p), ref.percentile(p), `p${p} at step ${i}`);
            });
            assert.deepEqual(win.values(), ref.values());
          },
        ),
        { seed: 2024, numRuns: 300 },
      );
    });
  }

  it('BlendedRange: lo and hi after every update equal the blend of reference windows', () => {
    fc.assert(
      fc.property(
        rangeSettings,
        valuePool,
        fc.array(step, { minLength: 1, maxLength: 600, size: 'max' }),
        ({ pLo, pHi, lookbackMs, weights }, pool, steps) => {
          const lbs = LOOKBACK_KEYS.map((key) => lookbackMs[key]);
          const range = new BlendedRange({ percentiles: [pLo, pHi], weights, lookbackMs });
          const ref = LOOKBACK_KEYS.map((key, i) => ({
            weight: weights[key],
            window: new NaiveWindow(lbs[i]),
          }));
          let ts = 0;
          for (const s of steps) {
            if (s.kind === 'clear') {
              range.clear();
              ref.forEach((r, i) => {
                r.window = new NaiveWindow(lbs[i]);
              });
              assert.ok(Number.isNaN(range.lo) && Number.isNaN(range.hi));
              continue;
            }
            if (s.kind === 'bad') {
              // a step back in time is only wrong after a first sample
              if (s.what === 'back' && Number.isNaN(range.lo)) continue;
              const [badTs, badValue] = badSample(s.what, ts);
              assert.throws(() => range.update(badTs, badValue), BAD_MESSAGE[s.what]);
              continue;
            }
            ts += s.dt;
            const value = pool[s.pick % pool.length];
            range.update(ts, value);
            for (const r of ref) r.window.push(ts, value);
            const want = naiveBlend(ref, pLo, pHi);
            assert.equal(range.lo, want.lo);
            assert.equal(range.hi, want.hi);
          }
        },
      ),
      { seed: 99, numRuns: 200 },
    );
  });

  it('a window read near its ends keeps tails; one read anywhere else is ordered whole', () => {
    assert.ok(rollingWindow(60_000, [5, 95]) instanceof TailWindow);
    assert.ok(rollingWindow(60_000, [0, 100]) instanceof TailWindow);
    assert.ok(rollingWindow(60_000, [12.5, 87.5]) instanceof TailWindow);
    assert.ok(rollingWindow(60_000, [25, 75]) instanceof PercentileWindow);
    assert.ok(rollingWindow(60_000, [5, 50]) instanceof PercentileWindow);
  });

  // A window read at one percentile never reads its other tail again after the first reads; that tail must not
  // keep the window in order meanwhile (it did, filled by a read of a two-sample window: 40× slower per sample).
  it('TailWindow read at one percentile keeps its other tail small', () => {
    for (const p of [5, 95]) {
      const win = new TailWindow(10_000);
      let price = 100;
      for (let ts = 0; ts < 30_000; ts++) {
        price *= 1 + 0.001 * Math.sin(ts * 0.7) * Math.cos(ts * 0.013);
        win.push(ts, price);
        win.percentile(p);
      }
      const [low, high] = win.tailSizes();
      const unread = p < 50 ? high : low;
      assert.ok(unread <= 100, `p${p}: the unread tail holds ${unread} of ${win.size} values`);
    }
  });
});
