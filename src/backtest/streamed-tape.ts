/**
 * The bars of a streamed load (streamed-load.ts) as the backtest reads events: bar i once the reading thread has
 * published it, waiting for it when the run is ahead of the parse. Kept apart from the load (which starts the
 * thread) so that what reads a tape does not bring the thread's start with it.
 */

import type { BarColumns } from '../data/bar-columns.ts';
import type { MarketEventSeq } from '../data/event-tape.ts';
import {
  publishedColumns,
  ROWS,
  STATUS,
  STATUS_DONE,
  STATUS_RUNNING,
  type StreamBuffers,
} from '../data/streamed-columns.ts';
import type { MarketEvent } from '../data/types.ts';
import type { MarketSpec } from '../domain/markets.ts';
import type { StreamedLoadEnd } from './streamed-parse.ts';

/** The streamed run cannot stand: load the file the usual way (and run again). `reason` is for DEBUG. */
export class StreamFallback extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StreamFallback';
  }
}

/** How long the run waits for rows without any progress before it calls the thread lost. */
export const STALL_MS = 60_000;

/** How a parse ended, in words (DEBUG says why a streamed run gave way). */
export function describeEnd(end: StreamedLoadEnd): string {
  switch (end.kind) {
    case 'done':
      return 'done';
    case 'failed':
      return `${end.file}:${end.line}: ${end.reason}`;
    case 'error':
      return end.message;
    case 'not-streamable':
      return end.reason;
  }
}

/** The rows a tape reads of a market's stream: `start` to `end` − 1 (a --from/--to window's bars), else all. */
export interface TapeRows {
  start: number;
  end: number;
}

/** One market's bars as a thread publishes them. */
export interface BarStream {
  buffers: StreamBuffers;
  market: MarketSpec;
  /** How the parse ended (asked once it has). */
  ended: () => StreamedLoadEnd;
  /** The files' names (DEBUG's reason when the parse ends short). */
  file: string;
  /** The rows read (default every row counted). */
  rows?: TapeRows;
}

/**
 * The events of a streamed load as the backtest reads them: each market's bars, bar i once it is published
 * (waiting for it when the run is ahead of the parse), and the funding records (loaded before the run) merged in
 * among them as mergeEventTape merges them — by the time each becomes known; on a tie bars before funding, then
 * by market name. Its length is its bars (the rows counted in the files, or a window's) and the funding records; a
 * parse that ends otherwise (fewer rows, a bad row, a row that cannot stream) stops the run with StreamFallback.
 */
export class StreamedTape implements MarketEventSeq {
  readonly length: number;
  /** The bar streams in the merge's order (by market name). */
  readonly #sources: BarSource[];
  /** The funding events in time order (mergeEventTape of the funding records alone), if any. */
  readonly #funding: MarketEventSeq | undefined;
  /** The merge so far; none for one market without funding (event i is its bar i). */
  readonly #merge: Merge | undefined;

