import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SortedBlocks } from './sorted-blocks.ts';

/** Reference: numpy's default percentile by sorting (tests only). */
function sortedPercentile(values: number[], p: number): number {
  const s = values.slice().sort((a, b) => a - b);
  const n = s.length;
  const vi = (n - 1) * (p / 100);
  const i = Math.floor(vi);
  const t = vi - i;
  if (i + 1 >= n) return s[i];
  const a = s[i];
  const b = s[i + 1];
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

describe('SortedBlocks', () => {
  it('matches numpy.percentile (values computed with numpy 2.4, default method)', () => {
    const set = new SortedBlocks(2);
    for (const v of [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]) set.insert(v);
    const expected: [number, number][] = [
      [0, 1],
      [5, 1],
      [12.5, 1.25],
      [33.3, 3],
      [50, 4],
      [95, 7.5],
      [99.9, 8.970000000000006],
      [100, 9],
    ];
    for (const [p, v] of expected) assert.equal(set.percentile(p), v, `p${p}`);
    const drift = new SortedBlocks();
    for (const v of [0.7449, 0.7541, 0.75, 0.7449]) drift.insert(v);
    assert.equal(drift.percentile(5), 0.7449);
    assert.equal(drift.percentile(95), 0.753485);
  });

  it('returns NaN when empty and throws on removing an absent value', () => {
    const set = new SortedBlocks();
    assert.ok(Number.isNaN(set.percentile(50)));
    set.insert(1);
    assert.throws(() => set.remove(2), /not in the set/);
    set.remove(1);
    assert.equal(set.size, 0);
  });

  it('stays sorted and selects like a sorted array under random inserts and removes (splits and merges)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -20, max: 20 })), {
          minLength: 100,
          maxLength: 600,
          size: 'max',
        }),
        (load, ops) => {
          const set = new SortedBlocks(load);
          const ref: number[] = [];
          for (const [op, raw] of ops) {
            const add = op !== 0; // two adds per remove on average: the set grows and blocks split
            const v = raw / 4;
            if (add || ref.length === 0) {
              set.insert(v);
              ref.push(v);
            } else {
              // remove a value that is present (picked by the random number)
              const victim = ref[Math.abs(raw) % ref.length];
              set.remove(victim);
              ref.splice(ref.indexOf(victim), 1);
            }
            const sorted = ref.slice().sort((a, b) => a - b);
            assert.deepEqual(set.toArray(), sorted);
            assert.equal(set.size, sorted.length);
            if (sorted.length > 0) {
              const k = Math.abs(raw) % sorted.length;
              assert.equal(set.select(k), sorted[k]);
            }
          }
        },
      ),
      { seed: 20250301, numRuns: 150 },
    );
  });

  it('percentile equals the sorting reference for random percentiles and duplicate-heavy values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 400, size: 'max' }),
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (values, ps) => {
          const set = new SortedBlocks(4);
          for (const v of values) set.insert(v * 0.1);
          const scaled = values.map((v) => v * 0.1);
          for (const p of ps) assert.equal(set.percentile(p), sortedPercentile(scaled, p));
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});
