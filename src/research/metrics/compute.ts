/**
 * All research metrics of one run, from the report's timeline, its trades and the funding it saw.
 */
import { DayTable, dailyTable } from './daily.ts';
import { OneMarketSplit, pnlSplit, splitsAsOneMarket } from './pnl-split.ts';
import { medianSpacing, type ReturnStats, ReturnSums, returnStats, SpacingCount } from './returns.ts';
import { type RoundTrip, roundTrips } from './round-trips.ts';
import type { DailyRow, MetricsInput, ResearchMetrics } from './types.ts';

export function computeResearchMetrics(input: MetricsInput): {
  metrics: ResearchMetrics;
  daily: DailyRow[];
} {
  const { timeline, collateral } = input;
  const trips = roundTrips(input.trades);
  const { stats, gridPnl, daily } = splitsAsOneMarket(input)
    ? oneMarketPass(input, trips)
    : inPasses(input, trips);
  const wins = trips.filter((t) => t.gross - t.fees > 0).length;
  const tradedNotional = input.trades.reduce((a, t) => a + Math.abs(t.price * t.base), 0);
  const exposed = timeline.exposedRows;
  const gross = input.realizedPnl + input.unrealizedPnl;
  const lastMark = timeline.lastMark;
  return {
    metrics: {
      ...stats,
      buyAndHoldReturnPct:
        lastMark !== undefined && input.startPrice > 0 ? (lastMark / input.startPrice - 1) * 100 : 0,
      roundTrips: trips.length,
      winRatePct: trips.length > 0 ? (wins / trips.length) * 100 : null,
      exposurePct: timeline.length > 0 ? (exposed / timeline.length) * 100 : 0,
      tradedNotional,
      turnover: collateral > 0 ? tradedNotional / collateral : 0,
      gridPnl: micro(gridPnl),
      trendPnl: micro(gross - gridPnl),
      feesPctOfPnl: gross !== 0 ? (input.feesPaid / Math.abs(gross)) * 100 : null,
      fundingPctOfPnl: gross !== 0 ? (input.fundingPnl / Math.abs(gross)) * 100 : null,
      dailyLossDays: input.dailyLossDates.size,
    },
    daily,
  };
}

const micro = (v: number): number => Math.round(v * 1e6) / 1e6;

/** What the per-row metrics give: the return ratios, the grid PnL's total and the daily table. */
interface RowMetrics {
  stats: ReturnStats;
  gridPnl: number;
  daily: DailyRow[];
}

/**
 * The row metrics one after the other, each a pass over the timeline (any run: legs, several markets). Exported
 * for the property test that holds oneMarketPass to it.
 */
export function inPasses(input: MetricsInput, trips: readonly RoundTrip[]): RowMetrics {
  const { timeline, collateral } = input;
  const stats = returnStats(collateral, timeline.equity, medianSpacing(timeline.ts));
  const split = pnlSplit(input);
  let gridPnl = 0;
  for (let i = 0; i < split.grid.length; i++) gridPnl += split.grid[i] as number;
  return { stats, gridPnl, daily: dailyTable(input, trips, split) };
}

/**
 * inPasses for one market without legs (splitsAsOneMarket), in a single pass over the rows: the same steps fed
 * the same rows in the same order (SpacingCount, ReturnSums, OneMarketSplit, DayTable are what medianSpacing,
 * returnStats, pnlSplit and dailyTable loop over), so every figure is the same double. Why: each of the five loops
 * over a year's 525,600 rows ran once, cold, after the run (~37 ms of the report); one loop doing all of it took
 * ~20 ms (issue 17, twenty-seventh round).
 */
export function oneMarketPass(input: MetricsInput, trips: readonly RoundTrip[]): RowMetrics {
  const { timeline } = input;
  const ts = timeline.ts;
  const equity = timeline.equity;
  const oracle = timeline.oracle;
  const codes = timeline.verdictCodes;
  const spacing = new SpacingCount();
  const sums = new ReturnSums(input.collateral);
  const split = new OneMarketSplit(input.trades);
  const days = new DayTable(input);
  let gridPnl = 0;
  for (let i = 0; i < timeline.length; i++) {
    const t = ts[i] as number;
    const e = equity[i] as number;
    spacing.add(t);
    sums.add(e);
    split.row(t, oracle[i] as number);
    gridPnl += split.grid;
    days.row(t, e, split.grid, split.trend, codes[i] as number);
  }
  return { stats: sums.stats(spacing.median(ts)), gridPnl, daily: days.finish(trips) };
}
