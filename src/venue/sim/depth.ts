/**
 * The simulator's depth model: a visible book for each market, fed by the bars' traded volume, so a liquidity
 * check before sending (and the place-and-take fills after it) can say no. Bars carry no book; this is the
 * simplest book consistent with what the data does say — how much trades per hour. Documented in
 * docs/sim-venue.md ("Depth model").
 *
 * - Activity: an exponentially weighted mean of base volume per hour (half-life `halfLifeHours`), so one
 *   zero-volume hour (63% of KMNO's hours in the shipped export) does not empty the book, while a long quiet
 *   stretch thins it. No volume ever seen (a source without volume, or bars built from live quotes): no book.
 * - Shape: each side holds `hoursWithin1Pct` × that hourly volume within 1% of the mark, spread evenly in levels
 *   `levelBps` apart, starting at the venue's best bid/ask (mark ∓ half the spread), out to `maxBps`. Depth is
 *   linear in the distance from the mark: within the spread bot's 25 bps cap a side shows a quarter of an hour's
 *   volume.
 * - The book does not deplete: a command sees the full book (our orders are small against an hour's flow, and
 *   the next decision comes a cycle later).
 */
import type { MarketSpec } from '../../domain/markets.ts';
import { sizeOnStep } from '../../domain/rounding.ts';
import type { BookLevel, L2Book } from '../port.ts';

export interface DepthModelParams {
  /** Hours of mean traded volume each side holds within 1% (100 bps) of the mark. */
  hoursWithin1Pct: number;
  /** Half-life of the volume mean, hours. */
  halfLifeHours: number;
  /** Distance between levels, bps. */
  levelBps: number;
  /** The book's extent on each side, bps from the mark. */
  maxBps: number;
}

export const DEFAULT_DEPTH: DepthModelParams = {
  hoursWithin1Pct: 1,
  halfLifeHours: 24,
  levelBps: 5,
  maxBps: 200,
};

const HOUR = 3_600_000;

/** The volume mean after one bar: base volume per hour, NaN until a bar with volume was seen. */
export function nextVolumePerHour(
  mean: number,
  volume: number,
  intervalMs: number,
  params: DepthModelParams,
): number {
  if (!(intervalMs > 0) || !Number.isFinite(volume) || volume < 0) return mean;
  const perHour = (volume * HOUR) / intervalMs;
  if (Number.isNaN(mean)) return volume > 0 ? perHour : mean;
  const keep = keepFactor(intervalMs, params.halfLifeHours);
  return mean * keep + perHour * (1 - keep);
}

/** 0.5^(interval / half-life) of the last interval and half-life asked: a run asks the same pair every bar. */
let keptInterval = Number.NaN;
let keptHalfLife = Number.NaN;
let keptFactor = Number.NaN;
function keepFactor(intervalMs: number, halfLifeHours: number): number {
  if (intervalMs !== keptInterval || halfLifeHours !== keptHalfLife) {
    keptInterval = intervalMs;
    keptHalfLife = halfLifeHours;
    keptFactor = 0.5 ** (intervalMs / HOUR / halfLifeHours);
  }
  return keptFactor;
}

/**
 * The modelled book around `mark` (float USD) with best prices `bid`/`ask` (PRICE, on the tick). Undefined
 * when no volume was ever seen.
 */
export function modelBook(
  spec: MarketSpec,
  ts: number,
  mark: number,
  bid: bigint,
  ask: bigint,
  volumePerHour: number,
  params: DepthModelParams = DEFAULT_DEPTH,
): L2Book | undefined {
  if (Number.isNaN(volumePerHour) || !(mark > 0)) return undefined;
  const perLevel = sizeOnStep(
    (volumePerHour * params.hoursWithin1Pct * params.levelBps) / 100,
    spec.stepSize,
  );
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  if (perLevel > 0n) {
    // Level i lies i × levelBps beyond the best price, in whole ticks away from it (asks up, bids down), so no
    // level crosses and rounding never brings one closer to the mark. Plain float maths on tick counts: this
    // runs at every decision of a backtest.
    const tick = Number(spec.tickSize);
    const askTicks = Number(ask) / tick;
    const bidTicks = Number(bid) / tick;
    const askRoom = params.maxBps - ((Number(ask) / 1e6 - mark) / mark) * 1e4;
    const bidRoom = params.maxBps - ((mark - Number(bid) / 1e6) / mark) * 1e4;
    for (let i = 0; i * params.levelBps <= askRoom; i++) {
      const off = Math.ceil((askTicks * i * params.levelBps) / 1e4 - 1e-9);
      const price = ask + BigInt(off) * spec.tickSize;
      const prev = asks[asks.length - 1];
      if (prev && prev.price === price) prev.base += perLevel;
      else asks.push({ price, base: perLevel });
    }
    for (let i = 0; i * params.levelBps <= bidRoom; i++) {
      const off = Math.ceil((bidTicks * i * params.levelBps) / 1e4 - 1e-9);
      const price = bid - BigInt(off) * spec.tickSize;
      if (price <= 0n) break;
      const prev = bids[bids.length - 1];
      if (prev && prev.price === price) prev.base += perLevel;
      else bids.push({ price, base: perLevel });
    }
  }
  return { marketIndex: spec.marketIndex, ts, bids, asks };
}

/** Base the side of `book` a taker order on `side` meets at prices within `limit` (PRICE). */
export function depthWithin(book: L2Book, side: 'buy' | 'sell', limit: bigint): bigint {
  let total = 0n;
  for (const l of side === 'buy' ? book.asks : book.bids) {
    if (side === 'buy' ? l.price > limit : l.price < limit) break;
    total += l.base;
  }
  return total;
}
