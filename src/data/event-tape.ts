/**
 * The merged market event stream of a backtest, by column (issue 17): which stream each event comes from and
 * its row there, with bars kept in their markets' BarColumns. `at(i)` builds event i when it is read, so a year
 * of 1-minute bars never exists as half a million event and candle objects (~145 MB of heap); funding events
 * (a few thousand) are kept as objects.
 */
import { BarColumns } from './bar-columns.ts';
import type { MarketEvent } from './types.ts';

/** What the backtest reads: an array of events, or a tape. */
export interface MarketEventSeq {
  readonly length: number;
  at(i: number): MarketEvent | undefined;
}

/** One source of the tape: a market's bars of one interval, or a market's funding events. */
export type TapeStream =
  | { kind: 'bar'; market: string; intervalMs: number; bars: BarColumns }
  | { kind: 'funding'; events: readonly FundingEvent[] };

type FundingEvent = Extract<MarketEvent, { type: 'funding' }>;

/**
 * A tape as plain data for a worker thread (EventTape.toWire): its columns are typed arrays, each copied in one
 * piece, where a tape made into an array of events is half a million objects to copy and rebuild per worker.
 */
export interface EventTapeWire {
  streams: TapeStream[];
  stream: Uint8Array;
  row: Int32Array;
}

export class EventTape implements MarketEventSeq {
  readonly #streams: readonly TapeStream[];
  readonly #stream: Uint8Array;
  readonly #row: Int32Array;

  /** Event i is row `row[i]` of stream `stream[i]`; the arrays are the tape's (not copied). */
  constructor(streams: readonly TapeStream[], stream: Uint8Array, row: Int32Array) {
    if (streams.length > 256)
      throw new RangeError(`a tape holds at most 256 streams (got ${streams.length})`);
    this.#streams = streams;
    this.#stream = stream;
    this.#row = row;
  }

  get length(): number {
    return this.#row.length;
  }

  at(i: number): MarketEvent | undefined {
    const k = i < 0 ? this.length + i : i;
    if (!(k >= 0 && k < this.length)) return undefined;
    const s = this.#streams[this.#stream[k]];
    const row = this.#row[k];
    if (s.kind === 'funding') return s.events[row];
    return { type: 'bar', market: s.market, candle: s.bars.candle(row), intervalMs: s.intervalMs };
  }

  /**
   * Each bar's market, whether its oracle was not observed (Candle.oracleStale) and when it becomes known
   * (merge.ts eventTime), in tape order, without building the bar: a backtest's pre-pass over a year.
   */
  forEachBar(fn: (market: string, oracleStale: boolean, knownAt: number) => void): void {
    for (let k = 0; k < this.length; k++) {
      const s = this.#streams[this.#stream[k]];
      if (s.kind !== 'bar') continue;
      const row = this.#row[k];
      fn(s.market, s.bars.oracleStale?.[row] === 2, s.bars.ts[row] + s.intervalMs);
    }
  }

  /**
   * Each bar of `market` in tape order as (knownAt, close), without building it: what a bot's snapshot takes as
   * its time and mark (the blended range computed ahead of a run, range-series.ts).
   */
  forEachBarOf(market: string, fn: (knownAt: number, close: number) => void): void {
    for (let k = 0; k < this.length; k++) {
      const s = this.#streams[this.#stream[k]];
      if (s.kind !== 'bar' || s.market !== market) continue;
      const row = this.#row[k];
      fn(s.bars.ts[row] + s.intervalMs, s.bars.close[row]);
    }
  }

  /** When event i becomes known (merge.ts eventTime), without building it. */
  timeAt(i: number): number {
    const s = this.#streams[this.#stream[i]];
    const row = this.#row[i];
    return s.kind === 'funding' ? s.events[row].record.ts : s.bars.ts[row] + s.intervalMs;
  }

  /** The events known in [from, to] (either bound optional): a contiguous stretch, since times never decrease. */
  window(from?: number, to?: number): EventTape {
    const lo = from === undefined ? 0 : this.indexAtOrAfter(from);
    const hi = to === undefined ? this.length : this.indexAtOrAfter(to, true);
    return this.slice(lo, hi);
  }

  /** Events lo to hi − 1 (indices, as Array.slice), sharing this tape's columns. */
  slice(lo: number, hi: number): EventTape {
    return new EventTape(this.#streams, this.#stream.subarray(lo, hi), this.#row.subarray(lo, hi));
  }

  /** This tape as plain data for another thread (EventTape.fromWire makes it a tape again). */
  toWire(): EventTapeWire {
    // a window's index columns are views of the whole tape's: copied, so only the window crosses
    return { streams: [...this.#streams], stream: this.#stream.slice(), row: this.#row.slice() };
  }

  /** The tape a toWire gave, after a structured clone (its BarColumns arrive as plain objects). */
  static fromWire(w: EventTapeWire): EventTape {
    const streams = w.streams.map(
      (s): TapeStream => (s.kind === 'bar' ? { ...s, bars: new BarColumns(s.bars) } : s),
    );
    return new EventTape(streams, w.stream, w.row);
  }

  /** Every event as an object (small streams, and consumers that need an array). */
  toArray(): MarketEvent[] {
    const out: MarketEvent[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i) as MarketEvent;
    return out;
  }

  /** The first index whose time is ≥ t (or > t when `after`), by binary search. */
  indexAtOrAfter(t: number, after = false): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.timeAt(mid);
      if (v < t || (after && v === t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
