/**
 * Blended-range series computed once and read by every run fed the same bars with the same settings: the
 * optimiser's trials on one walk-forward segment, the fill models on one file (issue 17: one blended range shared
 * by all bots on the same market and settings). A series depends on nothing but the bars' (time, mark) and the
 * settings (range-series.ts), and each run reads it through its own RangeSeriesReader, which checks every bar it is
 * fed against the series': a key given to other bars fails loudly instead of trading on them.
 */
import type { MarketEventSeq } from '../data/event-tape.ts';
import type { BlendedRangeConfig, RangeSource } from './blended-range.ts';
import { fillRangeSeries, type RangeSeriesBuffers, RangeSeriesReader, rangeSamples } from './range-series.ts';

export class RangeSeriesCache {
  readonly #series = new Map<string, RangeSeriesBuffers>();
  readonly #maxSeries: number;

  /** `maxSeries`: the series kept at once (the oldest is dropped first); each is 32 bytes a bar. */
  constructor(maxSeries = 8) {
    this.#maxSeries = maxSeries;
  }

  /** Series computed so far (tests). */
  get size(): number {
    return this.#series.size;
  }

  /**
   * A range for one run over `events`: the series of `market`'s bars with `config`, computed the first time `key`
   * (the caller's name for these bars, e.g. a segment) is asked with these settings, then read from the kept one.
   */
  reader(key: string, events: MarketEventSeq, market: string, config: BlendedRangeConfig): RangeSource {
    const k = JSON.stringify([key, market, config.percentiles, config.weights, config.lookbackMs]);
    let series = this.#series.get(k);
    if (series === undefined) {
      series = rangeSamples(events, market);
      fillRangeSeries(series, config);
      if (this.#series.size >= this.#maxSeries) {
        const oldest = this.#series.keys().next().value as string;
        this.#series.delete(oldest);
      }
      this.#series.set(k, series);
    }
    return new RangeSeriesReader(series);
  }
}
