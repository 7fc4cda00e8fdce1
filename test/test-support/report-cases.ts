/**
 * The reports whose bytes must not change when an optimisation claims identity (issue 17): every example on the
 * shipped data, the behaviour paths (sine, trend, gap, staircase) under infinity, bounded and daily-loss
 * settings, a generated month, and the non-default report options (sampling, fill models). Each case builds its
 * report through the same functions the CLI uses (loadBacktestInputs, runBacktest, serializeReport) with the
 * timing fields fixed, so a digest differs only when a figure or a byte of the report does.
 */
import { createHash } from 'node:crypto';
import { loadBacktestInputs, parseFileArg } from '../../src/backtest/load-inputs.ts';
import { type BacktestOptions, runBacktest } from '../../src/backtest/run-backtest.ts';
import { serializeReport } from '../../src/backtest/serialize-report.ts';
import { type BotConfig, parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import { generateCandles } from '../../src/data/synthetic.ts';
import type { Candle, MarketEvent } from '../../src/data/types.ts';
import { gapPath, sinePath, staircasePath, trendPath } from './price-paths.ts';

const root = new URL('../../', import.meta.url).pathname;
const at = (p: string): string => `${root}${p}`;
/** `[MARKET=]path` with the path made absolute inside the repository. */
const inRepo = (arg: string): string => (arg.includes('=') ? arg.replace('=', `=${root}`) : at(arg));

export interface ReportCase {
  name: string;
  build: () => Promise<Omit<BacktestOptions, 'now'>>;
}

const example = (file: string): BotConfig => parseBotConfig(readConfigFile(at(file)), file);

async function fromFiles(
  config: BotConfig,
  data: string[],
  funding: string[] = [],
): Promise<Omit<BacktestOptions, 'now'>> {
  const inputs = await loadBacktestInputs(
    data.map((d) => parseFileArg(inRepo(d))),
    funding.map((d) => parseFileArg(inRepo(d))),
    config.markets,
  );
  return { config, events: inputs.events, replayFunding: inputs.fundingGiven };
}

const bars = (candles: Candle[]): MarketEvent[] =>
  candles.map((candle) => ({ type: 'bar', market: 'SOL-PERP', candle, intervalMs: 60_000 }));

/** The behaviour tests' grid (10 levels, 0.5%, one size) with the given overrides; the risk of the example. */
function pathGrid(grid: Record<string, unknown>, risk: Record<string, unknown> = {}): BotConfig {
  return parseBotConfig(
    {
      name: 'identity',
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 2000,
      grid: { levels: 10, stepPct: 0.5, baseSizePerLevel: 1, ...grid },
      execution: { rampIn: { steps: 1, intervalSec: 0 } },
      risk: { maxLeverage: 5, maxNotional: 20_000, maxDailyLoss: 60, ...risk },
    },
    'identity',
  );
}

const SOL_MONTH = 'data/binance/SOLUSDT-spot-1m-2025-03.csv';
const SPREAD_DATA = [
  'DRIFT-PERP=data/drift/price/drift_1h_90days.json',
  'KMNO-PERP=data/drift/price/kmno_1h_90days.json',
];
const SPREAD_FUNDING = [
  'DRIFT-PERP=data/drift/funding/drift-perp.json',
  'KMNO-PERP=data/drift/funding/kmno-perp.json',
];

export const REPORT_CASES: ReportCase[] = [
  {
    name: 'sol-grid on the SOL month',
    build: () => fromFiles(example('examples/sol-grid.yaml'), [SOL_MONTH]),
  },
  {
    name: 'sol-grid on the SOL month, every 7th row, queue fill model',
    build: async () => ({
      ...(await fromFiles(example('examples/sol-grid.yaml'), [SOL_MONTH])),
      sample: 7,
      fillModel: 'queue',
      queue: { aheadBars: 0.5 },
    }),
  },
  {
    name: 'drift-kmno-spread with funding records',
    build: () => fromFiles(example('examples/drift-kmno-spread.yaml'), SPREAD_DATA, SPREAD_FUNDING),
  },
  {
    name: 'drift-kmno-spread with formula funding',
    build: () => fromFiles(example('examples/drift-kmno-spread.yaml'), SPREAD_DATA),
  },
  {
    name: 'linear infinity grid on the SOL month',
    build: () => fromFiles(pathGrid({ curve: 'linear', rangeMode: 'infinity' }), [SOL_MONTH]),
  },
  {
    name: 'generated month, sol-grid, touch fill model',
    build: async () => ({
      config: example('examples/sol-grid.yaml'),
      events: bars(generateCandles(43_200, { seed: 7, startPrice: 150 })),
      replayFunding: false,
      fillModel: 'touch',
    }),
  },
  ...(
    [
      ['sine', () => sinePath()],
      ['trend', () => trendPath()],
      ['gap', () => gapPath()],
    ] as const
  ).flatMap(([name, path]) => [
    {
      name: `${name} path, stepwise infinity`,
      build: async () => ({
        config: pathGrid({ rangeMode: 'infinity' }),
        events: bars(path()),
        replayFunding: false,
      }),
    },
    {
      name: `${name} path, linear bounded, bullish`,
      build: async () => ({
        config: pathGrid({ curve: 'linear', rangeMode: 'bounded', bias: 'bullish' }),
        events: bars(path()),
        replayFunding: false,
      }),
    },
  ]),
  ...(['flatten', 'reduce_only', 'pause'] as const).map((action) => ({
    name: `staircase, daily loss ${action}`,
    build: async () => ({
      config: pathGrid({ baseSizePerLevel: 2, rangeMode: 'infinity' }, { dailyLossAction: action }),
      events: bars(staircasePath()),
      replayFunding: false,
    }),
  })),
];

/** report.json's text for a case, with the wall-clock fields fixed (the only bytes that vary run to run). */
export async function reportText(c: ReportCase): Promise<string> {
  const report = runBacktest({ ...(await c.build()), now: () => 0 });
  return serializeReport(report);
}

export const digestOf = (text: string): string => createHash('sha256').update(text).digest('hex');

export const DIGESTS_FILE = new URL('../identity/report-digests.json', import.meta.url);
