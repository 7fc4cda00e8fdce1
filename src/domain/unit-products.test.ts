import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_PER_UNIT, productsOf } from './unit-products.ts';

describe('unit products', () => {
  it('is BigInt(count) × unit (property), one object for one value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.constantFrom(1n, 100n, 10_000_000n, 10n ** 30n),
        (count, unit) => {
          const v = productsOf(unit).of(count);
          assert.equal(v, BigInt(count) * unit);
          assert.equal(productsOf(unit).of(count), v);
        },
      ),
      { seed: 3, numRuns: 2000 },
    );
  });

  it('stays bounded and right when a unit passes its table size', () => {
    const sevens = productsOf(7n);
    for (let k = 0; k < MAX_PER_UNIT * 2 + 5; k++) {
      assert.equal(sevens.of(k), BigInt(k) * 7n);
      assert.ok(sevens.size <= MAX_PER_UNIT);
    }
    assert.equal(sevens.of(3), 21n);
    assert.throws(() => sevens.of(0.5), RangeError);
  });
});
