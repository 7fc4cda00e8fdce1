import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBacktestInputs, parseFileArg } from '../../backtest/load-inputs.ts';
import type { BacktestReport } from '../../backtest/report-types.ts';
import { runBacktest } from '../../backtest/run-backtest.ts';
import { serializeReport } from '../../backtest/serialize-report.ts';
import { parseBotConfig } from '../../config/bot-config.ts';
import { readConfigFile } from '../../config/read-config-file.ts';
import { loadMarketFile } from '../../data/index.ts';
import { computeResearchMetrics } from './compute.ts';
import { metricsTimelineOf } from './metrics-timeline.ts';
import { returnStats } from './returns.ts';
import { roundTrips } from './round-trips.ts';
import { plainMetrics } from './test-support/plain-metrics.ts';

const root = new URL('../../../', import.meta.url).pathname;
const SOL = `${root}data/binance/SOLUSDT-spot-1m-2025-03.csv`;

/** Relative closeness for ratios (floating sums in different orders), exact-ish for money. */
function close(actual: number | null, expected: number | null, what: string, tol = 1e-9): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, what);
    return;
  }
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol * scale, `${what}: ${actual} vs ${expected}`);
}

function checkAgainstPlain(report: BacktestReport, collateral: number, firstOpen: number): void {
  // Through JSON, as a user would read report.json.
  const json = JSON.parse(serializeReport(report));
  const p = plainMetrics(json, collateral, firstOpen);
  const s = report.summary;
  for (const k of [
    'returnPct',
    'maxDrawdownPct',
    'annualReturnPct',
    'sharpe',
    'sortino',
    'calmar',
    'buyAndHoldReturnPct',
    'winRatePct',
    'exposurePct',
    'turnover',
    'feesPctOfPnl',
    'fundingPctOfPnl',
  ] as const) {
    close(s[k], p[k], k, 1e-7);
  }
  assert.equal(s.roundTrips, p.roundTrips, 'round trips');
  // grid two ways: trading PnL less the inventory's PnL, and straight from the fills
  close(s.gridPnl, p.gridPnl, 'gridPnl', 1e-6);
  close(s.gridPnl, p.gridPnl2, 'gridPnl from the fills', 1e-6);
  close(s.trendPnl, p.trendPnl, 'trendPnl', 1e-6);
  close(s.gridPnl + s.trendPnl + s.fundingPnl - s.feesPaid, s.totalPnl, 'split adds up to total', 1e-6);
  assert.equal(report.daily.length, p.daily.length, 'days');
  report.daily.forEach((d, i) => {
    const q = p.daily[i];
    assert.equal(d.date, q.date);
    close(d.equity, q.equity, `${d.date} equity`, 1e-9);
    close(d.pnl, q.pnl, `${d.date} pnl`, 1e-6);
    assert.equal(d.fills, q.fills, `${d.date} fills`);
    close(d.fees, q.fees, `${d.date} fees`, 1e-6);
    assert.equal(d.worstVerdict, q.worst, `${d.date} worst verdict`);
    close(d.gridPnl, q.grid, `${d.date} grid`, 1e-6);
    close(d.trendPnl, q.trend, `${d.date} trend`, 1e-6);
    close(d.gridPnl + d.trendPnl + d.fundingPnl - d.fees, d.pnl, `${d.date} parts add up`, 1e-6);
  });
  close(
    report.daily.reduce((a, d) => a + d.fundingPnl, 0),
    s.fundingPnl,
    'daily funding sums to the run',
    1e-6,
  );
}

