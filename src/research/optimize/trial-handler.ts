/**
 * Worker side of the optimiser: one task = one trial's config backtested on one walk-forward segment.
 * Returns the segment's figures and its hourly returns (for PBO and the Deflated Sharpe Ratio).
 */
import { runBacktest } from '../../backtest/run-backtest.ts';
import type { Timeline } from '../../backtest/timeline.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import { EventTape, type EventTapeWire } from '../../data/event-tape.ts';
import { gridRangeConfig } from '../../engine/grid-bot.ts';
import { RangeSeriesCache } from '../../marketdata/range-series-cache.ts';
import type { SimExchangeOptions } from '../../venue/sim/exchange.ts';
import type { Segment } from './folds.ts';

export interface TrialInit {
  /** The run's events (EventTape.toWire): columns, copied to each worker in a few pieces. */
  events: EventTapeWire;
  replayFunding: boolean;
  spreadBps: number;
  fillModel?: SimExchangeOptions['makerFill'];
  segments: Segment[];
}

export interface TrialTask {
  trial: number;
  segment: number;
  config: BotConfig;
}

export interface SegmentResult {
  trial: number;
  segment: number;
  totalPnl: number;
  returnPct: number;
  maxDrawdownPct: number;
  minLiqDistancePct: number | null;
  liquidations: number;
  fills: number;
  sharpe: number | null;
  /** Equity returns per UTC hour of the segment (bar returns compounded within the hour). */
  hourly: number[];
  seconds: number;
}

const HOUR = 3_600_000;

/** Hourly returns from an equity curve that starts at `start` (rows stamped at bar ends). */
/** The timeline's (ts, equity) pairs straight from its columns, without building whole rows. */
function* equityRows(t: Timeline): Generator<{ ts: number; equity: number }> {
  const ts = t.column('ts');
  const equity = t.column('equity');
  for (let i = 0; i < ts.length; i++) yield { ts: ts[i], equity: equity[i] };
}

export function hourlyReturns(start: number, rows: Iterable<{ ts: number; equity: number }>): number[] {
  const out: number[] = [];
  let prevClose = start;
  let hour = Number.NaN;
  let last = start;
  for (const r of rows) {
    const h = Math.floor((r.ts - 1) / HOUR);
    if (h !== hour && !Number.isNaN(hour)) {
      out.push(prevClose > 0 ? last / prevClose - 1 : 0);
      prevClose = last;
    }
    hour = h;
    last = r.equity;
  }
  if (!Number.isNaN(hour)) out.push(prevClose > 0 ? last / prevClose - 1 : 0);
  return out;
}

export function createHandler(init: TrialInit): (task: TrialTask) => SegmentResult {
  // the trials on one segment mostly share the range's settings: its series is computed once per segment
  const ranges = new RangeSeriesCache();
  const tape = EventTape.fromWire(init.events);
  return (task) => {
    const started = performance.now();
    const seg = init.segments[task.segment];
    // the segment's events known in [warmupFrom, to)
    const events = tape.slice(tape.indexAtOrAfter(seg.warmupFrom), tape.indexAtOrAfter(seg.to));
    const { config } = task;
    const range =
      config.strategy === 'grid'
        ? ranges.reader(
            `segment ${task.segment}`,
            events,
            config.markets[0].symbol,
            gridRangeConfig(config.grid),
          )
        : undefined;
    const r = runBacktest({
      range,
      config: task.config,
      events,
      replayFunding: init.replayFunding,
      spreadBps: init.spreadBps,
      fillModel: init.fillModel,
      warmupUntil: seg.from,
      now: () => 0,
    });
    const s = r.summary;
    return {
      trial: task.trial,
      segment: task.segment,
      totalPnl: s.totalPnl,
      returnPct: s.returnPct,
      maxDrawdownPct: s.maxDrawdownPct,
      minLiqDistancePct: s.minLiqDistancePct,
      liquidations: s.liquidations,
      fills: s.fills,
      sharpe: s.sharpe,
      hourly: hourlyReturns(task.config.collateral, equityRows(r.timeline)),
      seconds: (performance.now() - started) / 1000,
    };
  };
}
