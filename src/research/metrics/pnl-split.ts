/**
 * The grid/trend split of trading PnL, the market maker's decomposition (docs/research.md):
 *
 *   grid  = Σ over trades of  signed size × (oracle at the trade's bar end − trade price)
 *           what each buy below / sell above the market earned against the price it was valued at;
 *   trend = Σ over bars of    position held into the bar × (oracle at its end − oracle at the previous end)
 *           what the inventory gained or lost while the price moved.
 *
 * Together they telescope to Σ size × (final oracle − price) = realized + unrealized PnL exactly, whatever the
 * matching of buys to sells. A timeline thinned with --sample still adds up (each trade is valued at the first
 * kept row at or after it); the split is just coarser.
 */
import type { MetricsInput } from './types.ts';

/** Per timeline row, by column (a year of 1-minute rows as objects was ~50 MB of the run's peak memory). */
export interface PnlSplit {
  grid: Float64Array;
  trend: Float64Array;
}

/** One entry per timeline row: the grid and trend PnL earned in the interval that row closes. */
export function pnlSplit(input: Pick<MetricsInput, 'timeline' | 'trades'>): PnlSplit {
  const { timeline, trades } = input;
  const position = new Map<string, number>();
  const lastOracle = new Map<string, number>();
  const out: PnlSplit = {
    grid: new Float64Array(timeline.length),
    trend: new Float64Array(timeline.length),
  };
  let k = 0;
  for (let i = 0; i < timeline.length; i++) {
    const legs = timeline.legs(i);
    const rowOracle = timeline.oracle[i];
    const rowTs = timeline.ts[i];
    const oracleOf = (market: string): number => legs?.[market]?.oracle ?? (legs ? Number.NaN : rowOracle);
    let trend = 0;
    for (const [market, base] of position) {
      if (base === 0) continue;
      const now = oracleOf(market);
      trend += base * (now - (lastOracle.get(market) ?? now));
    }
    let grid = 0;
    for (; k < trades.length && trades[k].ts <= rowTs; k++) {
      const t = trades[k];
      const size = t.side === 'buy' ? t.base : -t.base;
      grid += size * (oracleOf(t.market) - t.price);
      position.set(t.market, (position.get(t.market) ?? 0) + size);
    }
    if (legs) for (const [m, leg] of Object.entries(legs)) lastOracle.set(m, leg.oracle);
    else for (const m of position.keys()) lastOracle.set(m, rowOracle);
    out.grid[i] = grid;
    out.trend[i] = trend;
  }
  return out;
}
