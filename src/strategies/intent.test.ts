import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalizeIntent } from './intent.ts';

describe('normalizeIntent', () => {
  it('a target position becomes a one-point band', () => {
    assert.deepEqual(normalizeIntent({ kind: 'target', marketIndex: 30, base: -120 }), {
      kind: 'band',
      marketIndex: 30,
      minBase: -120,
      maxBase: -120,
      preferredBase: -120,
    });
    // the curve cannot move a target
    assert.equal(normalizeIntent({ kind: 'target', marketIndex: 30, base: 5 }, 9).preferredBase, 5);
  });

  it('a band keeps its bounds and takes the curve’s preferred base, clamped inside', () => {
    const band = { kind: 'band', marketIndex: 0, minBase: -2, maxBase: 4, preferredBase: 1 } as const;
    assert.equal(normalizeIntent(band).preferredBase, 1);
    assert.equal(normalizeIntent(band, 3).preferredBase, 3);
    assert.equal(normalizeIntent(band, 9).preferredBase, 4);
    assert.equal(normalizeIntent(band, -9).preferredBase, -2);
    assert.equal(normalizeIntent({ ...band, preferredBase: 7 }).preferredBase, 4);
    assert.throws(() => normalizeIntent({ ...band, minBase: 5 }), /minBase 5 > maxBase 4/);
  });

  it('always returns min ≤ preferred ≤ max (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: -2e6, max: 2e6, noNaN: true }),
        fc.option(fc.double({ min: -2e6, max: 2e6, noNaN: true }), { nil: undefined }),
        (min, width, preferred, curve) => {
          const b = normalizeIntent(
            { kind: 'band', marketIndex: 1, minBase: min, maxBase: min + width, preferredBase: preferred },
            curve,
          );
          assert.ok(b.minBase <= b.preferredBase && b.preferredBase <= b.maxBase);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});
