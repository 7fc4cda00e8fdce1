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
import type { LegFigures } from './metrics-timeline.ts';
import type { MetricsInput } from './types.ts';

/** Per timeline row, by column (a year of 1-minute rows as objects was ~50 MB of the run's peak memory). */
export interface PnlSplit {
  grid: Float64Array;
  trend: Float64Array;
}

/** A market's oracle at a row: its leg's in a spread run (NaN when the row lacks the leg), else the row's. */
const oracleAt = (legs: LegFigures | undefined, market: string, rowOracle: number): number =>
  legs?.[market]?.oracle ?? (legs ? Number.NaN : rowOracle);

/**
 * One entry per timeline row: the grid and trend PnL earned in the interval that row closes.
 *
 * Markets are numbered as they are first seen, and their positions and last oracles kept in arrays (a Map walked
 * with `for…of` made an entry and a closure per row: 100 MB of garbage over a year of 1-minute rows). The sums
 * run in the same order as over a Map of positions in first-trade order, so every float is what it was.
 */
export function pnlSplit(input: Pick<MetricsInput, 'timeline' | 'trades'>): PnlSplit {
  const { timeline, trades } = input;
  if (splitsAsOneMarket(input)) return oneMarketSplit(timeline, trades);
  const indexOf = new Map<string, number>();
  const names: string[] = [];
  const position: number[] = [];
  const lastOracle: (number | undefined)[] = [];
  /** Markets with a position entry, in the order of their first trade (the Map's insertion order). */
  const held: number[] = [];
  const market = (name: string): number => {
    let k = indexOf.get(name);
    if (k === undefined) {
      k = names.length;
      indexOf.set(name, k);
      names.push(name);
      position.push(Number.NaN); // NaN: no position entry yet
      lastOracle.push(undefined);
    }
    return k;
  };
  const out: PnlSplit = {
    grid: new Float64Array(timeline.length),
    trend: new Float64Array(timeline.length),
  };
  let t = 0;
  for (let i = 0; i < timeline.length; i++) {
    const legs = timeline.legs(i);
    const rowOracle = timeline.oracle[i];
    const rowTs = timeline.ts[i];
    let trend = 0;
    for (let h = 0; h < held.length; h++) {
      const k = held[h];
      const base = position[k];
      if (base === 0) continue;
      const now = oracleAt(legs, names[k], rowOracle);
      trend += base * (now - (lastOracle[k] ?? now));
    }
    let grid = 0;
    for (; t < trades.length && trades[t].ts <= rowTs; t++) {
      const trade = trades[t];
      const size = trade.side === 'buy' ? trade.base : -trade.base;
      grid += size * (oracleAt(legs, trade.market, rowOracle) - trade.price);
      const k = market(trade.market);
      if (Number.isNaN(position[k])) {
        position[k] = 0;
        held.push(k);
      }
      position[k] += size;
    }
    if (legs) for (const m in legs) lastOracle[market(m)] = legs[m].oracle;
    else for (let h = 0; h < held.length; h++) lastOracle[held[h]] = rowOracle;
    out.grid[i] = grid;
    out.trend[i] = trend;
  }
  return out;
}

/** Whether pnlSplit splits the input as one market (no legs, every trade in one market): OneMarketSplit's case. */
export function splitsAsOneMarket(input: Pick<MetricsInput, 'timeline' | 'trades'>): boolean {
  return !input.timeline.hasLegs && oneMarket(input.trades);
}

/** Whether every trade is in the same market (or there are none). */
function oneMarket(trades: MetricsInput['trades']): boolean {
  for (let t = 1; t < trades.length; t++) if (trades[t].market !== trades[0].market) return false;
  return true;
}

/**
 * pnlSplit of a timeline without legs whose trades are all in one market: the same sums in the same order, with
 * that market's position and last oracle as two numbers instead of looked up by name row by row (a year of
 * 1-minute rows: ~20 ms after the run, on the way to the report).
 */
function oneMarketSplit(timeline: MetricsInput['timeline'], trades: MetricsInput['trades']): PnlSplit {
  const n = timeline.length;
  const out: PnlSplit = { grid: new Float64Array(n), trend: new Float64Array(n) };
  const oracles = timeline.oracle;
  const times = timeline.ts;
  const split = new OneMarketSplit(trades);
  for (let i = 0; i < n; i++) {
    split.row(times[i] as number, oracles[i] as number);
    out.grid[i] = split.grid;
    out.trend[i] = split.trend;
  }
  return out;
}

/**
 * The one-market split a row at a time (oneMarketSplit's loop; the metrics' one pass over a single market's rows
 * feeds it too): `row` takes the rows in order and leaves that row's grid and trend PnL in `grid` and `trend`.
 */
export class OneMarketSplit {
  readonly #trades: MetricsInput['trades'];
  /** The market's position; NaN before its first trade (no position entry yet). */
  #position = Number.NaN;
  /** The oracle at the previous row. */
  #lastOracle = Number.NaN;
  /** The next trade to book. */
  #next = 0;
  grid = 0;
  trend = 0;

  constructor(trades: MetricsInput['trades']) {
    this.#trades = trades;
  }

  row(rowTs: number, rowOracle: number): void {
    const trades = this.#trades;
    let position = this.#position;
    let trend = 0;
    if (!Number.isNaN(position) && position !== 0) trend += position * (rowOracle - this.#lastOracle);
    let grid = 0;
    let t = this.#next;
    for (; t < trades.length && trades[t].ts <= rowTs; t++) {
      const trade = trades[t];
      const size = trade.side === 'buy' ? trade.base : -trade.base;
      grid += size * (rowOracle - trade.price);
      if (Number.isNaN(position)) position = 0;
      position += size;
    }
    this.#next = t;
    this.#position = position;
    this.#lastOracle = rowOracle;
    this.grid = grid;
    this.trend = trend;
  }
}
