/** The Monte Carlo summary as the lines the CLI prints. */
import type { MonteCarloSummary, Probability } from './summarize.ts';

const pct = (p: Probability, n: number): string =>
  `${(p.p * 100).toFixed(1)}% (${p.count}/${n} paths; 95% interval ${(p.low * 100).toFixed(1)}–${(p.high * 100).toFixed(1)}%)`;

export function formatMonteCarlo(s: MonteCarloSummary, pathsPerSecond: number): string {
  const q = s.pnlQuantiles;
  return [
    `Monte Carlo: ${s.paths} stationary-bootstrap paths of ${s.barsPerPath} bars (mean block ${s.meanBlockBars} bars, seed ${s.seed}), ${pathsPerSecond.toFixed(2)} paths/s`,
    `  P(liquidation)        ${pct(s.liquidation, s.paths)}`,
    `  P(daily-loss limit)   ${pct(s.dailyLossTrip, s.paths)}`,
    `  PnL quantiles (USDC)  5% ${q.p5.toFixed(2)} · 25% ${q.p25.toFixed(2)} · median ${q.p50.toFixed(2)} · 75% ${q.p75.toFixed(2)} · 95% ${q.p95.toFixed(2)} (mean ${s.pnlMean.toFixed(2)})`,
    `  max drawdown          median ${s.maxDrawdownPctQuantiles.p50.toFixed(2)}% · 95% ${s.maxDrawdownPctQuantiles.p95.toFixed(2)}%`,
    `  market move           5% ${s.marketReturnPctQuantiles.p5.toFixed(1)}% · median ${s.marketReturnPctQuantiles.p50.toFixed(1)}% · 95% ${s.marketReturnPctQuantiles.p95.toFixed(1)}%`,
    `  worst liq distance    ${s.worstLiqDistancePct === null ? 'never exposed' : `${s.worstLiqDistancePct.toFixed(1)}%`}`,
  ].join('\n');
}
