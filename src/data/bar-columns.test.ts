import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BarColumns } from './bar-columns.ts';
import { finishCandles, finishSortedBars } from './load-result.ts';
import type { Candle } from './types.ts';

const price = fc.double({ min: 0.001, max: 1e6, noNaN: true });
/** Candles with any subset of the optional file fields, bar by bar (a column may start mid-series). */
const candleArb = fc
  .record(
    {
      ts: fc.integer({ min: 0, max: 4e12 }),
      open: price,
      high: price,
      low: price,
      close: price,
      volume: fc.double({ min: 0, max: 1e9, noNaN: true }),
      oracleOpen: price,
      oracleHigh: price,
      oracleLow: price,
      oracleClose: price,
      oracleStale: fc.boolean(),
      fundingRate: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
    },
    { requiredKeys: ['ts', 'open', 'high', 'low', 'close', 'volume'] },
  )
  .map((c): Candle => ({ ...c })); // fast-check's records have a null prototype

describe('BarColumns', () => {
  it('gives back every candle exactly: fields, values, absent fields and a stale flag of false', () => {
    fc.assert(
      fc.property(fc.array(candleArb, { maxLength: 60 }), (candles: Candle[]) => {
        const cols = BarColumns.fromCandles(candles);
        assert.equal(cols.length, candles.length);
        assert.deepStrictEqual(cols.toCandles(), candles);
      }),
    );
  });

  it('refuses live-only fields instead of dropping them', () => {
    assert.throws(
      () => BarColumns.fromCandles([{ ts: 0, open: 1, high: 1, low: 1, close: 1, volume: 0, bid: 0.9 }]),
      /live-only/,
    );
  });

  it('a series in time order finishes as finishCandles would finish the same candles', () => {
    fc.assert(
      fc.property(
        fc.array(candleArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 60, maxLength: 60 }),
        (raw: Candle[], steps: number[]) => {
          // strictly increasing times with some holes, on a minute grid
          let ts = 1_700_000_000_000;
          const candles = raw.map((c, i) => {
            ts += steps[i] * 60_000;
            return { ...c, ts };
          });
          const fast = finishSortedBars('f.csv', 'generic', BarColumns.fromCandles(candles));
          const general = finishCandles('f.csv', 'generic', candles, (idx) => idx.map((i) => i + 2));
          assert.deepStrictEqual(fast.report, general.report);
          assert.deepStrictEqual(fast.bars.toCandles(), general.bars.toCandles());
        },
      ),
    );
  });
});
