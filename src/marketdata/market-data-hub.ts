/**
 * Market data shared by the bots of one process: one blended range (window buffers, ~0.5 MiB at a week of
 * 1-minute bars) per market, range settings and stream, instead of one per bot. The runner holds one hub; each
 * grid bot asks it for a SharedRange view, feeds its own bars to it exactly as it would feed its own range, and
 * reads the same values it would have computed alone (see shared-range.ts for why and how). A bar is pushed into
 * the shared buffers once, by the first bot that sees it; the others compare their sample with it.
 *
 * Bots share a stream when they see the same samples: paper bots replaying the same data from the same point,
 * in lockstep, or warmed one after another from the same start. Bots whose samples differ (another data file,
 * another replay position, bars built on their own clock) end up on timelines of their own, still exact.
 */
import {
  BlendedRange,
  type BlendedRangeConfig,
  DEFAULT_LOOKBACK_WEIGHTS,
  LOOKBACK_MS,
} from './blended-range.ts';
import { type RangeGroup, SharedRange } from './shared-range.ts';

const DEFAULT_HISTORY_MS = 86_400_000;

export interface MarketDataHubOptions {
  /**
   * History each timeline keeps beyond its slowest bot's window (ms), so a bot that starts replaying the same
   * data a little after the others still finds its first sample and joins them. Default 1 day.
   */
  historyMs?: number;
  /** Samples pushed between two trims of a timeline's history (tests: small). Default 1024. */
  trimEvery?: number;
}

export interface MarketDataStats {
  /** (market, settings) pairs with at least one bot. */
  groups: number;
  /** Distinct streams, each with its own window buffers. */
  timelines: number;
  /** Bot views attached. */
  views: number;
  /** Samples pushed into window buffers, over all timelines (a bar seen by many bots counts once). */
  samples: number;
  /** Samples held in the timelines' histories. */
  retained: number;
}

export class MarketDataHub {
  readonly #groups = new Map<string, RangeGroup>();
  readonly #o: MarketDataHubOptions;

  constructor(o: MarketDataHubOptions = {}) {
    this.#o = o;
  }

  /** A view of the blended range of `market` with these settings; release it when the bot stops. */
  range(market: string, config: BlendedRangeConfig): SharedRange {
    const key = groupKey(market, config);
    let group = this.#groups.get(key);
    if (!group) {
      // validates the settings now (a bad config fails when the bot opens, not at its first bar)
      const longestMs = new BlendedRange(config).longestLookbackMs;
      group = {
        config,
        longestMs,
        historyMs: this.#o.historyMs ?? DEFAULT_HISTORY_MS,
        trimEvery: this.#o.trimEvery ?? 1024,
        timelines: new Map(),
      };
      this.#groups.set(key, group);
    }
    return new SharedRange(group);
  }

  stats(): MarketDataStats {
    let timelines = 0;
    let views = 0;
    let samples = 0;
    let retained = 0;
    for (const g of this.#groups.values()) {
      timelines += g.timelines.size;
      for (const [tl, members] of g.timelines) {
        views += members.size;
        samples += tl.pushed;
        retained += tl.retained;
      }
    }
    let groups = 0;
    for (const g of this.#groups.values()) if (g.timelines.size > 0) groups++;
    return { groups, timelines, views, samples, retained };
  }
}

/** Settings spelled out (defaults applied), so an omitted default and the same value written share. */
function groupKey(market: string, c: BlendedRangeConfig): string {
  const w = c.weights ?? DEFAULT_LOOKBACK_WEIGHTS;
  const l = c.lookbackMs ?? LOOKBACK_MS;
  const p = c.percentiles ?? [5, 95];
  return JSON.stringify([
    market,
    p[0],
    p[1],
    w['1h'],
    w['4h'],
    w['1d'],
    w['1w'],
    l['1h'],
    l['4h'],
    l['1d'],
    l['1w'],
  ]);
}
