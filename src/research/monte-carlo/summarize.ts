/**
 * What a trader reads from the Monte Carlo: how often the bot was liquidated or hit its daily-loss limit,
 * with a 95% Wilson interval (the sampling error of N paths), and the spread of outcomes as quantiles.
 */
import type { PathResult } from './path-handler.ts';

export interface Probability {
  /** Share of paths, 0..1. */
  p: number;
  count: number;
  /** 95% Wilson score interval of p. */
  low: number;
  high: number;
}

export interface MonteCarloSummary {
  paths: number;
  seed: number;
  meanBlockBars: number;
  barsPerPath: number;
  liquidation: Probability;
  dailyLossTrip: Probability;
  pnlQuantiles: Record<'p5' | 'p25' | 'p50' | 'p75' | 'p95', number>;
  pnlMean: number;
  maxDrawdownPctQuantiles: Record<'p50' | 'p95', number>;
  marketReturnPctQuantiles: Record<'p5' | 'p50' | 'p95', number>;
  /** Worst minimum liquidation distance over the paths that held a position, %; null if none did. */
  worstLiqDistancePct: number | null;
}

export function wilson(count: number, n: number, z = 1.959964): Probability {
  if (n === 0) return { p: 0, count, low: 0, high: 1 };
  const p = count / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { p, count, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Linear interpolation between order statistics (the common "type 7" quantile). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function summarize(
  results: readonly PathResult[],
  o: { seed: number; meanBlockBars: number; barsPerPath: number },
): MonteCarloSummary {
  const n = results.length;
  const sorted = (f: (r: PathResult) => number) => results.map(f).sort((a, b) => a - b);
  const pnl = sorted((r) => r.totalPnl);
  const dd = sorted((r) => r.maxDrawdownPct);
  const mkt = sorted((r) => r.marketReturnPct);
  const liq = results.map((r) => r.minLiqDistancePct).filter((v): v is number => v !== null);
  return {
    paths: n,
    seed: o.seed,
    meanBlockBars: o.meanBlockBars,
    barsPerPath: o.barsPerPath,
    liquidation: wilson(results.filter((r) => r.liquidations > 0).length, n),
    dailyLossTrip: wilson(results.filter((r) => r.dailyLossDays > 0).length, n),
    pnlQuantiles: {
      p5: quantile(pnl, 0.05),
      p25: quantile(pnl, 0.25),
      p50: quantile(pnl, 0.5),
      p75: quantile(pnl, 0.75),
      p95: quantile(pnl, 0.95),
    },
    pnlMean: n > 0 ? pnl.reduce((a, b) => a + b, 0) / n : Number.NaN,
    maxDrawdownPctQuantiles: { p50: quantile(dd, 0.5), p95: quantile(dd, 0.95) },
    marketReturnPctQuantiles: { p5: quantile(mkt, 0.05), p50: quantile(mkt, 0.5), p95: quantile(mkt, 0.95) },
    worstLiqDistancePct: liq.length > 0 ? Math.min(...liq) : null,
  };
}
