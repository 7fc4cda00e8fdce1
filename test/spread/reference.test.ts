/**
 * The spread bot against an independent reference (test/test-support/reference-spread.ts: the strategy as its
 * user reads it, no shared code) on the shipped hourly DRIFT/KMNO candles, through the real backtest (SimVenue,
 * risk governor, depth model).
 *  1. Where nothing else can intervene — legs small against the book, the volatility and funding guards
 *     relaxed — the bot trades exactly when and how the reference does, and its PnL agrees.
 *  2. The README's example as configured: the bot can only trade less than the reference (refusals on depth,
 *     blocks by risk); the figures are printed for the docs.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { BacktestReport } from '../../src/backtest/report-types.ts';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import { parseBotConfig } from '../../src/config/bot-config.ts';
import { readConfigFile } from '../../src/config/read-config-file.ts';
import type { Candle, MarketEvent } from '../../src/data/types.ts';
import { replayEvents } from '../../src/modes/paper.ts';
import { type RefBar, type RefDirection, runReferenceSpread } from '../test-support/reference-spread.ts';

const example = readConfigFile(
  new URL('../../examples/drift-kmno-spread.yaml', import.meta.url).pathname,
) as Record<string, unknown>;
const HOUR = 3_600_000;

/** The hours both markets have a bar for, closes as the bot sees them (bar close time). */
function alignedBars(events: readonly MarketEvent[]): RefBar[] {
  const byMarket = new Map<string, Map<number, Candle>>();
  for (const e of events) {
    if (e.type !== 'bar') continue;
    let m = byMarket.get(e.market);
    if (!m) byMarket.set(e.market, (m = new Map()));
    m.set(e.candle.ts, e.candle);
  }
  const drift = byMarket.get('DRIFT-PERP') ?? new Map<number, Candle>();
  const kmno = byMarket.get('KMNO-PERP') ?? new Map<number, Candle>();
  return [...drift.keys()]
    .filter((ts) => kmno.has(ts))
    .sort((a, b) => a - b)
    .map((ts) => ({
      ts: ts + HOUR,
      drift: (drift.get(ts) as Candle).close,
      kmno: (kmno.get(ts) as Candle).close,
    }));
}

/** The bot's direction changes, read from its fills: per decision time, the pair's signed DRIFT leg after. */
function botTrades(r: BacktestReport): { ts: number; to: RefDirection }[] {
  const out: { ts: number; to: RefDirection }[] = [];
  let drift = 0;
  const byTs = new Map<number, { market: string; side: string; base: number }[]>();
  for (const f of r.fills) {
    const list = byTs.get(f.ts) ?? [];
    list.push(f);
    byTs.set(f.ts, list);
  }
  for (const [ts, fills] of [...byTs].sort((a, b) => a[0] - b[0])) {
    for (const f of fills) if (f.market === 'DRIFT-PERP') drift += f.side === 'buy' ? f.base : -f.base;
    out.push({ ts, to: drift > 1e-9 ? 'LONG' : drift < -1e-9 ? 'SHORT' : 'FLAT' });
  }
  return out;
}

describe('spread bot vs the independent reference on the shipped hourly data', () => {
  let events: MarketEvent[];
  let bars: RefBar[];

  before(async () => {
    ({ events } = await replayEvents(['DRIFT-PERP', 'KMNO-PERP']));
    // No funding records in the run: the reference does not model funding (replay mode then pays none).
    events = events.filter((e) => e.type === 'bar');
    bars = alignedBars(events);
  });

  const spread = example.spread as Record<string, number>;
  const refParams = (driftQty: number, kmnoQty: number) => ({
    window: spread.window as number,
    entryZ: spread.entryZ as number,
    exitZ: spread.exitZ as number,
    lag: spread.signalLagPeriods as number,
    driftQty,
    kmnoQty,
    halfSpreadBps: 1,
    feeBps: 3.5,
  });

  it('with nothing else in the way, trades at the same hours in the same directions, with the same PnL', () => {
    const config = parseBotConfig(
      {
        ...example,
        spread: { ...spread, driftQuantity: 5, kmnoQuantity: 50 },
        risk: { maxVolatility: 99, pauseVolatility: 100, maxFundingApr: 100_000, maxDivergencePct: 50 },
      },
      'reference',
    );
    const r = runBacktest({ config, events, replayFunding: true, now: () => 0 });
    const ref = runReferenceSpread(bars, refParams(5, 50));
    const bot = botTrades(r);
    process.stderr.write(
      `reference parity: reference ${ref.trades.length} direction changes, PnL ${ref.pnl.toFixed(4)}; bot ${bot.length}, PnL ${r.summary.totalPnl.toFixed(4)}, refusals ${JSON.stringify(r.summary.refusals)}\n`,
    );
    assert.ok(ref.trades.length >= 10, `the data gives the reference trades (${ref.trades.length})`);
    assert.deepEqual(
      bot.map((t) => `${new Date(t.ts).toISOString()} ${t.to}`),
      ref.trades.map((t) => `${new Date(t.ts).toISOString()} ${t.to}`),
    );
    // Fill prices differ only by the tick rounding of the simulator's best bid/ask (and fees by micro-USDC).
    const tolerance = 0.01 + 0.002 * ref.trades.length;
    assert.ok(
      Math.abs(r.summary.totalPnl - ref.pnl) <= tolerance,
      `PnL ${r.summary.totalPnl} vs reference ${ref.pnl} (±${tolerance})`,
    );
  });

  it('the README example trades no more than the reference: depth refusals and risk blocks only remove trades', () => {
    const config = parseBotConfig(example, 'examples/drift-kmno-spread.yaml');
    const r = runBacktest({ config, events, replayFunding: true, now: () => 0 });
    const ref = runReferenceSpread(
      bars,
      refParams(spread.driftQuantity as number, spread.kmnoQuantity as number),
    );
    const bot = botTrades(r);
    const entries = (xs: { to: RefDirection }[]) => xs.filter((t) => t.to !== 'FLAT').length;
    process.stderr.write(
      `README example: reference ${entries(ref.trades)} entries, PnL ${ref.pnl.toFixed(2)}; bot ${entries(bot)} entries, PnL ${r.summary.totalPnl.toFixed(2)}, refusals ${JSON.stringify(r.summary.refusals)}\n`,
    );
    assert.ok(entries(bot) > 0, 'the example trades');
    assert.ok(
      entries(bot) <= entries(ref.trades),
      `${entries(bot)} bot entries vs ${entries(ref.trades)} reference`,
    );
    assert.ok((r.summary.refusals?.depth ?? 0) > 0, 'the liquidity check refused legs on the example');
  });
});
