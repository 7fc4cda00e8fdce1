/**
 * Worker side of the optimiser: one task = one trial's config backtested on one walk-forward segment.
 * Returns the segment's figures and its hourly returns (for PBO and the Deflated Sharpe Ratio).
 */
import { runBacktest } from '../../backtest/run-backtest.ts';
import type { Timeline } from '../../backtest/timeline.ts';
import type { BotConfig } from '../../config/bot-config.ts';
import { eventTime } from '../../data/merge.ts';
import type { MarketEvent } from '../../data/types.ts';
import type { SimExchangeOptions } from '../../venue/sim/exchange.ts';
import type { Segment } from './folds.ts';

export interface TrialInit {
  events: MarketEvent[];
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

function firstAtOrAfter(events: readonly MarketEvent[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (eventTime(events[mid]) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

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
  return (task) => {
    const started = performance.now();
    const seg = init.segments[task.segment];
    const events = init.events.slice(
      firstAtOrAfter(init.events, seg.warmupFrom),
      firstAtOrAfter(init.events, seg.to),
    );
    const r = runBacktest({
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
