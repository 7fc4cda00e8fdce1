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

/**
 * The bars of a streamed load as the backtest reads events: bar i once it is published (waiting for it when
 * the run is ahead of the parse). Its length is the rows counted in the file; a parse that ends otherwise (fewer
 * rows, a bad row, a row that cannot stream) stops the run with StreamFallback.
 */
export class StreamedTape implements MarketEventSeq {
  readonly length: number;
  readonly market: MarketSpec;
  readonly #b: StreamBuffers;
  /** The columns over every row to come (a row is read only once published). */
  readonly #columns: BarColumns;
  readonly #ended: () => StreamedLoadEnd;
  readonly #file: string;
  /** Rows known to be published (a copy of state[ROWS], so most reads touch no shared memory). */
  #ready = 0;
  #intervalMs = Number.NaN;

  constructor(buffers: StreamBuffers, market: MarketSpec, ended: () => StreamedLoadEnd, file: string) {
    this.#b = buffers;
    this.#columns = publishedColumns(buffers, buffers.capacity);
    this.length = buffers.capacity;
    this.market = market;
    this.#ended = ended;
    this.#file = file;
  }

  /** Event i (from the end when negative, as Array.at), waiting for it to be published. */
  at(i: number): MarketEvent | undefined {
    const k = i < 0 ? this.length + i : i;
    if (!(k >= 0 && k < this.length)) return undefined;
    if (k >= this.#ready) this.#await(k);
    return {
      type: 'bar',
      market: this.market.symbol,
      candle: this.#columns.candle(k),
      intervalMs: this.#intervalMs,
    };
  }

  /**
   * The bars whose oracle was not observed (Drift candles without fills), by market: empty for rows without an
   * oracle. Asked after the run, when every row has been read (so published).
   */
  estimatedOracleBars(): Record<string, number> {
    const stale = this.#b.oracle?.stale;
    let n = 0;
    if (stale !== undefined) for (let i = 0; i < this.length; i++) if (stale[i] === 2) n++;
    return n > 0 ? { [this.market.symbol]: n } : {};
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
        this.#intervalMs = this.#b.meta[0];
        return;
      }
      const status = Atomics.load(state, STATUS);
      if (status !== STATUS_RUNNING) {
        const end = this.#ended();
        throw new StreamFallback(
          status === STATUS_DONE
            ? `${this.#file}: ${rows} rows read of ${this.length} lines counted`
            : describeEnd(end),
        );
      }
      const r = Atomics.wait(state, ROWS, rows, 1000);
      waited = r === 'timed-out' && Atomics.load(state, ROWS) === rows ? waited + 1000 : 0;
      if (waited >= STALL_MS)
        throw new StreamFallback(`the reading thread made no progress for ${STALL_MS / 1000} s`);
    }
  }
}
