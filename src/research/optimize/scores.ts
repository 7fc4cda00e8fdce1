/**
 * A trial's scores over a set of segments, the Pareto set, and the walk-forward selection.
 *
 * Objectives (docs/research.md): PnL (higher is better), max drawdown % (lower), minimum liquidation distance
 * % (higher; a trial that never held a position counts as infinitely far). A trial is Pareto-optimal when no
 * other trial is at least as good on all three and better on one.
 */
import type { SegmentResult } from './trial-handler.ts';

export interface Score {
  /** Σ segment PnL, USDC. */
  pnl: number;
  /** Mean of the segments' return %. */
  returnPct: number;
  /** Worst segment drawdown, %. */
  maxDrawdownPct: number;
  /** Smallest liquidation distance over the segments, %; null when never exposed. */
  minLiqDistancePct: number | null;
  /** Annualised Sharpe ratio of the segments' hourly returns, joined. */
  sharpe: number | null;
  liquidations: number;
  fills: number;
}

const HOURS_PER_YEAR = 365 * 24;

export function scoreOf(segments: readonly SegmentResult[]): Score {
  const hourly = segments.flatMap((s) => s.hourly);
  const n = hourly.length;
  const mean = n > 0 ? hourly.reduce((a, b) => a + b, 0) / n : 0;
  const v = n > 1 ? hourly.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0;
  const liq = segments.map((s) => s.minLiqDistancePct).filter((x): x is number => x !== null);
  return {
    pnl: round(segments.reduce((a, s) => a + s.totalPnl, 0)),
    returnPct: segments.length > 0 ? segments.reduce((a, s) => a + s.returnPct, 0) / segments.length : 0,
    maxDrawdownPct: Math.max(0, ...segments.map((s) => s.maxDrawdownPct)),
    minLiqDistancePct: liq.length > 0 ? Math.min(...liq) : null,
    sharpe: v > 0 ? (mean / Math.sqrt(v)) * Math.sqrt(HOURS_PER_YEAR) : null,
    liquidations: segments.reduce((a, s) => a + s.liquidations, 0),
    fills: segments.reduce((a, s) => a + s.fills, 0),
  };
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
const liqOf = (s: Score): number => s.minLiqDistancePct ?? Number.POSITIVE_INFINITY;

function dominates(a: Score, b: Score): boolean {
  const ge = a.pnl >= b.pnl && a.maxDrawdownPct <= b.maxDrawdownPct && liqOf(a) >= liqOf(b);
  const gt = a.pnl > b.pnl || a.maxDrawdownPct < b.maxDrawdownPct || liqOf(a) > liqOf(b);
  return ge && gt;
}

/** Indices of the non-dominated scores, in order. */
export function paretoSet(scores: readonly Score[]): number[] {
  return scores.flatMap((s, i) => (scores.some((o, j) => j !== i && dominates(o, s)) ? [] : [i]));
}

export type Selector = 'pnl' | 'sharpe';

export const selectValue = (s: Score, by: Selector): number =>
  by === 'pnl' ? s.pnl : (s.sharpe ?? Number.NEGATIVE_INFINITY);

/** The index of the best score by the selector (first on ties). */
export function best(scores: readonly Score[], by: Selector): number {
  let k = 0;
  for (let i = 1; i < scores.length; i++) if (selectValue(scores[i], by) > selectValue(scores[k], by)) k = i;
  return k;
}
