import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BarColumns } from './bar-columns.ts';
import { chainedColumns } from './chained-columns.ts';
import { normalizeSeries, sameCandle } from './normalize.ts';
import type { Candle } from './types.ts';

/** What the merge makes of the parts through candles (merge.ts): concatenated, sorted stably, de-duplicated. */
function throughCandles(parts: BarColumns[]): BarColumns {
  return BarColumns.fromCandles(
    normalizeSeries(
      parts.flatMap((p) => p.toCandles()),
      sameCandle,
    ).items,
  );
}

/** A part: `n` candles a minute apart from `start`, some with oracle fields, staleness or a funding rate. */
const part = fc.record({
  n: fc.integer({ min: 1, max: 12 }),
  // how the part begins against the part before: after a gap, right after it, at its last time, or before it
  join: fc.constantFrom('gap', 'next', 'shared', 'shared', 'overlap'),
  oracle: fc.boolean(),
  stale: fc.constantFrom(undefined, true, false),
  funding: fc.boolean(),
  price: fc.integer({ min: 1, max: 5 }),
});

type PartSpec = typeof part extends fc.Arbitrary<infer T> ? T : never;

function candlesOf(spec: PartSpec, start: number): Candle[] {
  return Array.from({ length: spec.n }, (_, i) => {
    const p = spec.price + i / 10;
    const c: Candle = { ts: start + i * 60_000, open: p, high: p + 1, low: p - 0.5, close: p, volume: i };
    if (spec.oracle)
      Object.assign(c, { oracleOpen: p, oracleHigh: p + 1, oracleLow: p - 0.5, oracleClose: p });
    if (spec.stale !== undefined) c.oracleStale = spec.stale;
    if (spec.funding) c.fundingRate = p / 1000;
    return c;
  });
}

describe('bar columns of files that follow one another', () => {
  it('are the rows the merge through candles gives, whenever they chain; otherwise undefined', () => {
    let chained = 0;
    let shared = 0;
    fc.assert(
      fc.property(fc.array(part, { minLength: 2, maxLength: 6 }), (specs) => {
        let end = 1_735_689_600_000;
        const parts = specs.map((s, k) => {
          const start =
            k === 0
              ? end
              : s.join === 'gap'
                ? end + 5 * 60_000
                : s.join === 'next'
                  ? end + 60_000
                  : s.join === 'shared'
                    ? end
                    : end - 2 * 60_000;
          const candles = candlesOf(s, start);
          end = (candles.at(-1) as Candle).ts;
          return BarColumns.fromCandles(candles);
        });
        const got = chainedColumns(parts);
        const want = throughCandles(parts);
        const overlaps = specs.some((s, k) => k > 0 && s.join === 'overlap');
        if (got === undefined) {
          // only an overlap past one row, or a one-row part taken by the next, is left to the candles
          assert.ok(overlaps || specs.some((s, k) => k < specs.length - 1 && s.n === 1), 'chains');
          return;
        }
        assert.ok(!overlaps, 'an overlap is not chained');
        chained++;
        if (specs.some((s, k) => k > 0 && s.join === 'shared')) shared++;
        assert.deepEqual(got.toCandles(), want.toCandles());
        assert.deepEqual(Object.keys(got.optional).sort(), Object.keys(want.optional).sort());
        assert.equal(got.oracleStale !== undefined, want.oracleStale !== undefined);
      }),
      { numRuns: 500 },
    );
    assert.ok(chained > 100 && shared > 50, `chained ${chained}, with a shared time ${shared}`);
  });
});
