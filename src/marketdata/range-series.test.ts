import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { BlendedRange, type BlendedRangeConfig } from './blended-range.ts';
import { allocateRangeSeries, fillRangeSeries, RangeSeriesReader } from './range-series.ts';

const MINUTE = 60_000;

/** Short lookbacks, so that a few thousand samples fill and roll every window. */
const lookbackMs = { '1h': 7 * MINUTE, '4h': 31 * MINUTE, '1d': 97 * MINUTE, '1w': 400 * MINUTE };

function seriesOf(prices: readonly number[], gaps: readonly number[]) {
  const b = allocateRangeSeries(prices.length);
  let ts = Date.UTC(2025, 0, 1);
  prices.forEach((p, i) => {
    ts += MINUTE * (1 + (gaps[i % gaps.length] ?? 0));
    b.ts[i] = ts;
    b.price[i] = p;
  });
  return b;
}

describe('range series (the blended range computed ahead)', () => {
  it('gives every bar the lo and hi the bot’s own BlendedRange gives, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 2500 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 20 }),
        fc.constantFrom<[number, number]>([5, 95], [1, 99], [25, 75], [0, 100], [40, 45]),
        fc.array(fc.constantFrom(0, 0.1, 0.35, 1), { minLength: 4, maxLength: 4 }),
        (ticks, gaps, percentiles, drawn) => {
          // at least one window on
          const w = drawn.some((x) => x > 0) ? drawn : [1, 0, 0, 0];
          const config: BlendedRangeConfig = {
            percentiles,
            weights: { '1h': w[0], '4h': w[1], '1d': w[2], '1w': w[3] },
            lookbackMs,
          };
          const b = seriesOf(
            ticks.map((t) => t / 1000),
            gaps,
          );
          fillRangeSeries(b, config);
          const own = new BlendedRange(config);
          const read = new RangeSeriesReader(b);
          for (let i = 0; i < b.ts.length; i++) {
            own.update(b.ts[i], b.price[i]);
            read.update(b.ts[i], b.price[i]);
            assert.ok(Object.is(read.lo, own.lo) && Object.is(read.hi, own.hi), `bar ${i}`);
          }
          assert.equal(read.position, b.ts.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a bar it was not computed for, and a bar past its end', () => {
    const b = seriesOf([100, 101, 102], [0]);
    fillRangeSeries(b, {});
    const read = new RangeSeriesReader(b);
    read.update(b.ts[0], 100);
    assert.throws(
      () => read.update(b.ts[1], 101.5),
      /out of step at bar 1: fed .*101\.5.*computed for .*101\)/,
    );
    read.update(b.ts[1], 101);
    read.update(b.ts[2], 102);
    assert.throws(() => read.update(b.ts[2] + MINUTE, 103), /out of step at bar 3.*no more bars/);
  });

  it('stops with the computing side’s reason when it failed, instead of waiting', () => {
    const b = seriesOf([100, 101], [0]);
    const { port1, port2 } = new MessageChannel();
    port2.postMessage({ message: 'percentiles must satisfy 0 ≤ lo < hi ≤ 100' });
    Atomics.store(b.progress, 1, 1);
    const read = new RangeSeriesReader(b, port1);
    assert.throws(
      () => read.update(b.ts[0], 100),
      /the blended range could not be computed: percentiles must satisfy/,
    );
    port1.close();
    port2.close();
  });
});
