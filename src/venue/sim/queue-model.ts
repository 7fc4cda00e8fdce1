/**
 * The 'queue' fill model (docs/sim-venue.md): trade-through, plus a place in the queue. A resting order is not
 * alone at its price: when the price first trades through it, `aheadBars` × the market's average bar volume
 * is assumed to stand ahead of it. Each bar the volume that traded beyond its price (the bar's volume × the
 * share of the intra-bar path beyond it, volume spread evenly along the path) first eats that queue; only
 * what is left can fill the order (rounded down to the step). An order partly filled is at the front.
 *
 * Bar data does not show the book, so this is an assumption with one knob: a trader reads the PnL under
 * 'touch', 'tradeThrough' and 'queue' side by side (backtest --fill-models all) to see how much depends on it.
 */
import { BASE_PRECISION } from '../../domain/precision.ts';
import type { Side } from '../../domain/types.ts';
import { shareOfPathBeyond } from './matching.ts';

export interface QueueModelParams {
  /** Base standing ahead of a new order at its price, in average bars of volume. Default 0.5. */
  aheadBars: number;
  /** Bars in the exponential average of bar volume. Default 60. */
  averageBars: number;
}

export const DEFAULT_QUEUE: QueueModelParams = { aheadBars: 0.5, averageBars: 60 };

export class QueueModel {
  readonly #params: QueueModelParams;
  readonly #avgVolume = new Map<number, number>();
  /** Base (float, base units) still ahead of each resting order the price has reached. */
  readonly #ahead = new WeakMap<object, number>();

  constructor(params: Partial<QueueModelParams> = {}) {
    this.#params = { ...DEFAULT_QUEUE, ...params };
  }

  /** Every bar of a market, before its fills: keeps the average bar volume. */
  observe(marketIndex: number, volume: number): void {
    const v = Number.isFinite(volume) && volume > 0 ? volume : 0;
    const prev = this.#avgVolume.get(marketIndex);
    const alpha = 2 / (this.#params.averageBars + 1);
    this.#avgVolume.set(marketIndex, prev === undefined ? v : prev + alpha * (v - prev));
  }

  /**
   * The most this order may fill in this bar (exact base units, on the step), after the queue ahead of it
   * took its share of the volume traded through its price. Updates the order's place in the queue.
   */
  allowance(
    order: object,
    marketIndex: number,
    side: Side,
    price: number,
    path: readonly number[],
    barVolume: number,
    step: bigint,
  ): bigint {
    const through = (Number.isFinite(barVolume) ? barVolume : 0) * shareOfPathBeyond(path, side, price);
    let ahead = this.#ahead.get(order);
    if (ahead === undefined) ahead = this.#params.aheadBars * (this.#avgVolume.get(marketIndex) ?? 0);
    const left = through - ahead;
    this.#ahead.set(order, Math.max(0, ahead - through));
    if (!(left > 0)) return 0n;
    const units = Math.floor((left * Number(BASE_PRECISION)) / Number(step));
    return BigInt(units) * step;
  }
}
