/**
 * The risk of a config before it is started: the Monte Carlo over the last days of the market's data (the
 * shipped replay data by default, the same the paper runner trades on), plus the plain backtest of those
 * days for reference. Used by `zero-perps preview` and `POST /api/bots/preview`.
 */
import { runBacktest } from '../../backtest/run-backtest.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import { EventTape, type MarketEventSeq } from '../../data/event-tape.ts';
import { eventTime } from '../../data/merge.ts';
import type { MarketEvent } from '../../data/types.ts';
import { runMonteCarlo } from '../monte-carlo/run-monte-carlo.ts';
import type { MonteCarloSummary } from '../monte-carlo/summarize.ts';

export interface PreviewOptions {
  config: BotConfig;
  /** The data, in time order: an array, or a loaded file's tape (only the last days' stretch is read). */
  events: MarketEventSeq;
  fundingReplay: boolean;
  paths: number;
  seed?: number;
  /** Use the last `days` of the data (default 7). */
  days?: number;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface PreviewResult {
  bot: string;
  strategy: string;
  markets: string[];
  window: { from: string; to: string; bars: number };
  backtest: {
    totalPnl: number;
    returnPct: number;
    maxDrawdownPct: number;
    liquidations: number;
    dailyLossDays: number;
    maxLeverage: number;
    minLiqDistancePct: number | null;
  };
  monteCarlo: MonteCarloSummary;
  pathsPerSecond: number;
}

export async function previewConfig(o: PreviewOptions): Promise<PreviewResult> {
  const days = o.days ?? 7;
  const last = eventTime(o.events.at(-1) as MarketEvent);
  const from = last - days * 86_400_000;
  const events = sinceTime(o.events, from);
  const bars: Extract<MarketEvent, { type: 'bar' }>[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events.at(i) as MarketEvent;
    if (e.type === 'bar' && e.market === o.config.markets[0].symbol) bars.push(e);
  }
  const report = runBacktest({ config: o.config, events, replayFunding: o.fundingReplay, timeline: false });
  const s = report.summary;
  const mc = await runMonteCarlo({
    config: o.config,
    events,
    paths: o.paths,
    seed: o.seed ?? 1,
    workers: o.workers,
    onProgress: o.onProgress,
  });
  return {
    bot: o.config.name,
    strategy: o.config.strategy,
    markets: o.config.markets.map((m) => m.symbol),
    window: {
      from: new Date(bars.length > 0 ? bars[0].candle.ts : from).toISOString(),
      to: new Date(last).toISOString(),
      bars: bars.length,
    },
    backtest: {
      totalPnl: s.totalPnl,
      returnPct: s.returnPct,
      maxDrawdownPct: s.maxDrawdownPct,
      liquidations: s.liquidations,
      dailyLossDays: s.dailyLossDays,
      maxLeverage: s.maxLeverage,
      minLiqDistancePct: s.minLiqDistancePct,
    },
    monteCarlo: mc.summary,
    pathsPerSecond: mc.pathsPerSecond,
  };
}

/** The events known at `from` or later: a tape's stretch (no copy), or an array's. */
function sinceTime(events: MarketEventSeq, from: number): MarketEventSeq {
  if (events instanceof EventTape) return events.window(from);
  const out: MarketEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events.at(i) as MarketEvent;
    if (eventTime(e) >= from) out.push(e);
  }
  return out;
}
