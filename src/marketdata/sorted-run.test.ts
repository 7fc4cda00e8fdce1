import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SortedRun } from './sorted-run.ts';

/** The run's values in order, read one by one (so the gap is crossed as a reader sees it). */
function contents(run: SortedRun): number[] {
  return Array.from({ length: run.size }, (_, i) => run.at(i));
}

type Op =
  | { kind: 'insert'; value: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'prepend'; count: number }
  | { kind: 'removeBelow'; pick: number }
  | { kind: 'clear' };

/** Values from a small range, so equal values are common. */
const value = fc.integer({ min: -6, max: 6 }).map((v) => v / 4);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('insert' as const), value }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('prepend' as const), count: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeBelow' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('SortedRun', () => {
  it('holds what a sorted array holds through inserts, removes, prepends, cuts and clears', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 400, size: 'max' }), (ops) => {
        const run = new SortedRun();
        let ref: number[] = [];
        for (const o of ops) {
          if (o.kind === 'insert') {
            run.insert(o.value);
            ref.push(o.value);
            ref.sort((a, b) => a - b);
          } else if (o.kind === 'remove' && ref.length > 0) {
            const v = ref[o.pick % ref.length];
            run.remove(v);
            ref.splice(ref.indexOf(v), 1);
          } else if (o.kind === 'prepend') {
            // values below every value held, ascending, with repeats
            const floor = ref.length > 0 ? ref[0] : 0;
            const add = Array.from(
              { length: o.count },
              (_, i) => floor - 1 - Math.floor((o.count - 1 - i) / 3),
            );
            const src = Float64Array.from([7, ...add, 7]); // a slice from the middle of a buffer
            run.prependSorted(src, 1, 1 + o.count);
            ref = [...add, ...ref];
          } else if (o.kind === 'removeBelow' && ref.length > 0) {
            const x = ref[o.pick % ref.length];
            run.removeBelow(x);
            ref = ref.filter((v) => v >= x);
          } else if (o.kind === 'clear') {
            run.clear();
            ref = [];
          }
          assert.equal(run.size, ref.length);
          assert.deepEqual(contents(run), ref);
        }
      }),
      { seed: 31, numRuns: 300 },
    );
  });

  it('throws on removing an absent value and stays intact', () => {
    const run = new SortedRun();
    for (const v of [3, 1, 2, 2, 5]) run.insert(v);
    assert.throws(() => run.remove(4), /not in the set/);
    assert.throws(() => run.remove(0), /not in the set/);
    assert.throws(() => run.remove(6), /not in the set/);
    assert.deepEqual(contents(run), [1, 2, 2, 3, 5]);
    run.remove(2);
    assert.deepEqual(contents(run), [1, 2, 3, 5]);
  });
});
