import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseBotConfig } from '../config/bot-config.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { quoteToInt } from '../domain/precision.ts';
import { CHART_POINTS, chartStride } from './chart-rows.ts';
import { type LoadedInputs, loadBacktestInputs, parseFileArg } from './load-inputs.ts';
import { thin } from './report-html.ts';
import { type FullBacktestReport, runBacktest } from './run-backtest.ts';
import { serializeReport } from './serialize-report.ts';

const root = new URL('../../', import.meta.url).pathname;
const gridConfig = parseBotConfig(readConfigFile(`${root}examples/sol-grid.yaml`), 'sol-grid.yaml');
const spreadConfig = parseBotConfig(readConfigFile(`${root}examples/drift-kmno-spread.yaml`), 'spread.yaml');

const SUMMARY_KEYS = [
  'bars',
  'fills',
  'makerFills',
  'takerFills',
  'feesPaid',
  'fundingPnl',
  'realizedPnl',
  'unrealizedPnl',
  'totalPnl',
  'maxDrawdown',
  'maxLeverage',
  'minLiqDistancePct',
  'minHealth',
  'liquidations',
  'verdicts',
  'wallSeconds',
  'barsPerSecond',
  // research metrics (src/research/metrics/)
  'returnPct',
  'maxDrawdownPct',
  'annualReturnPct',
  'sharpe',
  'sortino',
  'calmar',
  'buyAndHoldReturnPct',
  'roundTrips',
  'winRatePct',
  'exposurePct',
  'tradedNotional',
  'turnover',
  'gridPnl',
  'trendPnl',
  'feesPctOfPnl',
  'fundingPctOfPnl',
  'dailyLossDays',
];
const ROW_KEYS = [
  'ts',
  'mark',
  'oracle',
  'base',
  'collateral',
  'equity',
  'leverage',
  'health',
  'liqPrice',
  'verdict',
  'openBids',
  'openAsks',
  'openBidBase',
  'openAskBase',
];
const FILL_KEYS = ['ts', 'market', 'side', 'price', 'base', 'fee', 'maker', 'reduceOnly', 'liquidation'];

/** Money figures are exact micro-USDC values printed as numbers: compare them as integers. */
const micro = (v: number): bigint => quoteToInt(v);

function checkReconciles(r: FullBacktestReport, collateral: number): void {
  const s = r.summary;
  // Sign convention: totalPnl = realizedPnl + unrealizedPnl + fundingPnl − feesPaid (fees paid are positive).
  assert.equal(
    micro(s.totalPnl),
    micro(s.realizedPnl) + micro(s.unrealizedPnl) + micro(s.fundingPnl) - micro(s.feesPaid),
  );
  const last = r.timeline.at(-1);
  assert.ok(last);
  assert.equal(
    micro(last.equity),
    micro(collateral) + micro(s.totalPnl),
    'final equity = collateral + totalPnl',
  );
  assert.equal(s.fills, r.fills.length);
  assert.equal(s.makerFills + s.takerFills, s.fills);
  assert.equal(
    micro(s.feesPaid),
    r.fills.reduce((a, f) => a + micro(f.fee), 0n),
    'feesPaid is the sum of fill fees (no liquidations here)',
  );
  const verdictBars = Object.values(s.verdicts).reduce((a, b) => a + b, 0);
  assert.equal(verdictBars, s.bars);
}

