import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_PRIORITY_FEE, pickPriorityFee } from './priority-fee.ts';

describe('pickPriorityFee', () => {
  it('takes the percentile of recent non-zero fees', () => {
    const fees = [0, 0, 10_000, 20_000, 30_000, 40_000];
    assert.equal(pickPriorityFee(fees, { ...DEFAULT_PRIORITY_FEE, percentile: 50 }), 30_000);
    assert.equal(pickPriorityFee(fees, { ...DEFAULT_PRIORITY_FEE, percentile: 0 }), 10_000);
    assert.equal(pickPriorityFee(fees, { ...DEFAULT_PRIORITY_FEE, percentile: 100 }), 40_000);
  });

  it('uses the floor on a quiet network and never exceeds the cap', () => {
    assert.equal(pickPriorityFee([], DEFAULT_PRIORITY_FEE), DEFAULT_PRIORITY_FEE.minMicroLamports);
    fc.assert(
      fc.property(fc.array(fc.nat()), fc.integer({ min: 0, max: 100 }), (fees, percentile) => {
        const f = pickPriorityFee(fees, { ...DEFAULT_PRIORITY_FEE, percentile });
        assert.ok(f >= DEFAULT_PRIORITY_FEE.minMicroLamports && f <= DEFAULT_PRIORITY_FEE.maxMicroLamports);
      }),
      { seed: 8 },
    );
  });
});
