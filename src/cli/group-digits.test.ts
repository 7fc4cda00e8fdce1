import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { groupDigits } from './group-digits.ts';

describe('groupDigits', () => {
  it('groups thousands as en-US does', () => {
    assert.equal(groupDigits(0), '0');
    assert.equal(groupDigits(999), '999');
    assert.equal(groupDigits(1000), '1,000');
    assert.equal(groupDigits(221_936), '221,936');
    assert.equal(groupDigits(1_234_567), '1,234,567');
    assert.equal(groupDigits(-1_234_567), '-1,234,567');
    assert.equal(groupDigits(999.6), '1,000');
  });

  it('is toLocaleString("en-US") of the rounded number, for any whole number a run can print', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), (n) => {
        assert.equal(groupDigits(n), n.toLocaleString('en-US'));
      }),
    );
  });

  it('says what it was given when that is no number', () => {
    assert.equal(groupDigits(Number.NaN), 'NaN');
    assert.equal(groupDigits(Number.POSITIVE_INFINITY), '∞');
  });
});
