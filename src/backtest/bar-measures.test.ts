/**
 * The extremes certificate (extremes-certificate.ts) against the reads it skips: whole backtests run with it and
 * with the margin read on every bar must write the same report, byte for byte — on paths whose extremes are set
 * early, late (a crash or a rally at the end), all along (a trend) and by the price alone (a position held
 * through a fall), with the timeline kept and not, and for a spread bot (two markets: certified only while
 * flat). And it does skip, so the comparison is not of two runs that never used it. The runs keep every 97th
 * row unless a case says otherwise: a bar that writes a row reads the margin exactly, so few rows leave most
 * extremes to the certificate (a leverage or distance check made 5% too lenient fails here; the property
 * tests in extremes-certificate.test.ts and venue/sim/margin-bounds.test.ts catch much finer ones).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { staircasePath, trendPath } from '../../test/test-support/price-paths.ts';
import { type BotConfig, parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { generateCandles } from '../data/synthetic.ts';
import type { Candle, MarketEvent } from '../data/types.ts';
import { SimReads } from '../venue/sim/sim-reads.ts';
import type { TimelineRow } from './report-types.ts';
import { type BacktestOptions, runBacktest } from './run-backtest.ts';
import { serializeReport } from './serialize-report.ts';

const root = new URL('../../', import.meta.url).pathname;

/** The example grid with `size` a level and the given risk limits over its own. */
function exampleGrid(size: number, risk: Record<string, unknown> = {}): BotConfig {
  const raw = readConfigFile(`${root}examples/sol-grid.yaml`) as Record<string, Record<string, unknown>>;
  return parseBotConfig(
    { ...raw, grid: { ...raw.grid, baseSizePerLevel: size }, risk: { ...raw.risk, ...risk } },
    'extremes',
  );
}

/** An infinity grid that follows a trend (the report-identity cases' path grid). */
const pathGrid = (risk: Record<string, unknown> = {}, size = 1): BotConfig =>
  parseBotConfig(
    {
      name: 'extremes',
      strategy: 'grid',
      market: 'SOL-PERP',
      collateral: 2000,
      grid: { levels: 10, stepPct: 0.5, baseSizePerLevel: size, rangeMode: 'infinity' },
      execution: { rampIn: { steps: 1, intervalSec: 0 } },
      risk: { maxLeverage: 5, maxNotional: 20_000, maxDailyLoss: 60, ...risk },
    },
    'extremes',
  );

const bars = (candles: Candle[]): MarketEvent[] =>
  candles.map((candle) => ({ type: 'bar', market: 'SOL-PERP', candle, intervalMs: 60_000 }));

/** `candles` with the prices from bar `from` on scaled towards `to` × by the last bar (a late crash or rally). */
function lateMove(candles: Candle[], from: number, to: number): Candle[] {
  const n = candles.length;
  return candles.map((c, i) => {
    if (i < from) return c;
    const f = 1 + ((to - 1) * (i - from)) / (n - 1 - from);
    return { ...c, open: c.open * f, high: c.high * f, low: c.low * f, close: c.close * f };
  });
}

const synthetic = (seed: number, n: number) => generateCandles(n, { seed, startPrice: 150 });

/**
 * What a case shows besides the identity: the most of its bars without a report row that may still read the
 * margin with the certificate, and whether its extremes all come in its last sixth.
 */
type Expect = { readShare: number; late?: boolean };
type Case = [string, () => Promise<Omit<BacktestOptions, 'now'>>, Expect];

/** Limits that let a large grid run into its liquidation distance without a rule stepping in. */
const LOOSE = {
  maxLeverage: 20,
  maxNotional: 100_000,
  minLiqDistancePct: 5,
  minHealth: 10,
  maxDailyLoss: 100_000,
};

