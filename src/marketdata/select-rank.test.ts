import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { selectRank } from './select-rank.ts';

describe('selectRank', () => {
  it('puts the t-th smallest at t, nothing larger before it and nothing smaller after (as a sort would)', () => {
    fc.assert(
      fc.property(
        // few distinct values too: ties are the partition's hard case
        fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true })), { minLength: 1 }),
        fc.nat(),
        (values, pick) => {
          const a = Float64Array.from(values);
          const t = pick % a.length;
          const sorted = Float64Array.from(values).sort();
          selectRank(a, a.length, t);
          assert.ok(a[t] === sorted[t], `${a[t]} at rank ${t}, sorted: ${sorted[t]}`); // −0 and 0 tie
          for (let i = 0; i < t; i++) assert.ok(a[i] <= a[t]);
          for (let i = t + 1; i < a.length; i++) assert.ok(a[i] >= a[t]);
          assert.deepEqual(Float64Array.from(a).sort(), sorted, 'a permutation of the input');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
