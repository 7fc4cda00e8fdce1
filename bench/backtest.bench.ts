/**
 * Full-pipeline backtest throughput (strategy → risk → planner → SimVenue) for the example grid bot on one core:
 * the shipped SOL 1-minute month, and a generated year of 1-minute bars end to end (CSV parse included); then
 * the year again as the optimiser's trials run it (warm, the blended range computed once and shared).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBacktestInputs, parseFileArg } from '../src/backtest/load-inputs.ts';
import { runBacktest } from '../src/backtest/run-backtest.ts';
import { quietOldGeneration } from '../src/cli/gc-tuning.ts';
import { type BotConfig, parseBotConfig } from '../src/config/bot-config.ts';
import { readConfigFile } from '../src/config/read-config-file.ts';
import type { MarketEventSeq } from '../src/data/event-tape.ts';
import { formatGenericCsv, generateCandles } from '../src/data/index.ts';
import { gridRangeConfig } from '../src/engine/grid-bot.ts';
import type { BlendedRangeConfig } from '../src/marketdata/blended-range.ts';
import { RangeSeriesCache } from '../src/marketdata/range-series-cache.ts';
import { RangeThread, rangeThreadWanted } from '../src/marketdata/range-thread.ts';
import type { BenchFigure } from './run.ts';

// As the CLI's backtest and start commands run (src/cli/gc-tuning.ts).
quietOldGeneration();

const root = new URL('../', import.meta.url).pathname;

export async function run(): Promise<BenchFigure[]> {
  const config = parseBotConfig(readConfigFile(join(root, 'examples/sol-grid.yaml')), 'sol-grid.yaml');
  const out: BenchFigure[] = [];

  const month = await loadBacktestInputs(
    [parseFileArg(join(root, 'data/binance/SOLUSDT-spot-1m-2025-03.csv'))],
    [],
    config.markets,
  );
  runBacktest({ config, events: month.events, replayFunding: false }); // warm-up (JIT)
  let best = 0;
  for (let i = 0; i < 3; i++) {
    const r = runBacktest({ config, events: month.events, replayFunding: false });
    best = Math.max(best, r.summary.barsPerSecond);
  }
  out.push({ name: 'sol-month bars/s (best of 3)', value: best, unit: 'bars/s' });

  // A generated year: 525,600 one-minute bars written as a generic CSV, then parse + merge + backtest timed.
  const file = join(tmpdir(), `zp-bench-year-${process.pid}.csv`);
  writeFileSync(file, formatGenericCsv(generateCandles(525_600, { seed: 7, startPrice: 150 })));
  try {
    // As the CLI runs by default: the blended range on its own thread, started before the parse (where there is
    // a second core), and no per-bar timeline kept (report.json without --timeline).
    const grid = config.strategy === 'grid' ? config.grid : undefined;
    const thread = grid && rangeThreadWanted() ? RangeThread.start() : undefined;
    const t0 = performance.now();
    const year = await loadBacktestInputs([parseFileArg(file)], [], config.markets);
    const t1 = performance.now();
    const range = grid
      ? thread?.series(gridRangeConfig(grid), year.events, config.markets[0].symbol)
      : undefined;
    const r = runBacktest({ config, events: year.events, replayFunding: false, timeline: false, range });
    const t2 = performance.now();
    out.push({ name: 'year: parse + merge', value: (t1 - t0) / 1000, unit: 's' });
    out.push({ name: `year: backtest${range ? ' (range thread)' : ''}`, value: (t2 - t1) / 1000, unit: 's' });
    out.push({ name: 'year: end to end', value: (t2 - t0) / 1000, unit: 's' });
    out.push({ name: 'year bars/s (backtest only)', value: r.summary.barsPerSecond, unit: 'bars/s' });
    // and on one core (the run's thread computes the range itself)
    const c0 = performance.now();
    runBacktest({ config, events: year.events, replayFunding: false, timeline: false });
    out.push({ name: 'year: backtest, one thread', value: (performance.now() - c0) / 1000, unit: 's' });
    if (grid) out.push(...sharedRangeRuns(config, year.events, gridRangeConfig(grid)));
  } finally {
    rmSync(file, { force: true });
  }
  out.push({ name: 'peak RSS', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' });
  return out;
}

/**
 * The year as the optimiser's trials run it (research/optimize/trial-handler.ts): the blended range computed
 * once for the bars (RangeSeriesCache) and read by every run, and the code warm from the runs before. The first
 * figure is the series' one-off cost; the second the best of 3 runs that share it. Beside the cold single runs
 * above it says how much of a run is the compiler's warm-up (docs/backtest.md, twenty-fourth round).
 */
function sharedRangeRuns(
  config: BotConfig,
  events: MarketEventSeq,
  range: BlendedRangeConfig,
): BenchFigure[] {
  const market = config.markets[0].symbol;
  const cache = new RangeSeriesCache(1);
  const s0 = performance.now();
  cache.reader('year', events, market, range);
  const seriesSeconds = (performance.now() - s0) / 1000;
  let best = 0;
  for (let i = 0; i < 3; i++) {
    const r = runBacktest({
      config,
      events,
      replayFunding: false,
      timeline: false,
      range: cache.reader('year', events, market, range),
    });
    best = Math.max(best, r.summary.barsPerSecond);
  }
  return [
    { name: 'year: blended range computed once (as optimize shares it)', value: seriesSeconds, unit: 's' },
    { name: 'year bars/s, warm, range shared (best of 3)', value: best, unit: 'bars/s' },
  ];
}
