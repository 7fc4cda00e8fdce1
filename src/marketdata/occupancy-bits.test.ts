import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OccupancyBits } from './occupancy-bits.ts';

describe('OccupancyBits', () => {
  it('finds the nearest set index above and below as a plain set does, across empty words and summary words', () => {
    fc.assert(
      fc.property(
        // lengths from one summary word to several, indexes often clustered at the two ends (long gaps between)
        fc.constantFrom(32, 1024, 4096, 1 << 15),
        fc.array(
          fc.record({
            set: fc.boolean(),
            at: fc.oneof(
              fc.nat(40),
              fc.nat(1 << 15),
              fc.integer({ min: 0, max: 40 }).map((k) => -1 - k),
            ),
          }),
          { maxLength: 200 },
        ),
        fc.array(fc.nat(1 << 15), { maxLength: 30 }),
        (length, ops, queries) => {
          const bits = new OccupancyBits(length);
          const model = new Set<number>();
          for (const op of ops) {
            const i = ((op.at % length) + length) % length;
            if (op.set) {
              bits.set(i);
              model.add(i);
            } else {
              bits.clear(i);
              model.delete(i);
            }
          }
          const sorted = [...model].sort((a, b) => a - b);
          for (const q of queries) {
            const i = q % length;
            const above = sorted.find((x) => x >= i);
            const below = sorted.findLast((x) => x <= i);
            if (above !== undefined) assert.equal(bits.firstAtOrAbove(i), above);
            if (below !== undefined) assert.equal(bits.lastAtOrBelow(i), below);
          }
          bits.clearAll();
          bits.set(length - 1);
          assert.equal(bits.firstAtOrAbove(0), length - 1);
          bits.set(0);
          assert.equal(bits.lastAtOrBelow(length - 2), 0);
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });
});
