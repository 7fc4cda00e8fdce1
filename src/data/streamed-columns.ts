/**
 * Price files' bars in shared memory, written by the thread that parses the files (one after the other) and read
 * by a backtest while the parse goes on (issue 17: the run starts on the first rows instead of after the whole
 * load). The reading side allocates the columns for the rows it counted in the files; the writing side
 * (StreamedColumns, a BarSink the parsers fill) publishes how many rows are done, a chunk at a time, and says how
 * the parse ended.
 *
 * The rows are the parser's own, in file order: a row the parser would have to sort, merge or give optional
 * fields (a step back in time, a repeated time, an oracle value in a CSV) is not streamed — the writer stops with
 * NotStreamable, and the reader loads the file the usual way instead (streamed-load.ts). Drift candles, whose
 * every row has the oracle's fields, stream with columns for those.
 */
import { BarColumns, type BarSink, type TradeColumns } from './bar-columns.ts';
import type { Candle } from './types.ts';

/** state[ROWS]: rows published; state[STATUS]: how the parse stands (the STATUS_ values). */
export const ROWS = 0;
export const STATUS = 1;
export const STATUS_RUNNING = 0;
/** Every row is published and the file's report sent. */
export const STATUS_DONE = 1;
/** The file is bad (a DataError, sent with its line), or reading it failed. */
export const STATUS_FAILED = 2;
/** The file is fine but not streamable (NotStreamable's reason sent): load it the usual way. */
export const STATUS_NOT_STREAMABLE = 3;

/** A Drift candle's oracle fields, a column each; `stale` as BarColumns keeps it (1 false, 2 true). */
export interface OracleColumns {
  oracleOpen: Float64Array;
  oracleHigh: Float64Array;
  oracleLow: Float64Array;
  oracleClose: Float64Array;
  stale: Uint8Array;
}

/**
 * The shared parts: six columns of `capacity` rows (and the oracle's, for files whose every row has one: Drift
 * candles), the state, and the bar interval once known (meta[0]).
 */
export interface StreamBuffers extends TradeColumns {
  capacity: number;
  oracle?: OracleColumns;
  state: Int32Array;
  /** meta[0]: the bar interval (ms) the first rows show, written before the first rows are published. */
  meta: Float64Array;
}

const shared = (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8));

/** `oracle`: every row will carry the oracle's fields (Drift candles). */
export function allocateStream(capacity: number, oracle = false): StreamBuffers {
  return {
    capacity,
    ts: shared(capacity),
    open: shared(capacity),
    high: shared(capacity),
    low: shared(capacity),
    close: shared(capacity),
    volume: shared(capacity),
    ...(oracle
      ? {
          oracle: {
            oracleOpen: shared(capacity),
            oracleHigh: shared(capacity),
            oracleLow: shared(capacity),
            oracleClose: shared(capacity),
            stale: new Uint8Array(new SharedArrayBuffer(Math.max(1, capacity))),
          },
        }
      : {}),
    state: new Int32Array(new SharedArrayBuffer(8)),
    meta: shared(1),
  };
}

/** Rows `from` to `to` − 1 (published ones), as columns sharing the buffers (no copy). */
export function publishedColumns(b: StreamBuffers, to: number, from = 0): BarColumns {
  const o = b.oracle;
  return new BarColumns({
    length: to - from,
    ts: b.ts.subarray(from, to),
    open: b.open.subarray(from, to),
    high: b.high.subarray(from, to),
    low: b.low.subarray(from, to),
    close: b.close.subarray(from, to),
    volume: b.volume.subarray(from, to),
    ...(o
      ? {
          optional: {
            oracleOpen: o.oracleOpen.subarray(from, to),
            oracleHigh: o.oracleHigh.subarray(from, to),
            oracleLow: o.oracleLow.subarray(from, to),
            oracleClose: o.oracleClose.subarray(from, to),
          },
          oracleStale: o.stale.subarray(from, to),
        }
      : {}),
  });
}

/** A row the streamed columns cannot take as it comes: the file is read the usual way instead. */
export class NotStreamable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotStreamable';
  }
}

/**
 * Rows published at a time: the first chunks small (the reader waits for the first rows from the start), then
 * doubling up to CHUNK.
 */
const FIRST_CHUNK = 64;
const CHUNK = 4096;

/**
 * The writing side: the parser's BarSink. Every chunk of rows it calls `beforePublish(from, to)` (the streamed
 * load computes the blended range of those rows there, so a bar's range is ready when the bar is), then
 * publishes them.
 */
