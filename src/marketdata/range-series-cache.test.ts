import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBacktest } from '../backtest/run-backtest.ts';
import { type GridBotConfig, parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { generateCandles, mergeEventTape } from '../data/index.ts';
import type { MarketEvent } from '../data/types.ts';
import { gridRangeConfig } from '../engine/grid-bot.ts';
import { RangeSeriesCache } from './range-series-cache.ts';

const EXAMPLE = new URL('../../examples/sol-grid.yaml', import.meta.url).pathname;
const config = parseBotConfig(readConfigFile(EXAMPLE), 'sol-grid.yaml');
if (config.strategy !== 'grid') throw new Error('the example is a grid');
const market = config.markets[0].symbol;
const now = () => 0;

describe('RangeSeriesCache (one range series for the runs on the same bars and settings)', () => {
  // 20 days of minutes; the second half is the trading part of a warmed-up run, as the optimiser runs a segment
  const tape = mergeEventTape([{ market, candles: generateCandles(28_800, { seed: 13, startPrice: 150 }) }]);
  const events: MarketEvent[] = tape.toArray();
  const warmupUntil = (events[14_400] as Extract<MarketEvent, { type: 'bar' }>).candle.ts;

  for (const [name, seq] of [
    ['a tape', tape],
    ['an array of events', events],
  ] as const) {
    it(`gives every run the report of the bot's own range, computing the series once (${name})`, () => {
      const rangeConfig = gridRangeConfig(config.grid);
      const ranges = new RangeSeriesCache();
      for (const grid of [config.grid, { ...config.grid, levels: 6, stepPct: 0.3 }]) {
        const trial: GridBotConfig = { ...config, grid };
        const own = runBacktest({ config: trial, events: seq, replayFunding: false, warmupUntil, now });
        const range = ranges.reader('segment 0', seq, market, rangeConfig);
        const shared = runBacktest({
          config: trial,
          events: seq,
          replayFunding: false,
          warmupUntil,
          now,
          range,
        });
        assert.ok(own.summary.fills > 50, `a run that trades (${own.summary.fills} fills)`);
        assert.deepEqual(shared.summary, own.summary);
        assert.deepEqual(shared.fills, own.fills);
        assert.deepEqual(shared.timeline.column('equity'), own.timeline.column('equity'));
      }
      assert.equal(ranges.size, 1, 'one series for both trials');
      ranges.reader('segment 0', seq, market, { ...rangeConfig, percentiles: [10, 90] });
      assert.equal(ranges.size, 2, 'other settings: another series');
    });
  }

  it('fails loudly when a key is given other bars', () => {
    const ranges = new RangeSeriesCache();
    ranges.reader('segment 0', tape, market, gridRangeConfig(config.grid));
    const other = mergeEventTape([{ market, candles: generateCandles(1_000, { seed: 14, startPrice: 90 }) }]);
    const range = ranges.reader('segment 0', other, market, gridRangeConfig(config.grid));
    assert.throws(
      () => runBacktest({ config, events: other, replayFunding: false, now, range }),
      /range series out of step at bar 0/,
    );
  });

  it('keeps at most its limit of series, dropping the oldest', () => {
    const ranges = new RangeSeriesCache(2);
    const small = mergeEventTape([{ market, candles: generateCandles(100, { seed: 1, startPrice: 150 }) }]);
    for (const key of ['a', 'b', 'c']) ranges.reader(key, small, market, {});
    assert.equal(ranges.size, 2);
  });
});
