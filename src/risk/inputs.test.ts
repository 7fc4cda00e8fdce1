import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bandWithin, clampBand, notTripped } from './inputs.ts';

const value = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.double({ min: -100, max: 100 }),
);
// every allowed range a rule makes contains 0 (or is NaN when its inputs are)
const range = fc.oneof(
  fc.record({ minBase: fc.double({ min: -100, max: 0 }), maxBase: fc.double({ min: 0, max: 100 }) }),
  fc
    .record({ minBase: value, maxBase: value })
    .filter((r) => Number.isNaN(r.minBase) || Number.isNaN(r.maxBase)),
);

describe('risk inputs', () => {
  it('bandWithin says whether clampBand leaves the bounds as they are', () => {
    fc.assert(
      fc.property(value, value, range, (minBase, maxBase, r) => {
        const band = { kind: 'band' as const, marketIndex: 0, minBase, maxBase, preferredBase: 0 };
        const c = clampBand(band, r);
        assert.equal(bandWithin(band, r), c.minBase === minBase && c.maxBase === maxBase);
      }),
      { numRuns: 5000 },
    );
  });

  it('a rule that does not trip answers with its own frozen outcome', () => {
    const o = notTripped('B_leverage');
    assert.deepEqual(o, { rule: 'B_leverage', tripped: false, action: 'APPROVE' });
    assert.equal(notTripped('B_leverage'), o);
    assert.ok(Object.isFrozen(o));
  });
});
