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

/** The rows a tape reads: `start` to `end` − 1 (a --from/--to window's bars), else every row counted. */
export interface TapeRows {
  start: number;
  end: number;
}

/**
 * The events of a streamed load as the backtest reads them: its bars, bar i once it is published (waiting for it
 * when the run is ahead of the parse), and the market's funding records (loaded before the run) merged in among
 * them as mergeEventTape merges them — by the time each becomes known, a bar before a funding record at the same
 * time. Its length is its rows (those counted in the files, or a window's) and the funding records; a parse that
 * ends otherwise (fewer rows, a bad row, a row that cannot stream) stops the run with StreamFallback.
 */
export class StreamedTape implements MarketEventSeq {
  readonly length: number;
  /** The bars: the rows read (TapeRows). */
  readonly bars: number;
  /** The first row read: bar k is row start + k. */
  readonly #start: number;
  readonly market: MarketSpec;
  readonly #b: StreamBuffers;
  /** The columns over every row to come (a row is read only once published). */
  readonly #columns: BarColumns;
  readonly #ended: () => StreamedLoadEnd;
  readonly #file: string;
  /** Rows known to be published (a copy of state[ROWS], so most reads touch no shared memory). */
  #ready = 0;
  #intervalMs = Number.NaN;
  /** The funding events in time order (none: event i is bar i), and the merge so far (FundingMerge). */
  readonly #funding: FundingMerge | undefined;

  /**
   * `funding`: the market's funding events in time order (mergeEventTape of its funding records alone), those of
   * the rows' time only.
   */
  constructor(
    buffers: StreamBuffers,
    market: MarketSpec,
    ended: () => StreamedLoadEnd,
    file: string,
    funding?: MarketEventSeq,
    rows: TapeRows = { start: 0, end: buffers.capacity },
  ) {
    this.#b = buffers;
    this.#columns = publishedColumns(buffers, buffers.capacity);
    this.#start = rows.start;
    this.bars = rows.end - rows.start;
    this.length = this.bars + (funding?.length ?? 0);
    this.market = market;
    this.#ended = ended;
    this.#file = file;
    this.#funding = funding && funding.length > 0 ? new FundingMerge(funding, this.length) : undefined;
  }

  /** Event i (from the end when negative, as Array.at), waiting for it to be published. */
  at(i: number): MarketEvent | undefined {
    const k = i < 0 ? this.length + i : i;
    if (!(k >= 0 && k < this.length)) return undefined;
    const funding = this.#funding;
    if (funding === undefined) return this.#bar(k);
    if (funding.merged <= k) this.#mergeTo(funding, k);
    const row = funding.row[k] as number;
    return funding.isFunding[k] === 1 ? funding.events.at(row) : this.#bar(row);
  }

  /**
   * Merges on through event k: the next event is the one known first, a bar on a tie (mergeEventTape: bars before
   * funding), waiting for a bar to be published to know its time.
   */
  #mergeTo(m: FundingMerge, k: number): void {
    const events = m.events;
    while (m.merged <= k) {
      const n = m.merged++;
      const takeBar =
        m.bar < this.bars &&
        (m.funding >= events.length ||
          this.#barTime(m.bar) <= fundingTime(events.at(m.funding) as MarketEvent));
      m.isFunding[n] = takeBar ? 0 : 1;
      m.row[n] = takeBar ? m.bar++ : m.funding++;
    }
  }

  #bar(k: number): MarketEvent {
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
  #barTime(k: number): number {
    const row = this.#start + k;
    if (row >= this.#ready) this.#await(row);
    return (this.#columns.ts[row] as number) + this.#intervalMs;
  }

  /**
   * The bars whose oracle was not observed (Drift candles without fills), by market: empty for rows without an
   * oracle. Asked after the run, when every row has been read (so published).
   */
  estimatedOracleBars(): Record<string, number> {
    const stale = this.#b.oracle?.stale;
    const end = this.#start + this.bars;
    let n = 0;
    if (stale !== undefined) for (let i = this.#start; i < end; i++) if (stale[i] === 2) n++;
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
            ? `${this.#file}: ${rows} rows read of ${this.#b.capacity} lines counted`
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

/**
 * The merge of a streamed load's bars with its funding events, made as the run reads on (StreamedTape.#mergeTo):
 * for each event so far, whether it is a funding event and its row in its own stream.
 */
class FundingMerge {
  readonly events: MarketEventSeq;
  readonly isFunding: Uint8Array;
  readonly row: Int32Array;
  merged = 0;
  /** The next bar and funding event to merge. */
  bar = 0;
  funding = 0;

  constructor(events: MarketEventSeq, length: number) {
    this.events = events;
    this.isFunding = new Uint8Array(length);
    this.row = new Int32Array(length);
  }
}

const fundingTime = (e: MarketEvent): number => (e.type === 'funding' ? e.record.ts : Number.NaN);
