/**
 * The shape of report.json. Money in USDC and sizes in base units as plain JSON numbers (converted from the
 * venue's exact integers at the very end). Sign convention: fundingPnl and realizedPnl are what the trader
 * gained (negative when paid/lost); feesPaid is what the trader paid (negative when rebates exceeded fees).
 * totalPnl = realizedPnl + unrealizedPnl + fundingPnl − feesPaid.
 */
import type { VerdictKind } from '../domain/intent.ts';
import type { DailyRow, ResearchMetrics } from '../research/metrics/types.ts';
import type { Timeline } from './timeline.ts';

/** The run's figures; the research metrics (returnPct … dailyLossDays) follow the speed figures. */
export interface ReportSummary extends ResearchMetrics {
  bars: number;
  fills: number;
  makerFills: number;
  takerFills: number;
  feesPaid: number;
  fundingPnl: number;
  realizedPnl: number;
  unrealizedPnl: number;
  totalPnl: number;
  /** Largest peak-to-trough fall of equity, USDC (≥ 0). */
  maxDrawdown: number;
  maxLeverage: number;
  /** Smallest distance mark → liquidation price in % while a position was open; null when never exposed. */
  minLiqDistancePct: number | null;
  minHealth: number;
  liquidations: number;
  /** Bars spent under each verdict. */
  verdicts: Record<VerdictKind, number>;
  /**
   * Spread bots: legs refused before sending, by cause (legs.ts RejectionCause): `depth` = the book within the
   * slippage limit held less than the leg, `noBook` = no book known, `slippage` = best price beyond the cap,
   * `blocked` = openings not allowed (risk, health, stale), `withheld` = a valid leg held back with its partner.
   */
  refusals?: Record<string, number>;
  /** Bars per market whose oracle was not observed (export gap): the bar's price stood in as the estimate. */
  oracleEstimatedBars?: Record<string, number>;
  wallSeconds: number;
  barsPerSecond: number;
}

export interface LegRow {
  mark: number;
  oracle: number;
  base: number;
  liqPrice: number | null;
}

export interface TimelineRow {
  ts: number;
  mark: number;
  oracle: number;
  base: number;
  collateral: number;
  equity: number;
  leverage: number;
  health: number;
  liqPrice: number | null;
  verdict: VerdictKind;
  openBids: number;
  openAsks: number;
  openBidBase: number;
  openAskBase: number;
  /** Blended range at that bar (grid bots), null before the first window has data. */
  rangeLo?: number | null;
  rangeHi?: number | null;
  /** Spread bots: one entry per leg, keyed by market symbol. */
  legs?: Record<string, LegRow>;
}

export interface ReportFill {
  ts: number;
  market: string;
  side: 'buy' | 'sell';
  price: number;
  base: number;
  fee: number;
  maker: boolean;
  reduceOnly: boolean;
  /** The venue's liquidation engine closed this part of the position (not an order of the bot). */
  liquidation: boolean;
}

export interface BacktestReport {
  summary: ReportSummary;
  /**
   * One row per kept bar, stored by column (timeline.ts); `at(i)` or iteration gives row objects. Absent when
   * the run was asked not to keep it (BacktestOptions.timeline false: the CLI without --timeline).
   */
  timeline?: Timeline;
  /** The rows the HTML report charts: the timeline thinned to a few thousand (chart-rows.ts), always kept. */
  chart: Timeline;
  fills: ReportFill[];
  /** One row per UTC day (docs/research.md). */
  daily: DailyRow[];
}