describe('backtest: grid bot on a month of SOL 1-minute bars', () => {
  let inputs: LoadedInputs;
  let report: FullBacktestReport;
  before(async () => {
    inputs = await loadBacktestInputs(
      [parseFileArg(`${root}data/binance/SOLUSDT-spot-1m-2025-03.csv`)],
      [],
      gridConfig.markets,
    );
    report = runBacktest({ config: gridConfig, events: inputs.events, replayFunding: false, now: () => 0 });
  });

  it('has exactly the promised keys', () => {
    assert.deepEqual(Object.keys(report), ['summary', 'timeline', 'chart', 'fills', 'daily']);
    assert.deepEqual(Object.keys(report.summary), SUMMARY_KEYS);
    assert.deepEqual(Object.keys(report.summary.verdicts).sort(), [
      'APPROVE',
      'CLAMP',
      'PAUSE',
      'REDUCE_ONLY',
    ]);
    const first = report.timeline.at(0);
    assert.ok(first);
    for (const k of ROW_KEYS) assert.ok(k in first, `timeline row has ${k}`);
    assert.ok(report.fills.length > 0, 'the grid traded');
    assert.deepEqual(Object.keys(report.fills[0]), FILL_KEYS);
  });

  it('has one timeline row per bar, in time order, on the right clock', () => {
    assert.equal(report.summary.bars, 44_640);
    assert.equal(report.timeline.length, 44_640);
    assert.equal(
      report.timeline.at(0)?.ts,
      Date.parse('2025-03-01T03:01:00Z'),
      'the first bar closes a minute after it opens',
    );
    const ts = report.timeline.column('ts');
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i] > ts[i - 1]);
  });

  it('reconciles: totals add up and the final equity is collateral plus total PnL, to the micro-USDC', () => {
    checkReconciles(report, gridConfig.collateral);
    assert.ok(report.summary.makerFills > 0, 'a post-only grid fills as maker');
  });

  it('is deterministic: the same inputs give a byte-identical report', () => {
    const again = runBacktest({
      config: gridConfig,
      events: inputs.events,
      replayFunding: false,
      now: () => 0,
    });
    assert.equal(serializeReport(again), serializeReport(report));
  });

  it('samples the timeline without changing the summary', () => {
    const sampled = runBacktest({
      config: gridConfig,
      events: inputs.events,
      replayFunding: false,
      sample: 60,
      now: () => 0,
    });
    assert.equal(sampled.timeline.length, Math.ceil(44_640 / 60));
    assert.deepEqual(sampled.summary, report.summary);
    assert.deepEqual(sampled.chart.toArray(), thin(sampled.timeline, CHART_POINTS));
  });

  it('charts the rows thinning the whole timeline gives, whether or not the timeline is kept', () => {
    const k = chartStride(44_640);
    assert.equal(
      report.chart.length,
      Math.ceil(44_640 / k) + (44_639 % k === 0 ? 0 : 1),
      'every k-th and the last',
    );
    assert.deepEqual(report.chart.toArray(), thin(report.timeline, CHART_POINTS));
    const lean = runBacktest({
      config: gridConfig,
      events: inputs.events,
      replayFunding: false,
      timeline: false,
      now: () => 0,
    });
    assert.equal(lean.timeline, undefined);
    assert.deepEqual(lean.chart.toArray(), report.chart.toArray());
    const { timeline: _rows, ...rest } = report;
    assert.equal(serializeReport(lean), serializeReport(rest));
  });
});

describe('backtest: DRIFT/KMNO spread bot on Drift candles and funding', () => {
  it('trades both legs, reports per-leg fields and reconciles', async () => {
    const data = (m: string, f: string) => parseFileArg(`${m}=${root}data/${f}`);
    const inputs = await loadBacktestInputs(
      [
        data('DRIFT-PERP', 'drift/price/drift_1h_90days.json'),
        data('KMNO-PERP', 'drift/price/kmno_1h_90days.json'),
      ],
      [
        data('DRIFT-PERP', 'drift/funding/drift-perp.json'),
        data('KMNO-PERP', 'drift/funding/kmno-perp.json'),
      ],
      spreadConfig.markets,
    );
    assert.equal(inputs.fundingGiven, true);
    const r = runBacktest({ config: spreadConfig, events: inputs.events, replayFunding: true, now: () => 0 });
    assert.equal(r.summary.bars, 2147);
    const row = r.timeline.at(0);
    assert.ok(row?.legs?.['DRIFT-PERP'] && row.legs['KMNO-PERP'], 'per-leg fields');
    assert.deepEqual(Object.keys(row.legs['DRIFT-PERP']), ['mark', 'oracle', 'base', 'liqPrice']);
    const markets = new Set(r.fills.map((f) => f.market));
    assert.deepEqual([...markets].sort(), ['DRIFT-PERP', 'KMNO-PERP']);
    assert.equal(r.summary.makerFills, 0, 'spread legs are taker orders only');
    assert.ok(r.summary.fundingPnl !== 0, 'replayed funding was paid or received');
    // Market-neutral: whenever DRIFT is held, KMNO is held on the other side.
    for (const t of r.timeline) {
      const d = t.legs?.['DRIFT-PERP']?.base ?? 0;
      const k = t.legs?.['KMNO-PERP']?.base ?? 0;
      assert.ok(Math.sign(d) === -Math.sign(k), `legs hedge each other at ${new Date(t.ts).toISOString()}`);
    }
    checkReconciles(r, spreadConfig.collateral);
  });
});
