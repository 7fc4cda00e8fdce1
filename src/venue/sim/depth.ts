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
import { priceOnTick, sizeOnStep } from '../../domain/rounding.ts';
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
  const keep = 0.5 ** (intervalMs / HOUR / params.halfLifeHours);
  return mean * keep + perHour * (1 - keep);
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
    const bidBps = ((mark - Number(bid) / 1e6) / mark) * 1e4;
    const askBps = ((Number(ask) / 1e6 - mark) / mark) * 1e4;
    for (let i = 0; ; i++) {
      const extra = i * params.levelBps;
      if (askBps + extra > params.maxBps && bidBps + extra > params.maxBps) break;
      // Further levels step away from the best prices by whole ticks (asks up, bids down), so none crosses.
      if (askBps + extra <= params.maxBps) {
        const p = i === 0 ? ask : priceOnTick((Number(ask) / 1e6) * (1 + extra / 1e4), spec.tickSize, 'sell');
        if (asks.length === 0 || p > (asks[asks.length - 1] as BookLevel).price)
          asks.push({ price: p, base: perLevel });
        else (asks[asks.length - 1] as BookLevel).base += perLevel;
      }
      if (bidBps + extra <= params.maxBps) {
        const p = i === 0 ? bid : priceOnTick((Number(bid) / 1e6) * (1 - extra / 1e4), spec.tickSize, 'buy');
        if (p <= 0n) continue;
        if (bids.length === 0 || p < (bids[bids.length - 1] as BookLevel).price)
          bids.push({ price: p, base: perLevel });
        else (bids[bids.length - 1] as BookLevel).base += perLevel;
      }
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
