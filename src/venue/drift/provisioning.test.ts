import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nextSubaccountId } from './provisioning.ts';

describe('nextSubaccountId', () => {
  it('is 0 for a new authority and the created count afterwards', () => {
    assert.equal(nextSubaccountId({ userStatsExists: false, subaccountsCreated: 0, existing: [] }), 0);
    assert.equal(nextSubaccountId({ userStatsExists: true, subaccountsCreated: 3, existing: [0, 1, 2] }), 3);
    // a deleted subaccount does not lower the count: Drift keeps numbering upwards
    assert.equal(nextSubaccountId({ userStatsExists: true, subaccountsCreated: 3, existing: [0, 2] }), 3);
  });

  it('never returns an id that is in use, even when the count lags', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 40 })),
        fc.integer({ min: 0, max: 40 }),
        (existing, n) => {
          const id = nextSubaccountId({ userStatsExists: true, subaccountsCreated: n, existing });
          assert.ok(!existing.includes(id));
          assert.ok(id >= n);
        },
      ),
      { seed: 5 },
    );
  });

  it('refuses past the u16 range', () => {
    assert.throws(
      () => nextSubaccountId({ userStatsExists: true, subaccountsCreated: 65_535, existing: [65_535] }),
      /no free Drift subaccount id/,
    );
  });
});
