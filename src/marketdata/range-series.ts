/**
 * A grid's blended range for every bar of a backtest, computed ahead of the run (issue 17). The range depends on
 * nothing but the market's marks (blended-range.ts), never on what the bot did, so another thread can compute it
 * while the run goes on: about a fifth of a bar's time moves off the run's thread. The same BlendedRange runs
 * there on the same (time, mark) samples in the same order, so each bar's lo and hi are the very numbers the
 * bot's own range would give.
 *
 * The buffers are shared (SharedArrayBuffer): the computing side writes lo and hi, then publishes how many bars
 * are done; the reading side (RangeSeriesReader) waits only when it catches up. The reader checks every sample
 * it is fed against the series' own, so a series fed other bars fails loudly instead of trading on them.
 */
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { EventTape, type MarketEventSeq } from '../data/event-tape.ts';
import type { MarketEvent } from '../data/types.ts';
import { BlendedRange, type BlendedRangeConfig, type RangeSource } from './blended-range.ts';

/**
 * progress[DONE]: bars whose lo/hi are written; progress[FAILED]: 1 when the computing side gave up, its reason
 * sent on the reader's port (range-thread-worker.ts sets both).
 */
const DONE = 0;
const FAILED = 1;

/** The bars a series covers (time, mark) and what is computed for them (lo, hi), all shared between threads. */
export interface RangeSeriesBuffers {
  ts: Float64Array;
  price: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  progress: Int32Array;
}

const shared = (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(n * 8));

/** Buffers for `n` bars, the samples to be filled in by the caller. */
export function allocateRangeSeries(n: number): RangeSeriesBuffers {
  return {
    ts: shared(n),
    price: shared(n),
    lo: shared(n),
    hi: shared(n),
    progress: new Int32Array(new SharedArrayBuffer(8)),
  };
}

/**
 * Buffers holding the bars of `market` in `events`, in order, as a bot's range is fed them: (known-at time,
 * close), which is the snapshot's (ts, mark) (snapshot-builder.ts). Their lo and hi are still to be computed.
 */
export function rangeSamples(events: MarketEventSeq, market: string): RangeSeriesBuffers {
  if (events instanceof EventTape) {
    // a tape answers by column: counted, then copied, without building a bar
    let n = 0;
    events.forEachBarOf(market, () => n++);
    const b = allocateRangeSeries(n);
    let i = 0;
    events.forEachBarOf(market, (t, close) => {
      b.ts[i] = t;
      b.price[i] = close;
      i++;
    });
    return b;
  }
  const ts: number[] = [];
  const price: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events.at(i) as MarketEvent;
    if (e.type !== 'bar' || e.market !== market) continue;
    ts.push(e.candle.ts + e.intervalMs);
    price.push(e.candle.close);
  }
  const b = allocateRangeSeries(ts.length);
  b.ts.set(ts);
  b.price.set(price);
  return b;
}

/**
 * Bars published at a time: small enough that the reader never waits long, large enough to cost nothing. The
 * first chunks are smaller (FIRST_CHUNK, doubling up to CHUNK): the reader is waiting for the first bars from the
 * start, and a whole chunk computed cold before the first was published kept it waiting ~15–40 ms.
 */
const CHUNK = 4096;
const FIRST_CHUNK = 64;

/** The computing side: the blended range after each sample, published a chunk at a time. */
export function fillRangeSeries(b: RangeSeriesBuffers, config: BlendedRangeConfig): void {
  const range = new BlendedRange(config);
  const n = b.ts.length;
  for (let start = 0, chunk = FIRST_CHUNK; start < n; start += chunk, chunk = Math.min(CHUNK, chunk * 2)) {
    const end = Math.min(n, start + chunk);
    for (let i = start; i < end; i++) {
      range.update(b.ts[i], b.price[i]);
      b.lo[i] = range.lo;
      b.hi[i] = range.hi;
    }
    Atomics.store(b.progress, DONE, end);
    Atomics.notify(b.progress, DONE);
  }
}

/** How long the reader waits without any progress before it calls the computing side lost. */
const STALL_MS = 60_000;

/**
 * A RangeSource that reads a series computed elsewhere: each update takes the next bar's lo and hi, after
 * checking that it is fed the bar the series was computed for.
 */
export class RangeSeriesReader implements RangeSource {
  lo = Number.NaN;
  hi = Number.NaN;
  readonly #b: RangeSeriesBuffers;
  readonly #errors: MessagePort | undefined;
  #next = 0;
  /** Bars known to be done (a copy of progress[DONE], so most updates read no shared memory). */
  #ready = 0;

  /** `start`: the first bar fed (a series computed over more bars than the run reads, from its window's first). */
  constructor(buffers: RangeSeriesBuffers, errors?: MessagePort, start = 0) {
    this.#b = buffers;
    this.#errors = errors;
    this.#next = start;
  }

  /** The index of the next bar to be fed (the bars read so far, when the series is read from its first). */
  get position(): number {
    return this.#next;
  }

  update(ts: number, price: number): void {
    const i = this.#next;
    const b = this.#b;
    if (i >= b.ts.length || b.ts[i] !== ts || b.price[i] !== price) {
      const expected = i < b.ts.length ? `(${b.ts[i]}, ${b.price[i]})` : 'no more bars';
      throw new Error(
        `range series out of step at bar ${i}: fed (${ts}, ${price}), computed for ${expected} (a bug: the series must be fed the bars it was made from)`,
      );
    }
    if (i >= this.#ready) this.#await(i);
    this.lo = b.lo[i];
    this.hi = b.hi[i];
    this.#next = i + 1;
  }

  /** Blocks until bar i is done; throws when the computing side failed or stopped answering. */
  #await(i: number): void {
    const progress = this.#b.progress;
    let waited = 0;
    let seen = Atomics.load(progress, DONE);
    for (;;) {
      if (seen > i) {
        this.#ready = seen;
        return;
      }
      if (Atomics.load(progress, FAILED) !== 0) {
        const sent = this.#errors ? receiveMessageOnPort(this.#errors) : undefined;
        const why = (sent?.message as { message?: string } | undefined)?.message ?? 'no reason given';
        throw new Error(`the blended range could not be computed: ${why}`);
      }
      const result = Atomics.wait(progress, DONE, seen, 1000);
      const now = Atomics.load(progress, DONE);
      waited = now === seen && result === 'timed-out' ? waited + 1000 : 0;
      if (waited >= STALL_MS) {
        throw new Error(
          `the thread computing the blended range made no progress for ${STALL_MS / 1000} s (bar ${i} of ${this.#b.ts.length})`,
        );
      }
      seen = now;
    }
  }
}
