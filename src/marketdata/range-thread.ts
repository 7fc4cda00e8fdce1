/**
 * The blended range computed on its own thread while a backtest runs (range-series.ts; issue 17). Started before
 * the data is read, so the thread's start-up overlaps the parse; handed the bars once they are known. Worth it
 * on long runs and machines with a second core; `rangeThreadWanted` says when.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MarketEventSeq } from '../data/event-tape.ts';
import type { BlendedRangeConfig } from './blended-range.ts';
import { RangeSeriesReader, rangeSamples } from './range-series.ts';

// The CLI bundle points this at its own bundled copy of the worker (scripts/build-cli.ts, WORKER_ENTRIES), so a
// bundled run does not spend the thread's start-up stripping the TypeScript's types.
const ENTRY = new URL('./range-thread-worker.ts', import.meta.url);

/** Below this many bars the thread's start-up costs more than the range it takes off the run. */
export const RANGE_THREAD_MIN_BARS = 50_000;

/**
 * Whether a run may use the range thread: a second core, and not switched off
 * (ZERO_PERPS_RANGE_THREAD=0, for measuring the run on one core).
 */
export const rangeThreadWanted = (): boolean =>
  process.env.ZERO_PERPS_RANGE_THREAD !== '0' && availableParallelism() > 1;

export class RangeThread {
  readonly #worker: Worker;
  #used = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /** Starts the thread; it loads its code and waits for `series`. It never keeps the process alive. */
  static start(): RangeThread {
    const worker = new Worker(ENTRY);
    worker.unref();
    // a failure while computing is flagged in the shared buffers; this only keeps an error from going unheard
    worker.on('error', () => {});
    return new RangeThread(worker);
  }

  /**
   * The range of `market`'s bars in `events`, computed on the thread: a RangeSource for a bot fed exactly those
   * bars in order, with the grid's percentiles and weights (`config`). Undefined (and the thread stopped) when
   * the market has too few bars to be worth it.
   */
  series(config: BlendedRangeConfig, events: MarketEventSeq, market: string): RangeSeriesReader | undefined {
    if (this.#used) throw new Error('a RangeThread computes one series');
    this.#used = true;
    const buffers = rangeSamples(events, market);
    if (buffers.ts.length < RANGE_THREAD_MIN_BARS) {
      this.close();
      return undefined;
    }
    const { port1, port2 } = new MessageChannel();
    this.#worker.postMessage({ buffers, config, errors: port2 }, [port2]);
    port1.unref();
    return new RangeSeriesReader(buffers, port1);
  }

  /** Stops the thread (a run that ended early, or one that did not use it). */
  close(): void {
    void this.#worker.terminate();
  }
}