export class StreamedColumns implements BarSink {
  readonly #b: StreamBuffers;
  readonly #beforePublish: (from: number, to: number) => void;
  #n = 0;
  /** The first row of the file being read (a load of several files reads them one after the other). */
  #fileStart = 0;
  /** The file began with the row the file before ended with (`continues`): its columns start one row early. */
  #continued = false;
  #published = 0;
  #nextPublish = FIRST_CHUNK;
  #chunk = FIRST_CHUNK;

  constructor(buffers: StreamBuffers, beforePublish: (from: number, to: number) => void) {
    this.#b = buffers;
    this.#beforePublish = beforePublish;
  }

  /** The rows of the file being read. */
  get length(): number {
    return this.#n - this.#fileStart;
  }

  push(c: Candle): void {
    const o = this.#b.oracle;
    if (o !== undefined) {
      // columns with the oracle take rows with every oracle field (Drift candles): set before the row is published
      const i = this.#n;
      if (
        c.oracleOpen === undefined ||
        c.oracleHigh === undefined ||
        c.oracleLow === undefined ||
        c.oracleClose === undefined ||
        c.oracleStale === undefined ||
        c.fundingRate !== undefined
      ) {
        throw new NotStreamable('a row without the oracle fields the others have');
      }
      if (i < this.#b.capacity) {
        o.oracleOpen[i] = c.oracleOpen;
        o.oracleHigh[i] = c.oracleHigh;
        o.oracleLow[i] = c.oracleLow;
        o.oracleClose[i] = c.oracleClose;
        o.stale[i] = c.oracleStale ? 2 : 1;
      }
      this.#pushTrade(c.ts, c.open, c.high, c.low, c.close, c.volume);
      return;
    }
    if (
      c.oracleOpen !== undefined ||
      c.oracleHigh !== undefined ||
      c.oracleLow !== undefined ||
      c.oracleClose !== undefined ||
      c.oracleStale !== undefined ||
      c.fundingRate !== undefined
    ) {
      throw new NotStreamable('a row with oracle or funding fields');
    }
    this.#pushTrade(c.ts, c.open, c.high, c.low, c.close, c.volume);
  }

  pushBar(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.#b.oracle !== undefined)
      throw new NotStreamable('a row without the oracle fields the others have');
    this.#pushTrade(ts, open, high, low, close, volume);
  }

  #pushTrade(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    const b = this.#b;
    const i = this.#n;
    if (i === b.capacity) throw new NotStreamable(`more rows than the ${b.capacity} lines counted`);
    if (i > 0 && !(ts > b.ts[i - 1])) throw new NotStreamable('rows out of time order, or a repeated time');
    b.ts[i] = ts;
    b.open[i] = open;
    b.high[i] = high;
    b.low[i] = low;
    b.close[i] = close;
    b.volume[i] = volume;
    this.#n = i + 1;
    if (this.#n === this.#nextPublish) this.publish();
  }

  /** Publishes the rows written since the last time (the parse's end publishes what is left). */
  publish(): void {
    const to = this.#n;
    if (to > this.#published) {
      this.#beforePublish(this.#published, to);
      this.#published = to;
      Atomics.store(this.#b.state, ROWS, to);
      Atomics.notify(this.#b.state, ROWS);
    }
    this.#chunk = Math.min(CHUNK, this.#chunk * 2);
    this.#nextPublish = to + this.#chunk;
  }

  /** The next rows are another file's (its parser's `finish` gives its rows alone). */
  beginFile(): void {
    this.#fileStart = this.#n;
    this.#continued = false;
  }

  last(): Candle | undefined {
    const n = this.#n;
    return n === 0 ? undefined : publishedColumns(this.#b, n, n - 1).candle(0);
  }

  /**
   * The file's first record was the row before, again (a download a month at a time: each month's file ends with
   * the candle the next one begins with): the row is not written twice, and the file's columns start with it.
   */
  continues(): void {
    this.#continued = true;
  }

  /** The file's rows (those since beginFile) as columns sharing the buffers; every row so far is published. */
  finish(): BarColumns {
    this.publish();
    return publishedColumns(this.#b, this.#n, this.#continued ? this.#fileStart - 1 : this.#fileStart);
  }
}

/** Sets the parse's end (a STATUS_ value) and wakes a reader waiting for rows. */
export function endStream(b: StreamBuffers, status: number): void {
  Atomics.store(b.state, STATUS, status);
  Atomics.notify(b.state, ROWS);
}
