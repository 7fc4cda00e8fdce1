/**
 * A market's bars stored by column (issue 17). A year of 1-minute bars as Candle objects is ~116 MB of heap
 * (every double field is a boxed number) and most of a backtest's peak memory; as Float64Array columns it is
 * ~25 MB outside the heap. `candle(i)` builds a fresh Candle for whoever reads one bar (the backtest loop makes
 * one per bar, a short-lived young-generation object), so the rest of the code keeps its Candle interface.
 *
 * Optional fields are columns only when some bar has them: NaN marks "absent" in a number column (no parser
 * keeps a NaN), and oracleStale is 0 absent, 1 false, 2 true. Live-only fields (bid, ask, oracleLagMs) never
 * come from files; `fromCandles` refuses candles that carry them rather than drop them.
 */
import type { Candle } from './types.ts';

/** The candle fields a column holds only where some bar has them (NaN in it where a bar has not). */
export const OPTIONAL = ['oracleOpen', 'oracleHigh', 'oracleLow', 'oracleClose', 'fundingRate'] as const;
export type OptionalField = (typeof OPTIONAL)[number];

/** The trade fields of a run of bars, a column each. */
export interface TradeColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export class BarColumns {
  readonly length: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly optional: Partial<Record<OptionalField, Float64Array>>;
  readonly oracleStale: Uint8Array | undefined;

  constructor(
    c: TradeColumns & {
      length: number;
      optional?: Partial<Record<OptionalField, Float64Array>>;
      oracleStale?: Uint8Array;
    },
  ) {
    this.length = c.length;
    this.ts = c.ts;
    this.open = c.open;
    this.high = c.high;
    this.low = c.low;
    this.close = c.close;
    this.volume = c.volume;
    this.optional = c.optional ?? {};
    this.oracleStale = c.oracleStale;
  }

  /** Bar i as a new Candle with the same fields (and values) the file's parser gave it. */
  candle(i: number): Candle {
    const c: Candle = {
      ts: this.ts[i],
      open: this.open[i],
      high: this.high[i],
      low: this.low[i],
      close: this.close[i],
      volume: this.volume[i],
    };
    const o = this.optional;
    if (o.oracleOpen !== undefined && !Number.isNaN(o.oracleOpen[i])) c.oracleOpen = o.oracleOpen[i];
    if (o.oracleHigh !== undefined && !Number.isNaN(o.oracleHigh[i])) c.oracleHigh = o.oracleHigh[i];
    if (o.oracleLow !== undefined && !Number.isNaN(o.oracleLow[i])) c.oracleLow = o.oracleLow[i];
    if (o.oracleClose !== undefined && !Number.isNaN(o.oracleClose[i])) c.oracleClose = o.oracleClose[i];
    const stale = this.oracleStale?.[i] ?? 0;
    if (stale !== 0) c.oracleStale = stale === 2;
    if (o.fundingRate !== undefined && !Number.isNaN(o.fundingRate[i])) c.fundingRate = o.fundingRate[i];
    return c;
  }

  /** Every bar as a Candle (small files, tests, and callers that need an array). */
  toCandles(): Candle[] {
    const out: Candle[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.candle(i);
    return out;
  }

  static fromCandles(candles: readonly Candle[]): BarColumns {
    const b = new BarColumnsBuilder(candles.length);
    for (const c of candles) {
      if (c.bid !== undefined || c.ask !== undefined || c.oracleLagMs !== undefined) {
        throw new RangeError('live-only candle fields (bid, ask, oracleLagMs) have no column');
      }
      b.push(c);
    }
    return b.finish();
  }
}

/**
 * Where a parser puts its rows, in file order: a BarColumnsBuilder, or a streamed load's shared columns
 * (streamed-columns.ts), which a backtest reads while the parse goes on.
 */
export interface BarSink {
  readonly length: number;
  /** The bar's fields are copied: the caller may reuse its object. */
  push(c: Candle): void;
  /** A bar with the trade fields only. */
  pushBar(ts: number, open: number, high: number, low: number, close: number, volume: number): void;
  /** The rows as columns, trimmed to length. */
  finish(): BarColumns;
  /**
   * The last row written as a candle (of any file, for a sink that takes several one after the other); undefined
   * before the first. Made when asked: a parser asks it only where a time repeats.
   */
  last(): Candle | undefined;
}

/** Grows the columns as bars arrive (a parser's rows), then hands them over trimmed to length. */
export class BarColumnsBuilder implements BarSink {
  #n = 0;
  #cap: number;
  #base: Float64Array[];
  #optional: Partial<Record<OptionalField, Float64Array>> = {};
  /** Whether any optional column exists (most files have none: then an absent field costs one comparison). */
  #hasOptional = false;
  #stale: Uint8Array | undefined;