describe('research metrics against an independent plain computation', () => {
  it('SOL grid example, the whole shipped month', async () => {
    const config = parseBotConfig(readConfigFile(`${root}examples/sol-grid.yaml`), 'sol-grid.yaml');
    const inputs = await loadBacktestInputs([parseFileArg(SOL)], [], config.markets);
    const report = runBacktest({ config, events: inputs.events, replayFunding: false });
    const file = await loadMarketFile(SOL);
    assert.equal(file.kind, 'candles');
    const firstOpen = file.kind === 'candles' ? file.bars.toCandles()[0].open : 0;
    assert.ok(
      report.summary.roundTrips > 50,
      `a month of grid trading closes round trips (${report.summary.roundTrips})`,
    );
    assert.ok(report.daily.length >= 31);
    checkAgainstPlain(report, config.collateral, firstOpen);
  });

  it('a 3× levered grid that trades every level (more fills, inventory swings)', async () => {
    const raw = readConfigFile(`${root}examples/sol-grid.yaml`) as { grid: Record<string, unknown> };
    raw.grid.stepPct = 0.3;
    raw.grid.baseSizePerLevel = 1.5;
    const config = parseBotConfig(raw, 'levered.yaml');
    const inputs = await loadBacktestInputs([parseFileArg(SOL)], [], config.markets);
    const events = inputs.events
      .toArray()
      .filter((e) => e.type === 'bar' && e.candle.ts < Date.parse('2025-03-12'));
    const report = runBacktest({ config, events, replayFunding: false });
    const first = events[0];
    assert.ok(first.type === 'bar');
    assert.ok(report.summary.fills > 100);
    checkAgainstPlain(report, config.collateral, first.candle.open);
  });

  it('the spread example on Drift candles and funding (two legs, replayed funding)', async () => {
    const config = parseBotConfig(
      readConfigFile(`${root}examples/drift-kmno-spread.yaml`),
      'drift-kmno-spread.yaml',
    );
    const d = `${root}data/drift/`;
    const inputs = await loadBacktestInputs(
      [`DRIFT-PERP=${d}price/drift_1h_90days.json`, `KMNO-PERP=${d}price/kmno_1h_90days.json`].map(
        parseFileArg,
      ),
      [`DRIFT-PERP=${d}funding/drift-perp.json`, `KMNO-PERP=${d}funding/kmno-perp.json`].map(parseFileArg),
      config.markets,
    );
    const report = runBacktest({ config, events: inputs.events, replayFunding: true });
    const first = inputs.events.toArray().find((e) => e.type === 'bar' && e.market === 'DRIFT-PERP');
    assert.ok(first?.type === 'bar');
    assert.notEqual(report.summary.fundingPnl, 0);
    checkAgainstPlain(report, config.collateral, first.candle.open);
  });
});

describe('research metrics on hand-made cases', () => {
  it('a steady 1% per day for a year annualises to 1.01^365', () => {
    const day = 86_400_000;
    const equity = Array.from({ length: 365 }, (_, i) => 100 * 1.01 ** (i + 1));
    const s = returnStats(100, equity, day);
    close(s.annualReturnPct, (1.01 ** 365 - 1) * 100, 'CAGR');
    assert.equal(s.maxDrawdownPct, 0);
    assert.equal(s.calmar, null);
    assert.equal(s.sortino, null, 'no losing day, no downside deviation');
  });

  it('a fall from 120 to 90 is a 25% drawdown; a ruined account stops counting returns', () => {
    const s = returnStats(100, [120, 90, 110], 60_000);
    close(s.maxDrawdownPct, 25, 'drawdown');
    const ruin = returnStats(100, [50, -10, 5], 60_000);
    assert.equal(ruin.maxDrawdownPct, 100);
    assert.ok(Number.isFinite(ruin.sharpe ?? 0));
    // the return is the final equity's, bars after the ruin included (only the per-bar returns stop)
    close(ruin.returnPct, -95, 'return');
  });

  it('FIFO round trips: a buy 1 @100, buy 1 @102, sell 1.5 @103 closes 1.5 with gross 3 + 0.5', () => {
    const t = (side: 'buy' | 'sell', base: number, price: number, ts: number) => ({
      ts,
      market: 'SOL-PERP',
      side,
      base,
      price,
      fee: 0,
    });
    const trips = roundTrips([
      t('buy', 1, 100, 1),
      t('buy', 1, 102, 2),
      t('sell', 1.5, 103, 3),
      t('sell', 1.5, 99, 4),
    ]);
    assert.equal(trips.length, 2);
    close(trips[0].gross, 3 + 0.5, 'first close');
    close(trips[1].gross, -1.5, 'second close: 0.5 of the 102 lot at 99, then opens a short of 1');
    assert.equal(trips[1].base, 0.5);
  });

  it('an empty run has defined figures', () => {
    const { metrics, daily } = computeResearchMetrics({
      collateral: 1000,
      startPrice: 100,
      timeline: metricsTimelineOf([]),
      trades: [],
      funding: [],
      realizedPnl: 0,
      unrealizedPnl: 0,
      fundingPnl: 0,
      feesPaid: 0,
      dailyLossDates: new Set(),
    });
    assert.equal(metrics.returnPct, 0);
    assert.equal(metrics.sharpe, null);
    assert.equal(metrics.winRatePct, null);
    assert.deepEqual(daily, []);
  });
});
