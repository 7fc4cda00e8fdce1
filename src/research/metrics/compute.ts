/**
 * All research metrics of one run, from the report's timeline, its trades and the funding it saw.
 */
import { dailyTable } from './daily.ts';
import { pnlSplit } from './pnl-split.ts';
import { medianSpacing, returnStats } from './returns.ts';
import { roundTrips } from './round-trips.ts';
import type { DailyRow, MetricsInput, ResearchMetrics } from './types.ts';

export function computeResearchMetrics(input: MetricsInput): {
  metrics: ResearchMetrics;
  daily: DailyRow[];
} {
  const { timeline, collateral } = input;
  const stats = returnStats(collateral, timeline.equity, medianSpacing(timeline.ts));
  const trips = roundTrips(input.trades);
  const wins = trips.filter((t) => t.gross - t.fees > 0).length;
  const split = pnlSplit(input);
  let gridPnl = 0;
  for (let i = 0; i < split.grid.length; i++) gridPnl += split.grid[i] as number;
  const tradedNotional = input.trades.reduce((a, t) => a + Math.abs(t.price * t.base), 0);
  const exposed = timeline.exposedRows;
  const gross = input.realizedPnl + input.unrealizedPnl;
  const lastMark = timeline.lastMark;
  const daily = dailyTable(input, trips, split);
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
