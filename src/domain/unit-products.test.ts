import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_PER_UNIT, rememberedCount, unitProduct } from './unit-products.ts';

describe('unitProduct', () => {
  it('is BigInt(count) × unit (property), one object for one value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.constantFrom(1n, 100n, 10_000_000n, 10n ** 30n),
        (count, unit) => {
          const v = unitProduct(count, unit);
          assert.equal(v, BigInt(count) * unit);
          assert.equal(unitProduct(count, unit), v);
        },
      ),
      { seed: 3, numRuns: 2000 },
    );
  });

  it('stays bounded and right when a unit passes its table size', () => {
    const unit = 7n;
    for (let k = 0; k < MAX_PER_UNIT * 2 + 5; k++) {
      assert.equal(unitProduct(k, unit), BigInt(k) * unit);
      assert.ok(rememberedCount(unit) <= MAX_PER_UNIT);
    }
    assert.equal(unitProduct(3, unit), 21n);
    assert.throws(() => unitProduct(0.5, unit), RangeError);
  });
});
