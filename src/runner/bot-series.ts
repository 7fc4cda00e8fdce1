/**
 * One bot's labelled metric series, each made once: prom-client's `counter.inc({ bot, trigger })` takes a fresh
 * label object per call and a histogram's `observe({ bot }, v)` a closure and a pair object too. A decision
 * cycle counts three or four series, so for 1,000 bots that was thousands of short-lived objects a bar, many of
 * them kept just long enough to be promoted. The counters are tallies (RunnerMetrics.tally: plain numbers added
 * to the counters when they are read) and the histogram's observations are handed over when it is read
 * (RunnerMetrics.observations); the series and their values are the same as with the inline calls.
 */
import type { PendingObservations, RunnerMetrics, Tally } from './metrics.ts';

export class BotSeries {
  readonly #m: RunnerMetrics;
  readonly #bot: string;
  readonly #loop: PendingObservations;
  readonly #decisions = new Map<string, Tally>();
  readonly #verdicts = new Map<string, Tally>();
  readonly #ordersSent = new Map<string, Tally>();
  /** By market index and side (2i buy, 2i + 1 sell): a string key per fill was itself a share of a fill's cost. */
  readonly #fills: (Tally | undefined)[] = [];

  constructor(metrics: RunnerMetrics, bot: string) {
    this.#m = metrics;
    this.#bot = bot;
    this.#loop = metrics.observations(metrics.loopLatency, { bot });
  }

  decision(trigger: string): void {
    tally(this.#decisions, trigger, () => this.#m.tally(this.#m.decisions, { bot: this.#bot, trigger })).n++;
  }

  verdict(kind: string): void {
    tally(this.#verdicts, kind, () => this.#m.tally(this.#m.verdicts, { bot: this.#bot, kind })).n++;
  }

  orderSent(kind: string): void {
    tally(this.#ordersSent, kind, () => this.#m.tally(this.#m.ordersSent, { bot: this.#bot, kind })).n++;
  }

  /** A fill on market `marketIndex`; `symbol` names it (asked on the first fill of each market and side). */
  fill(marketIndex: number, side: 'buy' | 'sell', symbol: () => string): void {
    const slot = 2 * marketIndex + (side === 'buy' ? 0 : 1);
    let t = this.#fills[slot];
    if (t === undefined) {
      t = this.#m.tally(this.#m.fills, { bot: this.#bot, symbol: symbol(), side });
      this.#fills[slot] = t;
    }
    t.n++;
  }

  /** One cycle's duration, seconds. */
  loop(seconds: number): void {
    this.#loop.observe(seconds);
  }
}

/** The tally for one label value, made on first use (the values are few: triggers, verdict and command kinds). */
function tally(cache: Map<string, Tally>, value: string, make: () => Tally): Tally {
  let c = cache.get(value);
  if (c === undefined) {
    c = make();
    cache.set(value, c);
  }
  return c;
}
