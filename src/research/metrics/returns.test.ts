import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { medianSpacing } from './returns.ts';

/** The definition: the spacings sorted, the one at the middle (floor(n / 2)). */
function sortedMedian(ts: readonly number[]): number {
  if (ts.length < 2) return 0;
  const d = ts.slice(1).map((t, i) => t - (ts[i] as number));
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)] as number;
}

describe('medianSpacing', () => {
  it('is the middle spacing, whether or not one spacing has most of them', () => {
    // spacings from a few values (a regular clock with gaps, repeats and steps back), or any
    const spacing = fc.oneof(fc.constantFrom(60_000, 60_000, 60_000, 0, 120_000, -60_000), fc.integer());
    let majority = 0;
    let none = 0;
    fc.assert(
      fc.property(fc.integer(), fc.array(spacing, { maxLength: 40 }), (start, gaps) => {
        const ts = [start];
        for (const g of gaps) ts.push((ts.at(-1) as number) + g);
        const counts = new Map<number, number>();
        for (const g of gaps) counts.set(g, (counts.get(g) ?? 0) + 1);
        if ([...counts.values()].some((c) => 2 * c > gaps.length)) majority++;
        else none++;
        assert.equal(medianSpacing(ts), sortedMedian(ts));
      }),
      { numRuns: 2000 },
    );
    assert.ok(majority > 100 && none > 100, `both cases met (${majority} with a majority, ${none} without)`);
  });

  it('takes a typed array as the timeline gives it', () => {
    assert.equal(medianSpacing(Float64Array.of(0, 60, 120, 240, 300)), 60);
    assert.equal(
      medianSpacing(Float64Array.of(0, 60, 180, 300)),
      120,
      'no majority: the middle of 60, 120, 120',
    );
    assert.equal(medianSpacing([5]), 0);
  });
});
