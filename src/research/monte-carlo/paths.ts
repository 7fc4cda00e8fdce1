/**
 * Resampled market paths for the Monte Carlo: the data's bars are turned into moves relative to the previous
 * close (open, high, low, close and the oracle's the same way, volume as is), the moves are resampled with
 * the stationary bootstrap, and a path of the run's length is rebuilt from the first real bar. Markets that
 * trade together (the spread's two legs) are resampled with the same indices, so their co-movement stays.
 * Recorded funding is not resampled: the paths run with Drift's funding formula (docs/research.md).
 */

import { UserError } from '../../cli/user-error.ts';
import { type BarColumns, BarColumnsBuilder } from '../../data/bar-columns.ts';
import type { EventTape, MarketEventSeq } from '../../data/event-tape.ts';
import { mergeEventTape } from '../../data/merge.ts';
import type { Candle, MarketEvent } from '../../data/types.ts';

export interface MarketSeries {
  market: string;
  intervalMs: number;
  bars: BarColumns;
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

/**
 * The bars of each market in `events` (an array, or the CLI's tape), in order, as columns (funding records are
 * left out): a year's bars as Candle objects were ~116 MB held through the whole Monte Carlo.
 */
export function seriesOf(events: MarketEventSeq, markets: readonly string[]): MarketSeries[] {
  return markets.map((market) => {
    const bars = new BarColumnsBuilder(events.length);
    let intervalMs = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events.at(i) as MarketEvent;
      if (e.type === 'bar' && e.market === market) {
        bars.push(e.candle);
        intervalMs = e.intervalMs;
      }
    }
    if (bars.length < 3) throw new UserError(`Monte Carlo: ${market} has too few bars (${bars.length})`);
    return { market, intervalMs, bars: bars.finish() };
  });
}

/** Column `c` at row i, NaN where the column is missing (a source without that field) or the bar lacks it. */
const at = (c: Float64Array | undefined, i: number): number => (c === undefined ? Number.NaN : c[i]);

export function movesOf(series: readonly MarketSeries[]): Moves[] {
  const lead = series[0].bars;
  const n = lead.length;
  for (const s of series) {
    if (s.bars.length !== n || s.bars.ts.some((t, i) => t !== lead.ts[i])) {
      throw new UserError(
        `Monte Carlo: ${s.market} and ${series[0].market} must have bars at the same times (resampled together)`,
      );
    }
  }
  return series.map((s) => {
    const m = n - 1;
    const f = () => new Float64Array(m);
    const b = s.bars;
    const mv: Moves = {
      market: s.market,
      intervalMs: s.intervalMs,
      first: b.candle(0),
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
    const { oracleOpen, oracleHigh, oracleLow, oracleClose } = b.optional;
    for (let k = 1; k < n; k++) {
      const prevClose = b.close[k - 1];
      const j = k - 1;
      mv.open[j] = b.open[k] / prevClose;
      mv.high[j] = b.high[k] / prevClose;
      mv.low[j] = b.low[k] / prevClose;
      mv.close[j] = b.close[k] / prevClose;
      mv.volume[j] = b.volume[k];
      // NaN compares false: no previous oracle, or none on this bar, leaves the oracle's moves NaN
      const po = at(oracleClose, k - 1);
      const has = po > 0 && !Number.isNaN(at(oracleClose, k));
      mv.oClose[j] = has ? at(oracleClose, k) / po : Number.NaN;
      mv.oOpen[j] = has ? at(oracleOpen, k) / po : Number.NaN;
      mv.oHigh[j] = has ? at(oracleHigh, k) / po : Number.NaN;
      mv.oLow[j] = has ? at(oracleLow, k) / po : Number.NaN;
      mv.stale[j] = b.oracleStale?.[k] === 2 ? 1 : 0;
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