  /**
   * `funding`: the markets' funding events in time order (mergeEventTape of the funding records alone), those of
   * the rows' time only.
   */
  constructor(bars: readonly BarStream[], funding?: MarketEventSeq) {
    this.#sources = [...bars]
      .sort((a, b) => (a.market.symbol < b.market.symbol ? -1 : a.market.symbol > b.market.symbol ? 1 : 0))
      .map((s) => new BarSource(s));
    this.#funding = funding !== undefined && funding.length > 0 ? funding : undefined;
    let length = this.#funding?.length ?? 0;
    for (const s of this.#sources) length += s.bars;
    this.length = length;
    this.#merge =
      this.#sources.length === 1 && this.#funding === undefined
        ? undefined
        : new Merge(this.#sources.length, length);
  }

  /** The bars of `market` (a symbol) the tape holds. */
  barsOf(market: string): number {
    return this.#sources.find((s) => s.market.symbol === market)?.bars ?? 0;
  }

  /** Event i (from the end when negative, as Array.at), waiting for it to be published. */
  at(i: number): MarketEvent | undefined {
    const k = i < 0 ? this.length + i : i;
    if (!(k >= 0 && k < this.length)) return undefined;
    const m = this.#merge;
    if (m === undefined) return (this.#sources[0] as BarSource).bar(k);
    if (m.merged <= k) this.#mergeTo(m, k);
    const s = m.source[k] as number;
    const row = m.row[k] as number;
    return s === FUNDING
      ? (this.#funding as MarketEventSeq).at(row)
      : (this.#sources[s] as BarSource).bar(row);
  }

  /**
   * Merges on through event k: the next event is the one known first, the first stream's on a tie (bars by market
   * name, then funding: mergeEventTape's order), waiting for a bar to be published to know its time.
   */
  #mergeTo(m: Merge, k: number): void {
    const sources = this.#sources;
    const funding = this.#funding;
    while (m.merged <= k) {
      let best = FUNDING;
      let bestTime = Number.POSITIVE_INFINITY;
      for (let s = 0; s < sources.length; s++) {
        const src = sources[s] as BarSource;
        const h = m.heads[s] as number;
        if (h >= src.bars) continue;
        const t = src.time(h);
        if (t < bestTime) {
          best = s;
          bestTime = t;
        }
      }
      const n = m.merged++;
      if (funding !== undefined && m.fundingHead < funding.length) {
        const t = fundingTime(funding.at(m.fundingHead) as MarketEvent);
        if (t < bestTime) best = FUNDING;
      }
      m.source[n] = best;
      m.row[n] = best === FUNDING ? m.fundingHead++ : (m.heads[best] as number)++;
    }
  }

  /**
   * The bars whose oracle was not observed (Drift candles without fills), by market: none for rows without an
   * oracle. Asked after the run, when every row has been read (so published).
   */
  estimatedOracleBars(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.#sources) {
      const n = s.estimatedOracleBars();
      if (n > 0) out[s.market.symbol] = n;
    }
    return out;
  }
}

/** In Merge.source: the event is a funding record. */
const FUNDING = 255;

/**
 * The merge of a streamed load's bar streams and funding events, made as the run reads on (StreamedTape.#mergeTo):
 * for each event so far, its stream and its row there.
 */
class Merge {
  readonly source: Uint8Array;
  readonly row: Int32Array;
  /** The next row of each bar stream, and the next funding event, to merge. */
  readonly heads: Int32Array;
  fundingHead = 0;
  merged = 0;

  constructor(streams: number, length: number) {
    this.source = new Uint8Array(length);
    this.row = new Int32Array(length);
    this.heads = new Int32Array(streams);
  }
}

/** One market's published bars: bar k of the tape's reading is row start + k. */
class BarSource {
  readonly market: MarketSpec;
  readonly bars: number;
  readonly #b: StreamBuffers;
  /** The columns over every row to come (a row is read only once published). */
  readonly #columns: BarColumns;
  readonly #ended: () => StreamedLoadEnd;
  readonly #file: string;
  readonly #start: number;
  /** Rows known to be published (a copy of state[ROWS], so most reads touch no shared memory). */
  #ready = 0;
  #intervalMs = Number.NaN;

  constructor(s: BarStream) {
    const rows = s.rows ?? { start: 0, end: s.buffers.capacity };
    this.market = s.market;
    this.bars = rows.end - rows.start;
    this.#b = s.buffers;
    this.#columns = publishedColumns(s.buffers, s.buffers.capacity);
    this.#ended = s.ended;
    this.#file = s.file;
    this.#start = rows.start;
  }

  bar(k: number): MarketEvent {
    const row = this.#start + k;
    if (row >= this.#ready) this.#await(row);
    return {
      type: 'bar',
      market: this.market.symbol,
      candle: this.#columns.candle(row),
      intervalMs: this.#intervalMs,
    };
  }

  /** When bar k becomes known (its close), waiting for it to be published. */
  time(k: number): number {
    const row = this.#start + k;
    if (row >= this.#ready) this.#await(row);
    return (this.#columns.ts[row] as number) + this.#intervalMs;
  }

  estimatedOracleBars(): number {
    const stale = this.#b.oracle?.stale;
    const end = this.#start + this.bars;
    let n = 0;
    if (stale !== undefined) for (let i = this.#start; i < end; i++) if (stale[i] === 2) n++;
    return n;
  }

  /** Blocks until row i is published; StreamFallback when the parse ended without it. */
  #await(i: number): void {
    const state = this.#b.state;
    let waited = 0;
    for (;;) {
      const rows = Atomics.load(state, ROWS);
      if (rows > i) {
        this.#ready = rows;
        // written before the first rows were published
        this.#intervalMs = this.#b.meta[0] as number;
        return;
      }
      const status = Atomics.load(state, STATUS);
      if (status !== STATUS_RUNNING) {
        throw new StreamFallback(
          status === STATUS_DONE
            ? `${this.#file}: ${rows} rows read of ${this.#b.capacity} lines counted`
            : describeEnd(this.#ended()),
        );
      }
      const r = Atomics.wait(state, ROWS, rows, 1000);
      waited = r === 'timed-out' && Atomics.load(state, ROWS) === rows ? waited + 1000 : 0;
      if (waited >= STALL_MS)
        throw new StreamFallback(`the reading thread made no progress for ${STALL_MS / 1000} s`);
    }
  }
}

const fundingTime = (e: MarketEvent): number => (e.type === 'funding' ? e.record.ts : Number.NaN);
