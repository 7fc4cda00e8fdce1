import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBacktest } from '../backtest/run-backtest.ts';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { generateCandles, mergeEventTape } from '../data/index.ts';
import { gridRangeConfig } from '../engine/grid-bot.ts';
import { BlendedRange } from './blended-range.ts';
import { RANGE_THREAD_MIN_BARS, RangeThread } from './range-thread.ts';

const EXAMPLE = new URL('../../examples/sol-grid.yaml', import.meta.url).pathname;
const config = parseBotConfig(readConfigFile(EXAMPLE), 'sol-grid.yaml');
if (config.strategy !== 'grid') throw new Error('the example is a grid');
const market = config.markets[0].symbol;
const tapeOf = (n: number, seed: number) =>
  mergeEventTape([{ market, candles: generateCandles(n, { seed, startPrice: 150 }) }]);
const samplesOf = (tape: ReturnType<typeof tapeOf>) => {
  const out: [number, number][] = [];
  tape.forEachBarOf(market, (ts, close) => out.push([ts, close]));
  return out;
};

describe('RangeThread (the blended range on a second thread)', () => {
  it('hands every bar the lo and hi the bot’s own range gives', () => {
    const tape = tapeOf(RANGE_THREAD_MIN_BARS + 1234, 11);
    const rangeConfig = gridRangeConfig(config.grid);
    const read = RangeThread.start().series(rangeConfig, tape, market);
    assert.ok(read, 'a series this long is computed on the thread');
    const own = new BlendedRange(rangeConfig);
    const samples = samplesOf(tape);
    assert.equal(samples.length, RANGE_THREAD_MIN_BARS + 1234);
    for (const [ts, close] of samples) {
      own.update(ts, close);
      read.update(ts, close);
      if (!Object.is(read.lo, own.lo) || !Object.is(read.hi, own.hi)) {
        assert.fail(`at ${ts}: thread [${read.lo}, ${read.hi}], own [${own.lo}, ${own.hi}]`);
      }
    }
  });

  it('leaves a short run to the bot’s own range', () => {
    assert.equal(RangeThread.start().series({}, tapeOf(500, 3), market), undefined);
  });

  it('reports a failure on the thread instead of waiting for it', () => {
    const tape = tapeOf(RANGE_THREAD_MIN_BARS, 5);
    const read = RangeThread.start().series({ percentiles: [95, 5] }, tape, market);
    assert.ok(read);
    const [ts, close] = samplesOf(tape)[0];
    assert.throws(
      () => read.update(ts, close),
      /the blended range could not be computed: percentiles must satisfy/,
    );
  });

  it('gives the backtest the same report as the bot’s own range', () => {
    const tape = tapeOf(RANGE_THREAD_MIN_BARS + 10_000, 7);
    const now = () => 0;
    const own = runBacktest({ config, events: tape, replayFunding: false, timeline: false, now });
    const range = RangeThread.start().series(gridRangeConfig(config.grid), tape, market);
    assert.ok(range);
    const threaded = runBacktest({ config, events: tape, replayFunding: false, timeline: false, now, range });
    assert.equal(range.position, samplesOf(tape).length, 'every bar read from the thread');
    assert.ok(own.summary.fills > 100, `a run that trades (${own.summary.fills} fills)`);
    assert.deepEqual(threaded.summary, own.summary);
    assert.deepEqual(threaded.fills, own.fills);
    assert.deepEqual(threaded.daily, own.daily);
  });
});
