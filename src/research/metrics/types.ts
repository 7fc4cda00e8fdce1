/**
 * The research metrics of a backtest (docs/research.md has every formula): what a trader compares between
 * runs. Computed after the run from the report's own timeline and fills (plus the funding payments and
 * liquidations the loop saw), so they depend on nothing inside the backtest loop.
 */
import type { VerdictKind } from '../../domain/intent.ts';
import type { MetricsTimeline } from './metrics-timeline.ts';

export interface ResearchMetrics {
  /** (final equity / collateral − 1) × 100. */
  returnPct: number;
  /** Largest fall from a running peak of equity (starting collateral included), % of that peak. */
  maxDrawdownPct: number;
  /** Compound annual growth rate of equity over the run's span, %. */
  annualReturnPct: number;
  /** mean / sample stdev of per-bar returns × √(bars per year); null when undefined (no variance). */
  sharpe: number | null;
  /** mean / downside deviation (target 0) of per-bar returns × √(bars per year); null when no losing bar. */
  sortino: number | null;
  /** annualReturnPct / maxDrawdownPct; null without a drawdown. */
  calmar: number | null;
  /** The primary market's price change over the same span (first bar's open → last bar's close), %. */
  buyAndHoldReturnPct: number;
  /** Closing trades matched FIFO against the opening ones (one round trip per closing fill). */
  roundTrips: number;
  /** Share of round trips whose PnL net of their fees (entry share included) was > 0, %; null without any. */
  winRatePct: number | null;
  /** Share of bars that ended with a position open, %. */
  exposurePct: number;
  /** Σ |fill notional| (liquidations included), USDC. */
  tradedNotional: number;
  /** tradedNotional / collateral: how many times the collateral was traded. */
  turnover: number;
  /** Trading PnL earned by the trades themselves: Σ size × (oracle at the bar's end − trade price), USDC. */
  gridPnl: number;
  /** Trading PnL of carrying the inventory while the price moved: Σ position × Δoracle per bar, USDC. */
  trendPnl: number;
  /** feesPaid / |realizedPnl + unrealizedPnl| × 100; null when that gross trading PnL is 0. */
  feesPctOfPnl: number | null;
  /** fundingPnl / |realizedPnl + unrealizedPnl| × 100; null when that gross trading PnL is 0. */
  fundingPctOfPnl: number | null;
  /** UTC days on which the daily-loss rule (C) was in force at some bar. */
  dailyLossDays: number;
}

export interface DailyRow {
  /** UTC date the bars traded in (a bar belongs to the day it opened in). */
  date: string;
  /** Equity at the day's last bar, USDC. */
  equity: number;
  /** Change of equity over the day (from the previous day's close, or the collateral). */
  pnl: number;
  gridPnl: number;
  trendPnl: number;
  fundingPnl: number;
  /** Fees paid that day (negative when rebates exceeded fees). */
  fees: number;
  fills: number;
  roundTrips: number;
  /** The most severe verdict in force at any of the day's bars. */
  worstVerdict: VerdictKind;
  dailyLossTripped: boolean;
}

/** A trade as the metrics see it: a fill or a liquidation close. */
export interface MetricsTrade {
  ts: number;
  market: string;
  side: 'buy' | 'sell';
  price: number;
  base: number;
  fee: number;
}

export interface MetricsInput {
  collateral: number;
  /** The primary market's first bar open price (buy and hold starts there). */
  startPrice: number;
  /** Every bar's figures, by column (metrics-timeline.ts). */
  timeline: MetricsTimeline;
  /** Fills and liquidation closes, in time order. */
  trades: readonly MetricsTrade[];
  /** Funding payments received (negative when paid), in time order. */
  funding: readonly { ts: number; amount: number }[];
  realizedPnl: number;
  unrealizedPnl: number;
  fundingPnl: number;
  feesPaid: number;
  /** UTC dates (YYYY-MM-DD) on which rule C was in force. */
  dailyLossDates: ReadonlySet<string>;
}
