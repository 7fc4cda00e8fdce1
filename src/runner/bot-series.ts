/**
 * One bot's labelled metric series, each made once: prom-client's `counter.inc({ bot, trigger })` takes a fresh
 * label object per call and a histogram's `observe({ bot }, v)` a closure and a pair object too. A decision
 * cycle counts three or four series, so for 1,000 bots that was thousands of short-lived objects a bar, many of
 * them kept just long enough to be promoted. The children here hold their label object for the bot's life; the
 * series and their values are the same as with the inline calls.
 */
import type { Counter, Histogram } from 'prom-client';
import type { RunnerMetrics } from './metrics.ts';

type CounterChild = ReturnType<Counter<string>['labels']>;

export class BotSeries {
  readonly #m: RunnerMetrics;
  readonly #bot: string;
  readonly #loop: ReturnType<Histogram<string>['labels']>;
  readonly #decisions = new Map<string, CounterChild>();
  readonly #verdicts = new Map<string, CounterChild>();
  readonly #ordersSent = new Map<string, CounterChild>();

  constructor(metrics: RunnerMetrics, bot: string) {
    this.#m = metrics;
    this.#bot = bot;
    this.#loop = metrics.loopLatency.labels({ bot });
  }

  decision(trigger: string): void {
    child(this.#decisions, trigger, () => this.#m.decisions.labels({ bot: this.#bot, trigger })).inc();
  }

  verdict(kind: string): void {
    child(this.#verdicts, kind, () => this.#m.verdicts.labels({ bot: this.#bot, kind })).inc();
  }

  orderSent(kind: string): void {
    child(this.#ordersSent, kind, () => this.#m.ordersSent.labels({ bot: this.#bot, kind })).inc();
  }

  /** One cycle's duration, seconds. */
  loop(seconds: number): void {
    this.#loop.observe(seconds);
  }
}

/** The child for one label value, made on first use (the values are few: triggers, verdict and command kinds). */
function child(cache: Map<string, CounterChild>, value: string, make: () => CounterChild): CounterChild {
  let c = cache.get(value);
  if (c === undefined) {
    c = make();
    cache.set(value, c);
  }
  return c;
}
