/**
 * Resampled market paths for the Monte Carlo: the data's bars are turned into moves relative to the previous
 * close (open, high, low, close and the oracle's the same way, volume as is), the moves are resampled with
 * the stationary bootstrap, and a path of the run's length is rebuilt from the first real bar. Markets that
 * trade together (the spread's two legs) are resampled with the same indices, so their co-movement stays.
 * Recorded funding is not resampled: the paths run with Drift's funding formula (docs/research.md).
 */

import { UserError } from '../../cli/user-error.ts';
import { type BarColumns, BarColumnsBuilder } from '../../data/bar-columns.ts';
import type { EventTape } from '../../data/event-tape.ts';
import { mergeEventTape } from '../../data/merge.ts';
import type { Candle, MarketEvent } from '../../data/types.ts';

export interface MarketSeries {
  market: string;
  intervalMs: number;
  bars: Candle[];
}

/** One market's moves: for bar k ≥ 1, each field divided by the previous bar's close (oracle: its oracle). */
export interface Moves {
  market: string;
  intervalMs: number;
  first: Candle;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** NaN when the source has no oracle. */
  oOpen: Float64Array;
  oHigh: Float64Array;
  oLow: Float64Array;
  oClose: Float64Array;
  stale: Uint8Array;
}

/** The bars of each market in `events`, in order (funding records are left out). */
export function seriesOf(events: readonly MarketEvent[], markets: readonly string[]): MarketSeries[] {
  return markets.map((market) => {
    const bars: Candle[] = [];
    let intervalMs = 0;
    for (const e of events) {
      if (e.type === 'bar' && e.market === market) {
        bars.push(e.candle);
        intervalMs = e.intervalMs;
      }
    }
    if (bars.length < 3) throw new UserError(`Monte Carlo: ${market} has too few bars (${bars.length})`);
    return { market, intervalMs, bars };
  });
}

export function movesOf(series: readonly MarketSeries[]): Moves[] {
  const n = series[0].bars.length;
  for (const s of series) {
    if (s.bars.length !== n || s.bars.some((b, i) => b.ts !== series[0].bars[i].ts)) {
      throw new UserError(
        `Monte Carlo: ${s.market} and ${series[0].market} must have bars at the same times (resampled together)`,
      );
    }
  }
  return series.map((s) => {
    const m = n - 1;
    const f = () => new Float64Array(m);
    const mv: Moves = {
      market: s.market,
      intervalMs: s.intervalMs,
      first: s.bars[0],
      open: f(),
      high: f(),
      low: f(),
      close: f(),
      volume: f(),
      oOpen: f(),
      oHigh: f(),
      oLow: f(),
      oClose: f(),
      stale: new Uint8Array(m),
    };
    for (let k = 1; k < n; k++) {
      const prev = s.bars[k - 1];
      const b = s.bars[k];
      const j = k - 1;
      mv.open[j] = b.open / prev.close;
      mv.high[j] = b.high / prev.close;
      mv.low[j] = b.low / prev.close;
      mv.close[j] = b.close / prev.close;
      mv.volume[j] = b.volume;
      const po = prev.oracleClose;
      const has = po !== undefined && b.oracleClose !== undefined && po > 0;
      mv.oClose[j] = has ? (b.oracleClose as number) / po : Number.NaN;
      mv.oOpen[j] = has && b.oracleOpen !== undefined ? b.oracleOpen / po : Number.NaN;
      mv.oHigh[j] = has && b.oracleHigh !== undefined ? b.oracleHigh / po : Number.NaN;
      mv.oLow[j] = has && b.oracleLow !== undefined ? b.oracleLow / po : Number.NaN;
      mv.stale[j] = b.oracleStale ? 1 : 0;
    }
    return mv;
  });
}

/**
 * Rebuilds one path: the first real bar, then one resampled move per index. Bars keep the data's spacing. The path
 * is a tape of columns (a month's path as objects was ~45,000 events living through the whole run, most of the
 * Monte Carlo's garbage collection), merged as the data's own bars are (mergeEventTape).
 */
export function buildPath(moves: readonly Moves[], indices: Int32Array): EventTape {
  return mergeEventTape(
    moves.map((mv) => ({ market: mv.market, intervalMs: mv.intervalMs, bars: pathBars(mv, indices) })),
  );
}

/** One market's bars along the path, as columns. */
function pathBars(mv: Moves, indices: Int32Array): BarColumns {
  const out = new BarColumnsBuilder(indices.length + 1);
  out.push(mv.first);
  let c = mv.first.close;
  let oracle = mv.first.oracleClose;
  for (let t = 0; t < indices.length; t++) {
    const j = indices[t];
    const close = c * mv.close[j];
    // the builder copies the bar's fields: a short-lived object per bar
    const candle: Candle = {
      ts: mv.first.ts + (t + 1) * mv.intervalMs,
      open: c * mv.open[j],
      high: c * mv.high[j],
      low: c * mv.low[j],
      close,
      volume: mv.volume[j],
    };
    if (oracle !== undefined && !Number.isNaN(mv.oClose[j])) {
      candle.oracleClose = oracle * mv.oClose[j];
      if (!Number.isNaN(mv.oOpen[j])) candle.oracleOpen = oracle * mv.oOpen[j];
      if (!Number.isNaN(mv.oHigh[j])) candle.oracleHigh = oracle * mv.oHigh[j];
      if (!Number.isNaN(mv.oLow[j])) candle.oracleLow = oracle * mv.oLow[j];
      candle.oracleStale = mv.stale[j] === 1;
      oracle = candle.oracleClose;
    }
    c = close;
    out.push(candle);
  }
  return out.finish();
}
