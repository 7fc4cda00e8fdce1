/**
 * Full-pipeline backtest throughput (strategy → risk → planner → SimVenue) for the example grid bot on one core:
 * the shipped SOL 1-minute month, and a generated year of 1-minute bars end to end (CSV parse included).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBacktestInputs, parseFileArg } from '../src/backtest/load-inputs.ts';
import { runBacktest } from '../src/backtest/run-backtest.ts';
import { quietOldGeneration } from '../src/cli/gc-tuning.ts';
import { parseBotConfig } from '../src/config/bot-config.ts';
import { readConfigFile } from '../src/config/read-config-file.ts';
import { formatGenericCsv, generateCandles } from '../src/data/index.ts';
import { gridRangeConfig } from '../src/engine/grid-bot.ts';
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
  } finally {
    rmSync(file, { force: true });
  }
  out.push({ name: 'peak RSS', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' });
  return out;
}