  constructor(expected = 1024) {
    this.#cap = Math.max(16, expected);
    this.#base = Array.from({ length: 6 }, () => new Float64Array(this.#cap));
  }

  get length(): number {
    return this.#n;
  }

  /** The bar's fields are copied: the caller may reuse its object. */
  push(c: Candle): void {
    this.pushBar(c.ts, c.open, c.high, c.low, c.close, c.volume);
    const i = this.#n - 1;
    // one call per field with the name written out, not a loop over OPTIONAL: the loop's `c[f]` was a keyed
    // load with five names at one site (megamorphic), five times per row of every file read
    this.#put('oracleOpen', c.oracleOpen, i);
    this.#put('oracleHigh', c.oracleHigh, i);
    this.#put('oracleLow', c.oracleLow, i);
    this.#put('oracleClose', c.oracleClose, i);
    this.#put('fundingRate', c.fundingRate, i);
    if (c.oracleStale !== undefined) {
      if (this.#stale === undefined) this.#stale = new Uint8Array(this.#cap);
      this.#stale[i] = c.oracleStale ? 2 : 1;
    }
  }

  /**
   * A bar with the trade fields only (no oracle, staleness or funding): NaN in the optional columns there are.
   * `push` starts with it, then sets the optional fields the candle has.
   */
  pushBar(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.#n === this.#cap) this.#grow();
    const i = this.#n++;
    const b = this.#base;
    b[0][i] = ts;
    b[1][i] = open;
    b[2][i] = high;
    b[3][i] = low;
    b[4][i] = close;
    b[5][i] = volume;
    if (this.#hasOptional) {
      for (const f of OPTIONAL) {
        const col = this.#optional[f];
        if (col !== undefined) col[i] = Number.NaN;
      }
    }
  }

  last(): Candle | undefined {
    const n = this.#n;
    if (n === 0) return undefined;
    const [ts, open, high, low, close, volume] = this.#base as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const cols = { length: n, ts, open, high, low, close, volume, optional: this.#optional };
    return new BarColumns({ ...cols, oracleStale: this.#stale }).candle(n - 1);
  }

  finish(): BarColumns {
    const n = this.#n;
    // a column already of its length is handed over as it is (no second copy of a year's columns at the peak):
    // the builder is done with once finished (no parser pushes after finish)
    const trim = (col: Float64Array): Float64Array => (col.length === n ? col : col.slice(0, n));
    const [ts, open, high, low, close, volume] = this.#base.map(trim);
    const optional: Partial<Record<OptionalField, Float64Array>> = {};
    for (const f of OPTIONAL) {
      const col = this.#optional[f];
      if (col !== undefined) optional[f] = trim(col);
    }
    return new BarColumns({
      length: n,
      ts,
      open,
      high,
      low,
      close,
      volume,
      optional,
      oracleStale:
        this.#stale === undefined || this.#stale.length === n ? this.#stale : this.#stale.slice(0, n),
    });
  }

  /** Bar i's value of an optional field: NaN in its column when absent (no column until some bar has it). */
  #put(f: OptionalField, v: number | undefined, i: number): void {
    if (v !== undefined) this.#column(f)[i] = v;
    else if (this.#hasOptional) {
      const col = this.#optional[f];
      if (col !== undefined) col[i] = Number.NaN;
    }
  }

  /** A column first seen at bar i: the bars before it did not have the field. */
  #column(f: OptionalField): Float64Array {
    let col = this.#optional[f];
    if (col === undefined) {
      col = new Float64Array(this.#cap).fill(Number.NaN, 0, this.#n - 1);
      this.#optional[f] = col;
      this.#hasOptional = true;
    }
    return col;
  }

  /**
   * Room for `rows` rows in all, when a parser can tell how many are coming: the columns then grow once to it
   * instead of doubling past it (a year's doubling held twice its columns at the copy).
   */
  reserve(rows: number): void {
    if (rows > this.#cap) this.#grow(rows);
  }

  #grow(to = this.#cap * 2): void {
    this.#cap = to;
    const grown = (col: Float64Array): Float64Array => {
      const b = new Float64Array(this.#cap);
      b.set(col);
      return b;
    };
    this.#base = this.#base.map(grown);
    for (const f of OPTIONAL) {
      const col = this.#optional[f];
      if (col !== undefined) this.#optional[f] = grown(col);
    }
    if (this.#stale !== undefined) {
      const s = new Uint8Array(this.#cap);
      s.set(this.#stale);
      this.#stale = s;
    }
  }
}