const CASES: Case[] = [
  [
    'the example grid, quiet, the CLI’s rows (the chart’s only)',
    async () => ({
      config: exampleGrid(1),
      events: bars(synthetic(11, 20_000)),
      replayFunding: false,
      sample: 1,
    }),
    { readShare: 0.25 },
  ],
  [
    'a large grid, loose limits (the liquidation distance moves)',
    async () => ({
      config: exampleGrid(6, { maxLeverage: 20, maxNotional: 100_000, minLiqDistancePct: 8, minHealth: 20 }),
      events: bars(synthetic(12, 20_000)),
      replayFunding: false,
    }),
    { readShare: 0.25 },
  ],
  [
    'a late crash: the extremes set in the last bars',
    async () => ({
      config: pathGrid(LOOSE, 6),
      events: bars(lateMove(synthetic(13, 20_000), 17_000, 0.7)),
      replayFunding: false,
    }),
    { readShare: 0.3, late: true },
  ],
  [
    'a late rally',
    async () => ({
      config: pathGrid(LOOSE),
      events: bars(lateMove(synthetic(14, 20_000), 17_000, 1.35)),
      replayFunding: false,
    }),
    { readShare: 0.3, late: true },
  ],
  [
    'a trend: the extremes move all along',
    async () => ({ config: pathGrid(), events: bars(trendPath()), replayFunding: false }),
    { readShare: 0.5 },
  ],
  [
    'a staircase crash, paused by the daily loss: the position held while the price falls',
    async () => ({
      config: pathGrid({ ...LOOSE, dailyLossAction: 'pause', maxDailyLoss: 40 }, 4),
      events: bars(staircasePath(20, 0.015)),
      replayFunding: false,
    }),
    { readShare: 0.2 },
  ],
  [
    'a slide under reduce-only: the position held while the price falls',
    async () => ({
      config: pathGrid({ ...LOOSE, dailyLossAction: 'reduce_only', maxDailyLoss: 40 }, 6),
      events: bars(lateMove(synthetic(23, 20_000), 15_000, 0.75)),
      replayFunding: false,
    }),
    { readShare: 0.15 },
  ],
  [
    'the timeline kept, every 7th row',
    async () => ({
      config: exampleGrid(3),
      events: bars(synthetic(15, 20_000)),
      replayFunding: false,
      timeline: true,
      sample: 7,
    }),
    { readShare: 0.15 },
  ],
  [
    'a spread bot: two markets, certified only while flat',
    async () => {
      const config = parseBotConfig(readConfigFile(`${root}examples/drift-kmno-spread.yaml`), 'spread');
      const drift = generateCandles(12_000, { seed: 16, startPrice: 0.8 });
      const kmno = generateCandles(12_000, { seed: 17, startPrice: 0.08 });
      const events: MarketEvent[] = drift.flatMap((candle, i) => [
        { type: 'bar', market: 'DRIFT-PERP', candle, intervalMs: 60_000 },
        { type: 'bar', market: 'KMNO-PERP', candle: kmno[i], intervalMs: 60_000 },
      ]);
      return { config, events, replayFunding: false };
    },
    { readShare: 0.4 },
  ],
];

/** The index of the first row where `measure` is lowest. */
function worstRow(rows: TimelineRow[], measure: (r: TimelineRow) => number): number {
  let at = 0;
  for (let i = 1; i < rows.length; i++) if (measure(rows[i]) < measure(rows[at])) at = i;
  return at;
}

/** How many margin reads a run made (the certificate's skips are the difference). */
let marginReads = 0;
const margin = SimReads.prototype.margin;

function run(options: Omit<BacktestOptions, 'now'>, certify: boolean) {
  marginReads = 0;
  const report = runBacktest({
    timeline: false,
    sample: 97,
    ...options,
    now: () => 0,
    extremesCertificate: certify,
  });
  return { report, text: serializeReport(report), reads: marginReads };
}

describe('extremes certificate in whole backtests', () => {
  beforeEach(() => {
    SimReads.prototype.margin = function (this: SimReads, sub: number) {
      marginReads++;
      return margin.call(this, sub);
    };
  });
  afterEach(() => {
    SimReads.prototype.margin = margin;
  });

  for (const [name, build, expect] of CASES) {
    it(`${name}: the same report with and without it`, async () => {
      const options = await build();
      const on = run(options, true);
      const off = run(options, false);
      assert.equal(on.text, off.text);
      assert.ok(on.report.summary.fills > 0, `${name}: the bot never traded`);
      const bars = on.report.summary.bars;
      assert.equal(off.reads, bars, 'without it, one margin read a bar');
      // a bar that writes a row reads the margin for it; of the others, few need to
      const rows = (on.report.timeline ?? on.report.chart).length;
      assert.ok(
        on.reads - rows <= (bars - rows) * expect.readShare,
        `${name}: ${on.reads - rows} of the ${bars - rows} bars without a row read the margin`,
      );
      if (expect.late) {
        // the chart's highest leverage, lowest health and shortest distance all come in its last sixth: the
        // certificate let those bars be read
        const chart = [...on.report.chart];
        const distance = (r: TimelineRow) =>
          r.liqPrice === null ? Number.POSITIVE_INFINITY : Math.abs(r.mark - r.liqPrice) / r.mark;
        for (const [what, at] of [
          ['leverage', worstRow(chart, (r) => -r.leverage)],
          ['health', worstRow(chart, (r) => r.health)],
          ['distance', worstRow(chart, distance)],
        ] as const) {
          assert.ok(
            at > (chart.length * 5) / 6,
            `${name}: the worst ${what} at row ${at} of ${chart.length}`,
          );
        }
      }
    });
  }
});
